import { hash } from '@node-rs/argon2';

/** argon2id with OWASP's recommended minimum (19 MiB, 2 passes): one setting for the CLI and the console. */
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

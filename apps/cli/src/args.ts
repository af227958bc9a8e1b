/** Minimal flag parser: `--name X --origin A --origin B` → { name: ['X'], origin: ['A', 'B'] }. */
export function parseFlags(argv: string[]): { positional: string[]; flags: Record<string, string[]> } {
  const positional: string[] = [];
  const flags: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split('=', 2);
      const value = inline ?? (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[++i] : 'true');
      (flags[name] ??= []).push(value);
    } else positional.push(a);
  }
  return { positional, flags };
}

export class UsageError extends Error {}

export function one(flags: Record<string, string[]>, name: string): string {
  const v = flags[name];
  if (!v?.length) throw new UsageError(`--${name} is required`);
  return v[v.length - 1];
}

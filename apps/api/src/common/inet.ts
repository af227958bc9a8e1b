import { isIP } from 'node:net';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * The family (4 or 6) of an address PostgreSQL's inet type accepts, else 0. Node's isIP (and
 * class-validator's) also take an IPv6 zone ('fe80::1%eth0'), which inet refuses: such an address
 * reached the database in a risk call's score job, which then failed on every retry, and the
 * answered login was never stored.
 */
export function inetFamily(value: string): 0 | 4 | 6 {
  return value.includes('%') ? 0 : (isIP(value) as 0 | 4 | 6);
}

/** An IPv4 or IPv6 address as PostgreSQL stores it (inetFamily), for DTOs. */
export function IsInetAddress(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isInetAddress',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && inetFamily(value) !== 0,
        defaultMessage: () => '$property must be an IPv4 or IPv6 address (without an IPv6 zone)',
      },
    },
    options,
  );
}

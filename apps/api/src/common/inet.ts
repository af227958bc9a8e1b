import { ValidateBy, type ValidationOptions } from 'class-validator';
import { canonicalIp } from '@kizuki/scoring';

/**
 * An IPv4 or IPv6 address as canonicalIp reads it, for DTOs: an IPv6 zone ('fe80::1%eth0') is
 * refused (PostgreSQL's inet cannot store it, and a score job holding one failed on every retry).
 * The handler stores canonicalIp(value), never the text as sent.
 */
export function IsInetAddress(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isInetAddress',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && canonicalIp(value) !== null,
        defaultMessage: () => '$property must be an IPv4 or IPv6 address (without an IPv6 zone)',
      },
    },
    options,
  );
}

import { isUuid } from '@kizuki/crypto';
import { canonicalIp, parseCidr } from '@kizuki/scoring';

export type ListKindName = 'ip' | 'cidr' | 'device' | 'user' | 'asn' | 'country';

/**
 * A list value as the scoring side compares it (kizuki_score_load_many), or an error message.
 * Addresses and blocks are canonical like client IPs (canonicalIp: IPv4-mapped unwrapped, RFC 5952
 * IPv6); a CIDR must name its network address, in either family (PostgreSQL's cidr refuses host
 * bits, and a bad value there would break every match).
 * `user` values are pseudonymised by the caller.
 */
export function normaliseListValue(kind: ListKindName, raw: string): { value: string } | { error: string } {
  const v = raw.trim();
  switch (kind) {
    case 'ip': {
      const ip = canonicalIp(v);
      return ip ? { value: ip } : { error: `${raw} is not an IPv4 or IPv6 address` };
    }
    case 'cidr': {
      const block = parseCidr(v);
      if (!block) return { error: `${raw} is not a CIDR block like 203.0.113.0/24` };
      if (block.hostBits) return { error: `${raw} has host bits set: did you mean ${block.network}/${block.bits}?` };
      return { value: `${block.network}/${block.bits}` };
    }
    case 'device':
      return isUuid(v)
        ? { value: v.toLowerCase() }
        : { error: 'device must be a Kizuki device id (uuid), as shown on the login or account screen' };
    case 'asn': {
      const m = /^(?:AS)?(\d{1,10})$/i.exec(v);
      return m && Number(m[1]) > 0 && Number(m[1]) <= 4294967295
        ? { value: String(Number(m[1])) }
        : { error: `${raw} is not an AS number like AS64500` };
    }
    case 'country':
      return /^[A-Za-z]{2}$/.test(v)
        ? { value: v.toUpperCase() }
        : { error: `${raw} is not an ISO 3166-1 alpha-2 country code like JP` };
    case 'user':
      return v.length > 0 ? { value: v } : { error: 'user must not be empty' };
  }
}

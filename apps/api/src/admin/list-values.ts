import { isIP } from 'node:net';
import { inetFamily } from '../common/inet';
import { isUuid } from '@kizuki/crypto';

export type ListKindName = 'ip' | 'cidr' | 'device' | 'user' | 'asn' | 'country';


/**
 * A list value as the scoring side compares it (ListRepository.matches), or an error message.
 * IPv4-mapped IPv6 is unwrapped like client IPs are; a CIDR must name its network address
 * (PostgreSQL's cidr refuses host bits, and a bad value there would break every match).
 * `user` values are pseudonymised by the caller.
 */
export function normaliseListValue(kind: ListKindName, raw: string): { value: string } | { error: string } {
  const v = raw.trim();
  switch (kind) {
    case 'ip': {
      const ip = v.startsWith('::ffff:') && isIP(v.slice(7)) === 4 ? v.slice(7) : v;
      return inetFamily(ip) ? { value: ip.toLowerCase() } : { error: `${raw} is not an IPv4 or IPv6 address` };
    }
    case 'cidr': {
      const m = /^([^/]+)\/(\d{1,3})$/.exec(v);
      const family = m ? inetFamily(m[1]) : 0;
      if (!m || !family) return { error: `${raw} is not a CIDR block like 203.0.113.0/24` };
      const bits = Number(m[2]);
      if (bits > (family === 4 ? 32 : 128)) return { error: `${raw}: the prefix length is too long` };
      if (family === 4) {
        const n = m[1].split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
        const size = 2 ** (32 - bits);
        const net = n - (n % size);
        if (net !== n) {
          const o = [24, 16, 8, 0].map((s) => Math.floor(net / 2 ** s) % 256).join('.');
          return { error: `${raw} has host bits set: did you mean ${o}/${bits}?` };
        }
        return { value: `${m[1]}/${bits}` };
      }
      return { value: `${m[1].toLowerCase()}/${bits}` };
    }
    case 'device':
      return isUuid(v) ? { value: v.toLowerCase() } : { error: 'device must be a Kizuki device id (uuid), as shown on the login or account screen' };
    case 'asn': {
      const m = /^(?:AS)?(\d{1,10})$/i.exec(v);
      return m && Number(m[1]) > 0 && Number(m[1]) <= 4294967295 ? { value: String(Number(m[1])) } : { error: `${raw} is not an AS number like AS64500` };
    }
    case 'country':
      return /^[A-Za-z]{2}$/.test(v) ? { value: v.toUpperCase() } : { error: `${raw} is not an ISO 3166-1 alpha-2 country code like JP` };
    case 'user':
      return v.length > 0 ? { value: v } : { error: 'user must not be empty' };
  }
}

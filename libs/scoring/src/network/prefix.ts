// The network an address belongs to, as the account learns it: the IPv4 /24 or the IPv6 /48.
// Pure string parsing (no node:net), so the engine stays free of platform modules.
import { parseIp } from './ip';

/**
 * '73.1.5.77' → '73.1.5.0/24'; '2001:DB8:0:12::1' → '2001:db8:0::/48'; an IPv4-mapped IPv6
 * address ('::ffff:73.1.5.77') is its IPv4 network. Null for anything that is not an address.
 */
export function networkPrefix(ip: string | null | undefined): string | null {
  if (typeof ip !== 'string') return null;
  const s = ip.trim().toLowerCase().replace(/%.*$/, '');
  if (!s) return null;
  const p = parseIp(s);
  if (!p) return null;
  if (p.family === 4) return `${p.bytes[0]}.${p.bytes[1]}.${p.bytes[2]}.0/24`;
  const groups = p.groups;
  // ::ffff:a.b.c.d (IPv4-mapped): the IPv4 network
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}.0/24`;
  }
  return `${groups
    .slice(0, 3)
    .map((g) => g.toString(16))
    .join(':')}::/48`;
}

import { isIP } from 'node:net';

/**
 * The network an address belongs to for throttling: the IPv4 /24, or the IPv6 /64 (the smallest
 * block one subscriber is usually given, so one attacker cannot spread over many of them).
 * IPv4-mapped IPv6 addresses count as their IPv4 address. Anything else is 'unknown'.
 */
export function sourceNetwork(ip: string | null | undefined): string {
  const v4 = asIpv4(ip);
  if (v4) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  const groups = ip ? ipv6Groups(ip) : null;
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : 'unknown';
}

/** The address one client is counted as: an IPv4 address itself, an IPv6 address its /64. */
export function sourceAddress(ip: string | null | undefined): string {
  return asIpv4(ip) ?? sourceNetwork(ip);
}

function asIpv4(ip: string | null | undefined): string | null {
  if (!ip) return null;
  if (isIP(ip) === 4) return ip;
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m && isIP(m[1]) === 4 ? m[1] : null;
}

/** The eight 16-bit groups of an IPv6 address, lower-case hex without leading zeros, or null. */
function ipv6Groups(ip: string): string[] | null {
  if (isIP(ip) !== 6 || ip.includes('%')) return null;
  let text = ip.toLowerCase();
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number);
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const h = head ? head.split(':') : [];
  const r = rest !== undefined && rest ? rest.split(':') : [];
  const fill = text.includes('::') ? Array(8 - h.length - r.length).fill('0') : [];
  const all = [...h, ...fill, ...r];
  return all.length === 8 ? all.map((g) => parseInt(g, 16).toString(16)) : null;
}

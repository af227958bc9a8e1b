import { canonicalIp, formatIp, parseIp } from '@kizuki/scoring';

/**
 * The network an address belongs to for throttling: the IPv4 /24, or the IPv6 /64 (the smallest
 * block one subscriber is usually given, so one attacker cannot spread over many of them).
 * Addresses are canonicalised first (IPv4-mapped IPv6 counts as IPv4). Anything else is 'unknown'.
 */
export function sourceNetwork(ip: string | null | undefined): string {
  const p = parsed(ip);
  if (!p) return 'unknown';
  if (p.family === 4) return `${p.bytes.slice(0, 3).join('.')}.0/24`;
  return `${formatIp({ family: 6, groups: [...p.groups.slice(0, 4), 0, 0, 0, 0] })}/64`;
}

/** The address one client is counted as: an IPv4 address itself, an IPv6 address its /64. */
export function sourceAddress(ip: string | null | undefined): string {
  const p = parsed(ip);
  return p?.family === 4 ? formatIp(p) : sourceNetwork(ip);
}

function parsed(ip: string | null | undefined) {
  const canonical = ip ? canonicalIp(ip) : null;
  return canonical ? parseIp(canonical) : null;
}

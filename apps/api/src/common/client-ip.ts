import { BlockList, isIP } from 'node:net';
import { inetFamily } from './inet';

/**
 * The client's IP for requests that come straight from browsers (collect): the socket address,
 * or — only when the socket is a configured trusted proxy — the right-most X-Forwarded-For hop
 * that is not itself a trusted proxy. A forged X-Forwarded-For from a client changes nothing.
 */
export class ClientIpResolver {
  private readonly trusted = new BlockList();
  private readonly any: boolean;

  constructor(trustedProxies: string) {
    const entries = trustedProxies.split(',').map((s) => s.trim()).filter(Boolean);
    this.any = entries.length > 0;
    for (const entry of entries) {
      const [addr, bits] = entry.split('/');
      const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
      if (!isIP(addr)) throw new Error(`TRUSTED_PROXIES: '${entry}' is not an IP or CIDR`);
      if (bits === undefined) this.trusted.addAddress(addr, family);
      else this.trusted.addSubnet(addr, Number(bits), family);
    }
  }

  resolve(socketIp: string | undefined, forwardedFor: string | string[] | undefined): string | null {
    const socket = normalise(socketIp);
    if (!socket) return null;
    if (!this.any || !this.isTrusted(socket)) return socket;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
      .split(',')
      .map((h) => normalise(h.trim()))
      .filter((h): h is string => !!h);
    for (let i = hops.length - 1; i >= 0; i--) {
      if (!this.isTrusted(hops[i])) return hops[i];
    }
    return hops[0] ?? socket;
  }

  private isTrusted(ip: string): boolean {
    return this.trusted.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
  }
}

/** Strips IPv4-mapped IPv6 (::ffff:1.2.3.4) and rejects what is not an IP. */
export function normalise(ip: string | undefined): string | null {
  if (!ip) return null;
  const v = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  // an address the database cannot store (an IPv6 zone) is no client address: the bundle keeps none
  return inetFamily(v) ? v : null;
}

import { BlockList } from 'node:net';
import { canonicalIp, parseCidr } from '@kizuki/scoring';

/**
 * The client's IP for requests that come straight from browsers (collect): the socket address,
 * or — only when the socket is a configured trusted proxy — the right-most X-Forwarded-For hop
 * that is not itself a trusted proxy. A forged X-Forwarded-For from a client changes nothing.
 */
export class ClientIpResolver {
  private readonly trusted = new BlockList();
  private readonly any: boolean;

  constructor(trustedProxies: string) {
    const entries = trustedProxies
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    this.any = entries.length > 0;
    for (const entry of entries) {
      const addr = canonicalIp(entry);
      const block = addr ? null : parseCidr(entry);
      if (addr) this.trusted.addAddress(addr, addr.includes(':') ? 'ipv6' : 'ipv4');
      else if (block) this.trusted.addSubnet(block.network, block.bits, block.network.includes(':') ? 'ipv6' : 'ipv4');
      else throw new Error(`TRUSTED_PROXIES: '${entry}' is not an IP or CIDR`);
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
    return this.trusted.check(ip, ip.includes(':') ? 'ipv6' : 'ipv4');
  }
}

/**
 * The canonical address (canonicalIp: ::ffff:1.2.3.4 is 1.2.3.4), or null for what is not one —
 * an IPv6 zone included, which the database cannot store: the bundle then keeps no address.
 */
export function normalise(ip: string | undefined): string | null {
  return ip ? canonicalIp(ip) : null;
}

// The network an address belongs to, as the account learns it: the IPv4 /24 or the IPv6 /48.
// Pure string parsing (no node:net), so the engine stays free of platform modules.

/**
 * '73.1.5.77' → '73.1.5.0/24'; '2001:DB8:0:12::1' → '2001:db8:0::/48'; an IPv4-mapped IPv6
 * address ('::ffff:73.1.5.77') is its IPv4 network. Null for anything that is not an address.
 */
export function networkPrefix(ip: string | null | undefined): string | null {
  if (typeof ip !== 'string') return null;
  const s = ip.trim().toLowerCase().replace(/%.*$/, '');
  if (!s) return null;
  const v4 = ipv4Octets(s);
  if (v4) return `${v4[0]}.${v4[1]}.${v4[2]}.0/24`;
  const groups = ipv6Groups(s);
  if (!groups) return null;
  // ::ffff:a.b.c.d (IPv4-mapped): the IPv4 network
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}.0/24`;
  }
  return `${groups.slice(0, 3).map((g) => g.toString(16)).join(':')}::/48`;
}

function ipv4Octets(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** The eight 16-bit groups of an IPv6 address (with '::' and a trailing dotted IPv4), or null. */
function ipv6Groups(s: string): number[] | null {
  if (!s.includes(':')) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string, last: boolean): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (const [i, item] of items.entries()) {
      if (last && i === items.length - 1 && item.includes('.')) {
        const v4 = ipv4Octets(item);
        if (!v4) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-f]{1,4}$/.test(item)) {
        out.push(parseInt(item, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = parse(halves[0], halves.length === 1);
  const tail = halves.length === 2 ? parse(halves[1], true) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

// The one reading of IP text in Kizuki: every address is parsed here where it enters (a risk call's
// context.ip, collect's client address, list entries, console filters) and stored, counted and
// compared in its canonical text, so 127.0.0.1 and ::ffff:127.0.0.1 are one client.
// Pure string parsing (no node:net), so the engine and every app can share it.

export type ParsedIp = { family: 4; bytes: number[] } | { family: 6; groups: number[] };

/**
 * 'a.b.c.d' with decimal octets 0–255 and no leading zeros (which some tools read as octal). One pass over
 * the characters, no split or regular expression: it runs on every risk call's and every collect's IP.
 */
function ipv4Bytes(s: string): number[] | null {
  const out: number[] = [];
  let n = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46; // the end closes the last octet like a '.'
    if (c >= 48 && c <= 57) {
      if (digits === 1 && n === 0) return null; // a leading zero
      if (++digits > 3) return null;
      n = n * 10 + (c - 48);
    } else if (c === 46) {
      if (digits === 0 || n > 255 || out.length === 4) return null;
      out.push(n);
      n = 0;
      digits = 0;
    } else return null;
  }
  return out.length === 4 ? out : null;
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
        const v4 = ipv4Bytes(item);
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

/**
 * An IPv4 or IPv6 address, exactly (no surrounding space, brackets or prefix length). An IPv6 zone
 * ('fe80::1%eth0') is refused: it names an interface of the sender's host, and PostgreSQL's inet
 * cannot store it.
 */
export function parseIp(text: string): ParsedIp | null {
  if (typeof text !== 'string' || text.length > 45) return null;
  const s = text.toLowerCase();
  const bytes = ipv4Bytes(s);
  if (bytes) return { family: 4, bytes };
  const groups = ipv6Groups(s);
  return groups ? { family: 6, groups } : null;
}

/** IPv4 mapped into IPv6 (::ffff:a.b.c.d, how a dual-stack socket reports an IPv4 client) as IPv4. */
function unmapped(p: ParsedIp): ParsedIp {
  if (p.family === 6 && p.groups.slice(0, 5).every((g) => g === 0) && p.groups[5] === 0xffff) {
    return { family: 4, bytes: [p.groups[6] >> 8, p.groups[6] & 0xff, p.groups[7] >> 8, p.groups[7] & 0xff] };
  }
  return p;
}

/**
 * Dotted IPv4; IPv6 as RFC 5952 writes it: lower case, no leading zeros, the first longest run of two or more
 * zero groups as '::'.
 */
export function formatIp(p: ParsedIp): string {
  if (p.family === 4) return p.bytes.join('.');
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8;) {
    if (p.groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && p.groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (best.at < 0) return hex(p.groups);
  return `${hex(p.groups.slice(0, best.at))}::${hex(p.groups.slice(best.at + best.len))}`;
}

/** The canonical text of an address (IPv4-mapped unwrapped, RFC 5952 IPv6), or null if it is none. */
export function canonicalIp(text: string): string | null {
  const p = parseIp(text);
  return p ? formatIp(unmapped(p)) : null;
}

export interface ParsedCidr {
  /** the address as written, canonical (host bits kept) */
  address: string;
  /** the network address (host bits cleared) */
  network: string;
  bits: number;
  /** true when the address has bits set right of the prefix */
  hostBits: boolean;
}

/**
 * 'address/bits', canonical like canonicalIp: an IPv4-mapped block of at least 96 bits
 * (::ffff:203.0.113.0/120) is the IPv4 block (203.0.113.0/24). Null for anything else
 * ('1.2.3.4/24/1', '1.2.3.4/033', a prefix longer than the family).
 */
export function parseCidr(text: string): ParsedCidr | null {
  if (typeof text !== 'string') return null;
  const m = /^([^/]+)\/(0|[1-9]\d{0,2})$/.exec(text);
  const parsed = m ? parseIp(m[1]) : null;
  if (!m || !parsed) return null;
  let bits = Number(m[2]);
  if (bits > (parsed.family === 4 ? 32 : 128)) return null;
  let p = parsed;
  if (p.family === 6 && bits >= 96 && unmapped(p).family === 4) {
    p = unmapped(p);
    bits -= 96;
  }
  // the address as 8- or 16-bit units; clear what lies right of the prefix
  const [units, width] = p.family === 4 ? [p.bytes, 8] : [p.groups, 16];
  const net = units.map((u, i) => {
    const keep = Math.max(0, Math.min(width, bits - i * width));
    return keep === 0 ? 0 : u & ~((1 << (width - keep)) - 1) & ((1 << width) - 1);
  });
  const netP: ParsedIp = p.family === 4 ? { family: 4, bytes: net } : { family: 6, groups: net };
  return { address: formatIp(p), network: formatIp(netP), bits, hostBits: net.some((u, i) => u !== units[i]) };
}

/**
 * The IPv4 address an IPv6 address carries in its last 32 bits by one of the embedding
 * conventions — IPv4-mapped ::ffff:0:0/96, IPv4-compatible ::/96 (but :: and ::1), SIIT-translated
 * ::ffff:0:0:0/96, NAT64 64:ff9b::/96 — as dotted text, else null. Whoever reaches such an address
 * may reach that IPv4 host.
 */
export function embeddedIpv4(
  p: ParsedIp,
): { form: 'mapped' | 'compatible' | 'translated' | 'nat64'; ipv4: string } | null {
  if (p.family !== 6) return null;
  const g = p.groups;
  const ipv4 = `${g[6] >> 8}.${g[6] & 0xff}.${g[7] >> 8}.${g[7] & 0xff}`;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return { form: 'mapped', ipv4 };
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return { form: 'translated', ipv4 };
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return { form: 'nat64', ipv4 };
  if (zeros(0, 6) && !(g[6] === 0 && g[7] <= 1)) return { form: 'compatible', ipv4 };
  return null;
}

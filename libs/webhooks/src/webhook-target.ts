import { BlockList } from 'node:net';
import { lookup } from 'node:dns/promises';
import { embeddedIpv4, formatIp, parseIp } from '@kizuki/scoring';

// Where a webhook may never go unless WEBHOOKS_ALLOW_PRIVATE_TARGETS is on (development):
// private, loopback, link-local (cloud metadata at 169.254.169.254), CGNAT, unspecified,
// multicast, reserved and documentation ranges — for IPv4, IPv6, and IPv4 mapped into IPv6.
const BLOCKED = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  BLOCKED.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  BLOCKED.addSubnet(net, bits, 'ipv6');

/**
 * True for an address a webhook must not reach by default. Decided on the parsed address, not its
 * spelling: an IPv6 address that carries an IPv4 one in its last 32 bits (mapped ::ffff:0:0/96,
 * compatible ::/96, translated ::ffff:0:0:0/96, NAT64 64:ff9b::/96) may reach that IPv4 host, a
 * private one included — [::127.0.0.1], which URL parsing turns into [::7f00:1], is loopback — and
 * is never a legitimate target, so all are refused, whatever IPv4 address they carry.
 */
export function isPrivateAddress(address: string): boolean {
  const parsed = parseIp(address);
  if (!parsed) return true;
  if (parsed.family === 4) return BLOCKED.check(formatIp(parsed), 'ipv4');
  if (embeddedIpv4(parsed)) return true;
  return BLOCKED.check(formatIp(parsed), 'ipv6');
}

export type TargetCheck =
  { ok: true; url: URL; addresses: { address: string; family: 4 | 6 }[] } | { ok: false; reason: string };

/**
 * Checks a webhook URL before it is saved and again before every delivery: http(s) only, no
 * credentials in it, and every address its host resolves to is public (a name with one private
 * address is refused: the connection could use it). The delivery then connects only to the
 * addresses checked here (no second DNS answer to rebind to) and never follows redirects.
 */
export async function checkWebhookTarget(
  raw: string,
  allowPrivate: boolean,
  resolve = lookupAll,
): Promise<TargetCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'only http and https URLs' };
  if (url.username || url.password) return { ok: false, reason: 'no credentials in the URL' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: 4 | 6 }[];
  const literal = parseIp(host);
  if (literal) addresses = [{ address: formatIp(literal), family: literal.family }];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      return { ok: false, reason: `${host} does not resolve` };
    }
  }
  if (!addresses.length) return { ok: false, reason: `${host} does not resolve` };
  if (!allowPrivate) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad)
      return { ok: false, reason: `${host} resolves to a private, loopback or link-local address (${bad.address})` };
  }
  return { ok: true, url, addresses };
}

async function lookupAll(host: string): Promise<{ address: string; family: 4 | 6 }[]> {
  const all = await lookup(host, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
}

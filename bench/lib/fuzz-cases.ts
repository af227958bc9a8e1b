// Hostile requests for every public endpoint, generated with fast-check: valid bodies with one
// field replaced by something nasty (wrong types, huge strings and arrays, deep nesting,
// __proto__/constructor keys, NaN/Infinity, invalid UTF-8), raw garbage, wrong content types, and
// each path spelled with percent-escapes.
// Used by bench/fuzz.ts (≥ 10,000 per endpoint) and test/e2e/fuzz.e2e-spec.ts (a sample).
import fc from 'fast-check';
import { makeBundle } from '../../fixtures/factories';

export interface FuzzKeys {
  publishableKey: string;
  secretKey: string;
  origin: string;
  /** a console session (cookie header value) for the console reads; without it they are all 401 */
  adminCookie?: string;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export type Endpoint = 'collect' | 'risk' | 'feedback' | 'assessments' | 'users' | 'admin-login' | 'console';
export const ENDPOINTS: Endpoint[] = ['collect', 'risk', 'feedback', 'assessments', 'users', 'admin-login', 'console'];

/** Spellings of addresses and blocks: canonical or not, mapped, embedded, zoned, malformed (issue 15). */
const IP_SHAPES = [
  '203.0.113.7',
  '::ffff:203.0.113.7',
  '::FFFF:cb00:7107',
  '2001:4860:0:0:0:0:0:8888',
  '2001:4860::8888',
  '::127.0.0.1',
  '::ffff:0:7f00:1',
  '64:ff9b::10.0.0.1',
  'fe80::1%eth0',
  '01.2.3.4',
  '1.2.3.256',
  '1.2.3',
  '1::2::3',
  '[::1]',
  ' 1.2.3.4',
  '1.2.3.4/24',
  '1.2.3.4/24/1',
  '1.2.3.4/33',
  '::ffff:203.0.113.0/120',
  '2001:db8::1/64',
  '1.2.3.4/',
  '/24',
  '1.2.3.4/024',
  '::/0',
  '0.0.0.0/0',
];

/** Cursor instants: what the api writes, and what Date.parse takes but PostgreSQL refuses (issue 15). */
const INSTANTS = [
  '2026-12-04T13:45:01.123456Z',
  '2026-12-04T13:45:01.123Z',
  '99999',
  '2024-02-30',
  'March 7',
  '2024-02-30T10:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '0000-01-01T00:00:00Z',
  '2024-01-01T24:00:00Z',
  '2024-01-01T00:00:00+09:00',
  '',
  '1e999',
  'null',
];

// Tokens that JSON.stringify cannot produce are written as markers and swapped in the text.
const RAW: Record<string, string> = {
  '"@@NaN@@"': 'NaN',
  '"@@Inf@@"': 'Infinity',
  '"@@-Inf@@"': '-Infinity',
  '"@@1e999@@"': '1e999',
  '"@@undef@@"': 'undefined',
};

/** Deep nesting is written straight into the text (a 3,000-level object would overflow JSON.stringify). */
const deep = (depth: number, array: boolean): string => `@@deep${array ? 'a' : 'o'}:${depth}@@`;
const deepText = (kind: string, depth: number) =>
  kind === 'a' ? '['.repeat(depth) + '1' + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Values that should never reach a handler as-is. */
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    2 ** 53,
    -(2 ** 31),
    1.5,
    '',
    ' ',
    '\u0000',
    '@@NaN@@',
    '@@Inf@@',
    '@@-Inf@@',
    '@@1e999@@',
    '@@undef@@',
  ),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('x'.repeat(300), 'x'.repeat(5000), 'é'.repeat(20000), '😀'.repeat(3000)),
  fc.array(fc.integer(), { maxLength: 50 }),
  fc.constantFrom(new Array(5000).fill(0), new Array(300).fill({ d: 1, u: 2, c: 'char' })),
  fc.integer({ min: 10, max: 3000 }).map((d) => deep(d, false)),
  fc.integer({ min: 10, max: 3000 }).map((d) => deep(d, true)),
  fc.constantFrom(
    { __proto__: { polluted: true } },
    { constructor: { prototype: { polluted: true } } },
    { ['__proto__']: 1 },
  ),
  fc.jsonValue({ maxDepth: 4 }),
  fc.object({ maxDepth: 3 }),
);

type Json = Record<string, unknown>;

function paths(v: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v as Json)) {
      const p = [...prefix, k];
      out.push(p);
      if (out.length < 400) paths(x, p, out);
    }
  }
  return out;
}

function setAt(root: unknown, path: string[], value: unknown, op: 'set' | 'delete' | 'add'): unknown {
  const copy = JSON.parse(JSON.stringify(root));
  let o = copy as Json;
  for (const k of path.slice(0, -1)) o = o[k] as Json;
  const last = path[path.length - 1];
  if (op === 'delete') Reflect.deleteProperty(o, last);
  else if (op === 'add') o[`${last}_extra`] = value;
  else o[last] = value;
  return copy;
}

/** Serialises with the raw tokens and the __proto__ keys (JSON.stringify would drop a real prototype). */
function serialise(v: unknown): string {
  let text = JSON.stringify(v, (_k, x) => {
    if (
      x &&
      typeof x === 'object' &&
      !Array.isArray(x) &&
      Object.getPrototypeOf(x) !== Object.prototype &&
      Object.getPrototypeOf(x) !== null
    ) {
      return { __proto__marker: { ...Object.getPrototypeOf(x) }, ...x };
    }
    return x;
  });
  text = text.replace(/"__proto__marker"/g, '"__proto__"');
  for (const [k, r] of Object.entries(RAW)) text = text.split(k).join(r);
  return text.replace(/"@@deep([ao]):(\d+)@@"/g, (_m, kind: string, n: string) => deepText(kind, Number(n)));
}

function templates(e: Endpoint): Json {
  switch (e) {
    case 'collect':
      return makeBundle({ seed: 7 }) as unknown as Json;
    case 'risk':
      return {
        requestToken: 'rt_x.y',
        event: 'login',
        status: 'attempted',
        user: { id: 'fuzz@example.jp' },
        context: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0', acceptLanguage: 'ja' },
      };
    case 'feedback':
      return { assessmentId: '00000000-0000-4000-8000-000000000000', label: 'legit' };
    case 'admin-login':
      return { email: 'nobody@example.jp', password: 'not the password', totp: '123456' };
    default:
      return {};
  }
}

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=latin1',
  '',
  'application/jsonx',
];

const bodyArb = (e: Endpoint): fc.Arbitrary<{ body: Buffer; type: string }> => {
  const tpl = templates(e);
  const ps = paths(tpl);
  const json = (text: string) => ({ body: Buffer.from(text, 'utf8'), type: 'application/json' });
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...ps),
          nasty,
          fc.constantFrom('set', 'set', 'set', 'delete', 'add') as fc.Arbitrary<'set' | 'delete' | 'add'>,
        )
        .map(([p, v, op]) => json(serialise(setAt(tpl, p, v, op)))),
    },
    { weight: 1, arbitrary: nasty.map((v) => json(serialise(v))) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '{"__proto__":{"admin":true}}',
          '{"constructor":{"prototype":{"x":1}}}',
          '{',
          '}',
          '[]',
          'null',
          '""',
          '{"a":NaN}',
          '{"a":1e999}',
          '\u0000',
          '{}{}',
          `{"x":"${'\\u0000'.repeat(100)}"}`,
        )
        .map(json),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => ({
        body: Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, ...b]), Buffer.from('"}')]),
        type: 'application/json',
      })),
    },
    ...(tpl.context
      ? [
          {
            weight: 1,
            arbitrary: fc
              .constantFrom(...IP_SHAPES)
              .map((ip) => json(serialise(setAt(tpl, ['context', 'ip'], ip, 'set')))),
          },
        ]
      : []),
    { weight: 1, arbitrary: fc.constantFrom(70_000, 200_000, 1_100_000).map((n) => json(`{"x":"${'a'.repeat(n)}"}`)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...CONTENT_TYPES), fc.string({ maxLength: 200 }))
        .map(([type, s]) => ({ body: Buffer.from(s.length ? s : serialise(tpl)), type })),
    },
  );
};

const segment: fc.Arbitrary<string> = fc.oneof(
  fc.uuid(),
  fc.string({ minLength: 1, maxLength: 40 }).map((s) => encodeURIComponent(s)),
  fc.constantFrom(
    '..',
    '%2e%2e',
    '%00',
    '%ff',
    '%',
    'x'.repeat(3000),
    '__proto__',
    'constructor',
    '00000000-0000-0000-0000-000000000000',
    '%E2%80%AE',
    '%C0%AF',
  ),
);

/**
 * The same path spelled otherwise, as the router still resolves it: some letters percent-encoded
 * (`/v1/%63ollect`, `/%61dmin/api/…`, upper or lower hex), and a few forms it must not resolve
 * (an encoded or doubled slash, a double encoding). Checks keyed on the path must hold for all.
 */
const spelled = (path: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(path) },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.boolean(), { minLength: path.length, maxLength: path.length })
        .chain((flip) =>
          fc
            .boolean()
            .map((upper) =>
              [...path]
                .map((c, i) =>
                  flip[i] && /[a-z]/i.test(c)
                    ? '%' + (upper ? c.charCodeAt(0).toString(16).toUpperCase() : c.charCodeAt(0).toString(16))
                    : c,
                )
                .join(''),
            ),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '/' + path.slice(1).replace(/\//g, '%2F'),
        '/' + path,
        path.replace(/[a-z]/, (c) => `%25${c.charCodeAt(0).toString(16)}`),
        `${path}/`,
        `${path}%00`,
        `${path};x`,
      ),
    },
  );

export function endpointArbitrary(e: Endpoint, keys: FuzzKeys): fc.Arbitrary<FuzzRequest> {
  const withBody = (method: string, path: string, auth: Record<string, string>) =>
    fc.tuple(spelled(path), bodyArb(e)).map(([p, { body, type }]) => ({
      method,
      path: p,
      headers: { ...auth, ...(type ? { 'content-type': type } : {}) },
      body,
    }));
  const sk = { authorization: `Bearer ${keys.secretKey}` };
  switch (e) {
    case 'collect':
      return withBody('POST', '/v1/collect', { 'x-kizuki-key': keys.publishableKey, origin: keys.origin });
    case 'risk':
      return withBody('POST', '/v1/risk', sk);
    case 'feedback':
      return withBody('POST', '/v1/feedback', sk);
    case 'admin-login':
      return withBody('POST', '/admin/api/auth/login', {});
    case 'console': {
      // the console's list reads: keyset cursors and the ?ip= filter
      const text = fc.oneof(
        fc.constantFrom(...INSTANTS),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.string({ maxLength: 30 }),
      );
      const cursor = fc.oneof(
        fc
          .tuple(text, fc.oneof(fc.uuid(), fc.string({ maxLength: 40 })))
          .map(([at, id]) => Buffer.from(`${at}|${id}`).toString('base64url')),
        fc.string({ maxLength: 60 }),
      );
      const query = fc.record(
        { cursor, ip: fc.oneof(fc.constantFrom(...IP_SHAPES), fc.string({ maxLength: 40 })) },
        { requiredKeys: [] },
      );
      const path = fc.constantFrom('/admin/api/logins', '/admin/api/audit', '/admin/api/webhooks/deliveries');
      return fc.tuple(path, query).map(([p, q]) => ({
        method: 'GET',
        path: `${p}?${new URLSearchParams(q as Record<string, string>)}`,
        headers: keys.adminCookie ? { cookie: keys.adminCookie } : ({} as Record<string, string>),
      }));
    }
    case 'assessments':
      return fc
        .tuple(spelled('/v1/assessments/'), segment)
        .map(([p, id]) => ({ method: 'GET', path: `${p}${id}`, headers: sk }));
    case 'users':
      return fc
        .tuple(segment, segment, fc.constantFrom('GET devices', 'GET export', 'DELETE', 'POST approve', 'POST report'))
        .map(([user, device, what]) => {
          const [method, action] = what.split(' ');
          const path =
            action === 'devices' || action === 'export'
              ? `/v1/users/${user}/${action}`
              : method === 'DELETE'
                ? `/v1/users/${user}`
                : `/v1/users/${user}/devices/${device}/${action}`;
          return { method, path, headers: sk };
        });
  }
}

export interface FuzzTally {
  sent: number;
  statuses: Record<string, number>;
  serverErrors: string[];
  clientSkipped: number;
}

/** Sends the requests (n at a time) and tallies statuses; a 5xx or a dropped connection is a failure. */
export async function runFuzz(baseUrl: string, requests: FuzzRequest[], concurrency = 8): Promise<FuzzTally> {
  const tally: FuzzTally = { sent: 0, statuses: {}, serverErrors: [], clientSkipped: 0 };
  let next = 0;
  const one = async (r: FuzzRequest) => {
    let res: Response;
    try {
      res = await fetch(baseUrl + r.path, { method: r.method, headers: r.headers, body: r.body });
    } catch (e) {
      // undici refuses some header/URL values itself: that request never reached the server
      if (e instanceof TypeError && !/fetch failed/.test(e.message)) {
        tally.clientSkipped++;
        return;
      }
      tally.serverErrors.push(
        `${r.method} ${r.path.slice(0, 80)}: connection failed (${String((e as Error).cause ?? e)})`,
      );
      return;
    }
    await res.arrayBuffer().catch(() => undefined);
    tally.sent++;
    tally.statuses[res.status] = (tally.statuses[res.status] ?? 0) + 1;
    if (res.status >= 500)
      tally.serverErrors.push(
        `${r.method} ${r.path.slice(0, 80)} → ${res.status} (body ${r.body?.subarray(0, 120).toString('utf8') ?? ''})`,
      );
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) await one(requests[next++]);
    }),
  );
  return tally;
}

export function sampleRequests(e: Endpoint, keys: FuzzKeys, n: number, seed: number): FuzzRequest[] {
  return fc.sample(endpointArbitrary(e, keys), { numRuns: n, seed });
}

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentHash, tenantDocumentKey } from '@kizuki/crypto';
import { createDataSource } from '@kizuki/database';
import { KizukiClient } from '../../libs/client/src';
import { importBreached } from '../../apps/cli/src/commands/breached';
import { importDocuments } from '../../apps/cli/src/commands/documents';
import { corpusCount, corpusPassword, sha1Upper, writeBreachedCorpus } from '../../fixtures/breached-corpus';
import { makeBundle } from '../../fixtures/factories';
import { KizukiEnv } from '../../fixtures/kizuki-env';

jest.setTimeout(60_000);

describe('breached passwords and identity documents (issue #18)', () => {
  const env = new KizukiEnv();
  const dir = mkdtempSync(join(tmpdir(), 'kizuki-s18-'));
  let a: { tenantId: string; publishableKey: string; secretKey: string };
  let b: { tenantId: string; publishableKey: string; secretKey: string };
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });

  async function range(prefix: string, key = a.secretKey): Promise<{ status: number; text: string; type: string }> {
    const res = await fetch(`${env.baseUrl}/v1/breached-passwords/range/${prefix}`, { headers: auth(key) });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
  }

  async function risk(
    t: { publishableKey: string; secretKey: string },
    user: string,
    visitorId: string,
    extra: Record<string, unknown>,
    how: 'typed' | 'filled' = 'typed',
  ) {
    const bundle = makeBundle({ visitorId, storageId: `${visitorId}-s` });
    if (how === 'filled') {
      // a password manager: the field filled without key events
      bundle.typing.fields = bundle.typing.fields.map((f) =>
        f.role === 'password' ? { ...f, keys: [], autofilled: true, inputEvents: 1, startMs: -1 } : f,
      );
    }
    const c = await env.post('/v1/collect', bundle, {
      'x-kizuki-key': t.publishableKey,
      origin: KizukiEnv.ORIGIN,
    });
    expect(c.status).toBe(202);
    const r = await env.post(
      '/v1/risk',
      {
        requestToken: c.body.requestToken,
        event: 'login',
        status: 'succeeded',
        user: { id: user },
        context: { ip: '198.51.100.4' },
        ...extra,
      },
      auth(t.secretKey),
    );
    expect(r.status).toBe(200);
    expect(r.body.degraded).toBe(false);
    return r.body as { decision: string; score: number; reasons: { code: string; detail: string }[] };
  }

  beforeAll(async () => {
    await env.start();
    a = await env.createTenant('A');
    b = await env.createTenant('B');
  });
  afterAll(async () => {
    await env.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('GET /v1/breached-passwords/range/:prefix', () => {
    it('says no corpus was imported rather than answering "not breached"', async () => {
      const r = await range('21BD1');
      expect(r.status).toBe(503);
      expect(JSON.parse(r.text).error.code).toBe('BREACHED_CORPUS_MISSING');
    });

    it('imports a corpus (idempotently) and answers ranges of one padded size with the real counts', async () => {
      const file = join(dir, 'corpus.txt');
      await writeBreachedCorpus(file, 20_000, [['correct horse battery staple', 1234]]);
      const first = await importBreached(env.config.DATABASE_URL, file);
      expect(first).toMatchObject({ hashes: 20_001, lines: 20_001, sorted: false });
      const ranges = async () =>
        (
          await env.sql<{ d: string }>(
            `SELECT md5(string_agg(prefix || ':' || entries || ':' || body, '|' ORDER BY prefix)) AS d
               FROM breached_password_ranges`,
          )
        )[0].d;
      const unsortedRanges = await ranges();
      // the published file's order (sorted by hash): its runs are the ranges, the same corpus
      const sortedFile = join(dir, 'corpus-sorted.txt');
      writeFileSync(sortedFile, readFileSync(file, 'latin1').trim().split('\r\n').sort().join('\r\n'), 'latin1');
      const sorted = await importBreached(env.config.DATABASE_URL, sortedFile);
      expect(sorted).toMatchObject({ hashes: 20_001, sorted: true, ranges: first.ranges, maxRange: first.maxRange });
      expect(await ranges()).toBe(unsortedRanges);
      const again = await importBreached(env.config.DATABASE_URL, file);
      expect({ ...again, ms: 0, copyMs: 0 }).toEqual({ ...first, ms: 0, copyMs: 0 });
      expect(await ranges()).toBe(unsortedRanges);
      const [n] = await env.sql<{ n: number }>(`SELECT sum(entries)::int AS n FROM breached_password_ranges`);
      expect(n.n).toBe(20_001);

      const hash = sha1Upper('correct horse battery staple');
      const r = await range(hash.slice(0, 5).toLowerCase());
      expect(r.status).toBe(200);
      expect(r.type).toMatch(/^text\/plain/);
      const lines = r.text.split('\r\n');
      expect(lines.find((l) => l.startsWith(hash.slice(5)))).toBe(`${hash.slice(5)}:0000001234`);
      // every answer of the corpus has the same size, whatever the prefix holds
      const other = await range(sha1Upper(corpusPassword(7)).slice(0, 5));
      const absent = await range('00000');
      expect(new Set([r.text.length, other.text.length, absent.text.length]).size).toBe(1);
      expect(lines.length).toBeGreaterThanOrEqual(100);
    });

    it('a re-import replaces the corpus: hashes no longer in the file are gone', async () => {
      const file = join(dir, 'subset.txt');
      await writeBreachedCorpus(file, 1_000);
      expect(await importBreached(env.config.DATABASE_URL, file)).toMatchObject({ hashes: 1_000 });
      const client = new KizukiClient({ endpoint: env.baseUrl, secretKey: a.secretKey });
      expect(await client.isBreached('correct horse battery staple')).toEqual({ breached: false, count: 0 });
      expect(await client.isBreached(corpusPassword(500))).toEqual({ breached: true, count: corpusCount(500) });
      expect(await client.isBreached(corpusPassword(1_000))).toEqual({ breached: false, count: 0 });
    });

    it('a bad file changes nothing', async () => {
      const file = join(dir, 'bad.txt');
      writeFileSync(file, `${sha1Upper('x')}:1\r\nnot a hash\r\n`);
      await expect(importBreached(env.config.DATABASE_URL, file)).rejects.toThrow('line 2');
      const [n] = await env.sql<{ n: number }>(`SELECT sum(entries)::int AS n FROM breached_password_ranges`);
      expect(n.n).toBe(1_000);
    });

    it('needs a secret key and a 5-hex prefix; errors are JSON', async () => {
      expect((await range('21BD1', 'sk_live_nope')).status).toBe(401);
      expect((await range('21BD1', a.publishableKey)).status).toBe(401);
      for (const bad of ['21BD', '21BD12', 'GGGGG', '%00%00%00%00%00']) {
        const r = await range(bad);
        expect(r.status).toBe(400);
        expect(JSON.parse(r.text).error.code).toBe('VALIDATION_FAILED');
      }
    });

    it('breached: typed on a new device scores above filled by a password manager on a trusted device', async () => {
      const client = new KizukiClient({ endpoint: env.baseUrl, secretKey: a.secretKey });
      const check = await client.isBreached(corpusPassword(300));
      const credentials = { breached: check.breached, breachCount: check.count };
      // the owner's device becomes trusted by allowed, succeeded logins
      for (let i = 0; i < 2; i++) await risk(a, 'reuser@example.jp', 'visitor-owner', {}, 'filled');
      const owner = await risk(a, 'reuser@example.jp', 'visitor-owner', { credentials }, 'filled');
      const thief = await risk(a, 'reuser@example.jp', 'visitor-thief', { credentials }, 'typed');
      const codes = (x: { reasons: { code: string }[] }) => x.reasons.map((r) => r.code);
      expect(codes(owner)).toContain('BREACHED_PASSWORD');
      expect(codes(owner)).toContain('KNOWN_DEVICE');
      expect(codes(thief)).toEqual(expect.arrayContaining(['BREACHED_PASSWORD', 'NEW_DEVICE']));
      expect(thief.score).toBeGreaterThan(owner.score + 20);
      expect(owner.decision).toBe('allow');
      expect(thief.decision).not.toBe('allow');
    });

    it('the risk call carries the check: BREACHED_PASSWORD', async () => {
      const client = new KizukiClient({ endpoint: env.baseUrl, secretKey: a.secretKey });
      const check = await client.isBreached(corpusPassword(42));
      expect(check.breached).toBe(true);
      const answer = await risk(a, 'breached@example.jp', 'visitor-breach-1', {
        credentials: { breached: check.breached, breachCount: check.count },
      });
      const reason = answer.reasons.find((x) => x.code === 'BREACHED_PASSWORD');
      expect(reason?.detail).toContain(`appears ${check.count.toLocaleString('en-US')} times`);
      const clean = await risk(a, 'clean@example.jp', 'visitor-breach-2', { credentials: { breached: false } });
      expect(clean.reasons.map((x) => x.code)).not.toContain('BREACHED_PASSWORD');
      for (const credentials of [{ breached: 'yes' }, { breached: true, breachCount: -1 }, { breached: true, x: 1 }]) {
        const r = await env.post(
          '/v1/risk',
          { event: 'login', status: 'attempted', user: { id: 'u' }, context: { ip: '198.51.100.4' }, credentials },
          auth(a.secretKey),
        );
        expect(r.status).toBe(400);
      }
    });
  });

  describe('identity documents', () => {
    const LEAKED = 'TK1234567';

    it('gives the tenant its document key; the client hashes numbers with it, normalised', async () => {
      const client = new KizukiClient({ endpoint: env.baseUrl, secretKey: a.secretKey });
      const key = tenantDocumentKey(env.config.KIZUKI_SECRET, a.tenantId);
      expect(await client.documentHash('tk-123 4567')).toBe(documentHash(key, LEAKED));
      expect(await client.documentHash('ＴＫ１２３４５６７')).toBe(documentHash(key, LEAKED));
      const withKey = new KizukiClient({
        endpoint: 'http://127.0.0.1:9',
        secretKey: 'sk_unused',
        documentKey: key.toString('base64url'),
      });
      expect(await withKey.documentHash(LEAKED)).toBe(documentHash(key, LEAKED));
      const other = new KizukiClient({ endpoint: env.baseUrl, secretKey: b.secretKey });
      expect(await other.documentHash(LEAKED)).not.toBe(documentHash(key, LEAKED));
      expect((await env.get('/v1/identity/document-key', auth(a.publishableKey))).status).toBe(401);
    });

    it('DOCUMENT_LEAKED for a document on the imported watch list, stored only as keyed hashes', async () => {
      const file = join(dir, 'leaked.txt');
      writeFileSync(file, `# incident 2026-11\n${LEAKED}\nAB 9876543\n\n`);
      const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
      await db.initialize();
      try {
        const first = await importDocuments(db, env.config.KIZUKI_SECRET, a.tenantId, file);
        expect(first).toEqual({ documents: 2, added: 2, total: 2, removed: 0 });
        expect(await importDocuments(db, env.config.KIZUKI_SECRET, a.tenantId, file)).toEqual({
          documents: 2,
          added: 0,
          total: 2,
          removed: 0,
        });
      } finally {
        await db.destroy();
      }
      const stored = await env.sql<{ h: string }>(`SELECT document_hash AS h FROM document_watchlist`);
      const clientHash = documentHash(tenantDocumentKey(env.config.KIZUKI_SECRET, a.tenantId), LEAKED);
      expect(stored).toHaveLength(2);
      for (const { h } of stored) {
        expect(h).toMatch(/^[0-9a-f]{64}$/);
        expect(h).not.toBe(clientHash);
      }

      const client = new KizukiClient({ endpoint: env.baseUrl, secretKey: a.secretKey });
      const answer = await risk(a, 'kenji@example.jp', 'visitor-doc-1', {
        identity: { documentHash: await client.documentHash(LEAKED) },
      });
      expect(answer.reasons.map((x) => x.code)).toContain('DOCUMENT_LEAKED');
      expect(answer.decision).not.toBe('allow');
      const fine = await risk(a, 'aiko@example.jp', 'visitor-doc-2', {
        identity: { documentHash: await client.documentHash('XY0000001') },
      });
      expect(fine.reasons.map((x) => x.code)).not.toContain('DOCUMENT_LEAKED');
      // tenant B's own hash of the same number is not on A's list, and B has no list
      const bClient = new KizukiClient({ endpoint: env.baseUrl, secretKey: b.secretKey });
      const inB = await risk(b, 'kenji@example.jp', 'visitor-doc-b1', {
        identity: { documentHash: await bClient.documentHash(LEAKED) },
      });
      expect(inB.reasons.map((x) => x.code)).not.toContain('DOCUMENT_LEAKED');
      // the raw client hash is not a number either way: a wrong shape is refused
      const r = await env.post(
        '/v1/risk',
        {
          event: 'login',
          status: 'attempted',
          user: { id: 'u' },
          context: { ip: '198.51.100.4' },
          identity: { documentHash: LEAKED },
        },
        auth(a.secretKey),
      );
      expect(r.status).toBe(400);
    });

    it('DOCUMENT_REUSED when one document is behind several accounts, within the tenant only', async () => {
      const client = new KizukiClient({ endpoint: env.baseUrl, secretKey: a.secretKey });
      const doc = await client.documentHash('MN5550001');
      const first = await risk(a, 'owner@example.jp', 'visitor-reuse-1', { identity: { documentHash: doc } });
      expect(first.reasons.map((x) => x.code)).not.toContain('DOCUMENT_REUSED');
      // the same account again: still one account
      const same = await risk(a, 'owner@example.jp', 'visitor-reuse-1', { identity: { documentHash: doc } });
      expect(same.reasons.map((x) => x.code)).not.toContain('DOCUMENT_REUSED');
      const second = await risk(a, 'fake1@example.jp', 'visitor-reuse-2', { identity: { documentHash: doc } });
      expect(second.reasons.find((x) => x.code === 'DOCUMENT_REUSED')?.detail).toBe(
        'The identity document is behind 2 accounts.',
      );
      const third = await risk(a, 'fake2@example.jp', 'visitor-reuse-3', { identity: { documentHash: doc } });
      expect(third.reasons.find((x) => x.code === 'DOCUMENT_REUSED')?.detail).toContain('behind 3 accounts');
      expect(third.score).toBeGreaterThan(second.score);
      // tenant B: the same number under B's key is a different document
      const bClient = new KizukiClient({ endpoint: env.baseUrl, secretKey: b.secretKey });
      const inB = await risk(b, 'fake3@example.jp', 'visitor-reuse-b', {
        identity: { documentHash: await bClient.documentHash('MN5550001') },
      });
      expect(inB.reasons.map((x) => x.code)).not.toContain('DOCUMENT_REUSED');
    });

    it('export lists the documents (stored hashes); erase removes the links and keeps the watch list', async () => {
      const user = encodeURIComponent('kenji@example.jp');
      const exported = await env.get(`/v1/users/${user}/export`, auth(a.secretKey));
      expect(exported.status).toBe(200);
      expect(exported.body.identityDocuments).toEqual([
        expect.objectContaining({ documentHash: expect.stringMatching(/^[0-9a-f]{64}$/), onWatchList: true }),
      ]);
      const inB = await env.get(`/v1/users/${user}/export`, auth(b.secretKey));
      expect(inB.body.identityDocuments).toHaveLength(1);
      expect(inB.body.identityDocuments[0].onWatchList).toBe(false);
      const res = await fetch(`${env.baseUrl}/v1/users/${user}`, { method: 'DELETE', headers: auth(a.secretKey) });
      expect(((await res.json()) as { erased: { identityDocuments: number } }).erased.identityDocuments).toBe(1);
      const left = await env.sql<{ t: string; n: number }>(
        `SELECT tenant_id::text AS t, count(*)::int AS n FROM identity_documents GROUP BY 1 ORDER BY 1`,
      );
      // A keeps its other accounts' links (owner, fake1, fake2, aiko); B keeps both of its own
      expect(left.find((x) => x.t === a.tenantId)?.n).toBe(4);
      expect(left.find((x) => x.t === b.tenantId)?.n).toBe(2);
      const [w] = await env.sql<{ n: number }>(`SELECT count(*)::int AS n FROM document_watchlist`);
      expect(w.n).toBe(2);
      // B's kenji is untouched
      expect((await env.get(`/v1/users/${user}/export`, auth(b.secretKey))).body.identityDocuments).toHaveLength(1);
    });
  });
});

describe('the range lookup is rate-limited per secret key', () => {
  const env = new KizukiEnv({ RATE_LIMIT_PER_KEY: '3', RATE_LIMIT_WINDOW_SECONDS: '60' });
  afterAll(() => env.stop());

  it('answers 429 with Retry-After past the per-key limit, as JSON', async () => {
    await env.start();
    const t = await env.createTenant('limited');
    const statuses: number[] = [];
    let last: Response | null = null;
    for (let i = 0; i < 5; i++) {
      last = await fetch(`${env.baseUrl}/v1/breached-passwords/range/21BD1`, {
        headers: { authorization: `Bearer ${t.secretKey}` },
      });
      statuses.push(last.status);
      if (i < 4) await last.text();
    }
    // no corpus here: 503 until the limit, then 429
    expect(statuses).toEqual([503, 503, 503, 429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await last!.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
  });
});

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDataSource } from '@kizuki/database';
import { createAdmin } from '../../apps/cli/src/commands/admins';
import { signLink, verifyLink } from '../../apps/api/src/links/link-token';
import {
  KizukiClient,
  kizukiLogin,
  verifyWebhookSignature,
  WebhookSignatureError,
  type LoginRequestLike,
  type RiskAnswer,
  type WebhookEvent,
} from '../../libs/client/src';
import { makeBundle } from '../../fixtures/factories';
import { freePort } from '../helpers/free-port';
import { KizukiEnv } from '../../fixtures/kizuki-env';
import { until } from '../helpers/until';

jest.setTimeout(90_000);

const ORIGIN = 'https://shop.example';
const PASSWORD = 'correct horse battery staple';

/** A customer's webhook receiver on 127.0.0.1 (allowed here by WEBHOOKS_ALLOW_PRIVATE_TARGETS). */
class Receiver {
  server!: Server;
  url = '';
  secret = '';
  received: { headers: IncomingMessage['headers']; body: string; answered: number }[] = [];
  /** how many more requests to answer 500 */
  failNext = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const answered = this.failNext > 0 ? 500 : 200;
        if (this.failNext > 0) this.failNext--;
        this.received.push({ headers: req.headers, body, answered });
        res.writeHead(answered).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/kizuki`;
    return this;
  }

  verified(): WebhookEvent[] {
    return this.received
      .filter((r) => r.answered === 200)
      .map((r) => verifyWebhookSignature(r.body, r.headers['kizuki-signature'], this.secret));
  }
}

describe('integrations: server client, webhooks, "was this you?" links, metrics', () => {
  let metricsPort: number;
  let env: KizukiEnv;
  const receiver = new Receiver();
  let tenant: { tenantId: string; publishableKey: string; secretKey: string };
  let client: KizukiClient;
  let admin: { cookie: string; csrf: string };

  async function adminCall(method: string, path: string, body?: unknown) {
    const res = await fetch(env.baseUrl + path, {
      method,
      headers: {
        cookie: admin.cookie,
        'x-csrf-token': admin.csrf,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  async function collect(visitorId: string, seed = 1): Promise<string> {
    const c = await env.post('/v1/collect', makeBundle({ seed, visitorId, storageId: `${visitorId}-storage` }), {
      'x-kizuki-key': tenant.publishableKey,
      origin: ORIGIN,
    });
    expect(c.status).toBe(202);
    return c.body.requestToken;
  }

  beforeAll(async () => {
    metricsPort = await freePort();
    env = new KizukiEnv({
      WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
      METRICS_PORT: String(metricsPort),
      KIZUKI_PUBLIC_URL: 'https://kizuki.example.com',
    });
    await env.start();
    await receiver.start();
    tenant = await env.createTenant('Shop', [ORIGIN]);
    client = new KizukiClient({ endpoint: env.baseUrl, secretKey: tenant.secretKey });
    const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
    await db.initialize();
    try {
      await createAdmin(db, tenant.tenantId, 'admin@shop.example', 'admin', PASSWORD);
      await createAdmin(db, tenant.tenantId, 'analyst@shop.example', 'analyst', PASSWORD);
    } finally {
      await db.destroy();
    }
    const r = await env.post('/admin/api/auth/login', { email: 'admin@shop.example', password: PASSWORD });
    admin = { cookie: (r.headers.get('set-cookie') ?? '').split(';')[0], csrf: r.body.csrfToken };
  });
  afterAll(async () => {
    await env.stop();
    receiver.server?.close();
  });

  it(
    'the client asks risk, reads the assessment, sends feedback, lists and approves devices, ' + 'exports and erases',
    async () => {
      const answer = await client.risk({
        requestToken: await collect('visitor-client-1'),
        status: 'succeeded',
        user: { id: 'hanako@example.jp' },
        context: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0' },
      });
      expect(answer).toMatchObject({ decision: 'allow', degraded: false, device: { status: 'trusted' } });
      expect((await client.assessment(answer.id)).id).toBe(answer.id);
      expect(await client.feedback(answer.id, 'legit')).toMatchObject({ assessmentId: answer.id, label: 'legit' });
      const devices = await client.devices.list('hanako@example.jp');
      expect(devices.map((d) => d.id)).toContain(answer.device!.id);
      expect(await client.devices.approve('hanako@example.jp', answer.device!.id)).toEqual({
        id: answer.device!.id,
        status: 'trusted',
      });
      await expect(client.devices.list('nobody@example.jp')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
      expect(((await client.exportUser('hanako@example.jp')) as { assessments: unknown[] }).assessments.length).toBe(1);
      expect((await client.eraseUser('hanako@example.jp')).erased.accounts).toBe(1);
    },
  );

  it(
    'risk() never throws on an outage: fallback challenge, degraded (timeout, refused connection, ' + 'bad key)',
    async () => {
      const down = new KizukiClient({ endpoint: 'http://127.0.0.1:9', secretKey: 'sk_live_x' });
      const req = { status: 'attempted' as const, user: { id: 'u' }, context: { ip: '203.0.113.9' } };
      expect(await down.risk(req)).toMatchObject({ decision: 'challenge', degraded: true });
      const hang = createServer(() => undefined);
      await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
      const slow = new KizukiClient({
        endpoint: `http://127.0.0.1:${(hang.address() as AddressInfo).port}`,
        secretKey: 'sk_live_x',
        timeoutMs: 200,
        fallbackDecision: 'deny',
      });
      const started = Date.now();
      expect(await slow.risk(req)).toMatchObject({
        decision: 'deny',
        degraded: true,
        error: expect.stringContaining('TIMEOUT'),
      });
      expect(Date.now() - started).toBeLessThan(1500);
      hang.closeAllConnections();
      hang.close();
      const wrongKey = new KizukiClient({ endpoint: env.baseUrl, secretKey: 'sk_live_wrong' });
      expect(await wrongKey.risk(req)).toMatchObject({
        decision: 'challenge',
        degraded: true,
        error: expect.stringContaining('401'),
      });
    },
  );

  it('the Express middleware puts the answer on req.kizuki', async () => {
    const req: LoginRequestLike = {
      body: { username: 'taro@example.jp', kizuki_request_token: await collect('visitor-mw-1', 3) },
      headers: { 'user-agent': 'Mozilla/5.0' },
      ip: '198.51.100.20',
    };
    await new Promise<void>((resolve, reject) => kizukiLogin(client)(req, {}, (e) => (e ? reject(e) : resolve())));
    expect(req.kizuki).toMatchObject({ degraded: false, device: { status: 'pending' } });
  });

  describe('"was this you?" links', () => {
    let answer: RiskAnswer;
    const path = (url: string) => new URL(url).pathname;

    beforeAll(async () => {
      answer = await client.risk({
        requestToken: await collect('visitor-link-1', 5),
        status: 'attempted',
        user: { id: 'jiro@example.jp' },
        context: { ip: '198.51.100.30' },
      });
    });

    it('come with a login from a device new to the user, and not with a known device', async () => {
      expect(answer.device?.status).toBe('pending');
      expect(answer.links).toEqual({
        approve: expect.stringMatching(/^https:\/\/kizuki\.example\.com\/links\/lk_/),
        report: expect.any(String),
        expiresAt: expect.any(String),
      });
      const known = await client.risk({
        requestToken: await collect('visitor-client-9', 6),
        status: 'succeeded',
        user: { id: 'saburo@example.jp' },
        context: { ip: '198.51.100.31' },
      });
      expect(known.device?.status).toBe('trusted');
      expect(known.links).toBeUndefined();
    });

    it(
      'GET shows a confirmation without acting; POST approves once; the second use (either link) ' + 'is refused',
      async () => {
        const page = await fetch(env.baseUrl + path(answer.links!.approve));
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<form method="post">');
        // in Japanese by Accept-Language, or by ?lang=ja (kept when the form posts back)
        const visibleText = (html: string) =>
          html
            .replace(/<style[\s\S]*?<\/style>/g, '')
            .replace(/<[^>]+>/g, ' ')
            .trim();
        const ja = await (
          await fetch(env.baseUrl + path(answer.links!.report), {
            headers: { 'accept-language': 'ja-JP,ja;q=0.9,en;q=0.5' },
          })
        ).text();
        expect(ja).toContain('<html lang="ja">');
        expect(visibleText(ja)).toContain('お心当たりのないログインですか？');
        expect(visibleText(ja)).not.toMatch(/[A-Za-z]{2,}/);
        const asked = await (
          await fetch(env.baseUrl + path(answer.links!.approve) + '?lang=ja', { headers: { 'accept-language': 'en' } })
        ).text();
        expect(visibleText(asked)).toContain('このログインはご本人ですか？');
        expect(asked).toContain('<form method="post" action="?lang=ja">');
        expect((await client.devices.list('jiro@example.jp'))[0].status).toBe('pending');
        const ok = await fetch(env.baseUrl + path(answer.links!.approve), {
          method: 'POST',
          headers: { accept: 'application/json' },
        });
        expect([ok.status, await ok.json()]).toEqual([
          200,
          { action: 'approve', deviceId: answer.device!.id, status: 'trusted' },
        ]);
        expect((await client.devices.list('jiro@example.jp'))[0].status).toBe('trusted');
        const again = await fetch(env.baseUrl + path(answer.links!.approve), {
          method: 'POST',
          headers: { accept: 'application/json' },
        });
        expect([again.status, ((await again.json()) as any).error.code]).toEqual([410, 'LINK_EXPIRED']);
        const other = await fetch(env.baseUrl + path(answer.links!.report), {
          method: 'POST',
          headers: { accept: 'application/json' },
        });
        expect(other.status).toBe(410);
        // the browser form post (urlencoded, empty) gets an HTML answer
        const html = await fetch(env.baseUrl + path(answer.links!.approve), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: '',
        });
        expect([html.status, html.headers.get('content-type')]).toEqual([410, expect.stringContaining('text/html')]);
      },
    );

    it('an expired link is refused, and a tampered one is not found', async () => {
      const fresh = await client.risk({
        requestToken: await collect('visitor-link-2', 7),
        status: 'attempted',
        user: { id: 'shiro@example.jp' },
        context: { ip: '198.51.100.32' },
      });
      const check = verifyLink(env.config.KIZUKI_SECRET, path(fresh.links!.approve).slice('/links/'.length));
      if (check.state !== 'valid') throw new Error('fresh link not valid');
      const claims = check.claims;
      const expired = signLink(env.config.KIZUKI_SECRET, { ...claims, e: Math.floor(Date.now() / 1000) - 1 });
      const r = await fetch(`${env.baseUrl}/links/${expired}`, {
        method: 'POST',
        headers: { accept: 'application/json' },
      });
      expect([r.status, ((await r.json()) as any).error.code]).toEqual([410, 'LINK_EXPIRED']);
      const tampered = signLink('another-secret-another-secret-1234', claims);
      expect(
        (await fetch(`${env.baseUrl}/links/${tampered}`, { method: 'POST', headers: { accept: 'application/json' } }))
          .status,
      ).toBe(404);
      expect((await client.devices.list('shiro@example.jp'))[0].status).toBe('pending');
    });
  });

  describe('webhooks', () => {
    let endpointId: string;

    it('only admins manage endpoints; the secret is shown once; the change is audited', async () => {
      const analyst = await env.post('/admin/api/auth/login', { email: 'analyst@shop.example', password: PASSWORD });
      const a = { cookie: (analyst.headers.get('set-cookie') ?? '').split(';')[0] };
      expect((await fetch(`${env.baseUrl}/admin/api/webhooks`, { headers: a })).status).toBe(403);
      const created = await adminCall('POST', '/admin/api/webhooks', {
        url: receiver.url,
        events: ['assessment.challenge', 'assessment.deny', 'device.reported', 'list.changed'],
        description: 'test receiver',
      });
      expect(created.status).toBe(201);
      expect(created.body.secret).toMatch(/^whsec_/);
      receiver.secret = created.body.secret;
      endpointId = created.body.item.id;
      const list = await adminCall('GET', '/admin/api/webhooks');
      expect(JSON.stringify(list.body)).not.toContain(created.body.secret);
      expect(list.body.items[0]).toMatchObject({ id: endpointId, url: receiver.url, enabled: true });
      const audit = await adminCall('GET', '/admin/api/audit');
      expect(audit.body.items.map((x: { action: string }) => x.action)).toContain('webhook.create');
      expect(
        (await adminCall('POST', '/admin/api/webhooks', { url: 'ftp://example.com/x', events: ['list.changed'] })).body
          .error.code,
      ).toBe('WEBHOOK_TARGET_REFUSED');
    });

    it('a challenged login is delivered signed, and retried after two 500s with backoff', async () => {
      receiver.failNext = 2;
      const r = await client.risk({
        status: 'attempted',
        user: { id: 'goro@example.jp' },
        context: { ip: '198.51.100.40' },
      });
      expect(r.decision).toBe('challenge');
      const events = await until(async () =>
        receiver.verified().some((e) => e.type === 'assessment.challenge' && e.data.assessmentId === r.id)
          ? receiver.verified()
          : null,
      );
      const mine = receiver.received.filter((x) => x.body.includes(r.id));
      expect(mine.map((x) => x.answered)).toEqual([500, 500, 200]);
      // same delivery id on every attempt, and a valid signature on each
      expect(new Set(mine.map((x) => x.headers['kizuki-delivery'])).size).toBe(1);
      for (const x of mine)
        expect(() => verifyWebhookSignature(x.body, x.headers['kizuki-signature'], receiver.secret)).not.toThrow();
      const ev = events.find((e) => e.data.assessmentId === r.id)!;
      expect(ev).toMatchObject({
        type: 'assessment.challenge',
        data: {
          event: 'login',
          decision: 'challenge',
          reasons: expect.arrayContaining([expect.objectContaining({ code: 'TOKEN_MISSING' })]),
        },
      });
      // a wrong secret, an old timestamp, an altered body are refused by the verification helper
      expect(() => verifyWebhookSignature(mine[2].body, mine[2].headers['kizuki-signature'], 'whsec_wrong')).toThrow(
        WebhookSignatureError,
      );
      expect(() =>
        verifyWebhookSignature(mine[2].body, mine[2].headers['kizuki-signature'], receiver.secret, {
          now: Date.now() + 600_000,
        }),
      ).toThrow(/tolerance/);
      expect(() =>
        verifyWebhookSignature(
          mine[2].body.replace('challenge', 'allow'),
          mine[2].headers['kizuki-signature'],
          receiver.secret,
        ),
      ).toThrow(/match/);
      // the delivery log says so
      const log = await until(async () => {
        const d = await adminCall('GET', `/admin/api/webhooks/deliveries?endpoint=${endpointId}`);
        return d.body.items.find(
          (x: { eventId: string; status: string }) => x.eventId.includes(r.id) && x.status === 'delivered',
        );
      });
      expect(log).toMatchObject({ attempts: 3, lastStatusCode: 200, event: 'assessment.challenge' });
    });

    it('list changes and a denied login are delivered; a link report sends device.reported', async () => {
      const entry = await adminCall('POST', '/admin/api/lists', {
        list: 'deny',
        kind: 'ip',
        value: '198.51.100.66',
        comment: 'test',
      });
      expect(entry.status).toBe(201);
      await until(async () =>
        receiver.verified().find((e) => e.type === 'list.changed' && e.data.entryId === entry.body.id),
      );
      const denied = await client.risk({
        status: 'attempted',
        user: { id: 'rokuro@example.jp' },
        context: { ip: '198.51.100.66' },
      });
      expect(denied.decision).toBe('deny');
      await until(async () =>
        receiver.verified().find((e) => e.type === 'assessment.deny' && e.data.assessmentId === denied.id),
      );

      const a = await client.risk({
        requestToken: await collect('visitor-link-3', 8),
        status: 'attempted',
        user: { id: 'nana@example.jp' },
        context: { ip: '198.51.100.33' },
      });
      const rep = await fetch(env.baseUrl + new URL(a.links!.report).pathname, {
        method: 'POST',
        headers: { accept: 'application/json' },
      });
      expect(await rep.json()).toEqual({ action: 'report', deviceId: a.device!.id, status: 'fraud' });
      await until(async () =>
        receiver.verified().find((e) => e.type === 'device.reported' && e.data.deviceId === a.device!.id),
      );
      // future logins from that device are denied
      const next = await client.risk({
        requestToken: await collect('visitor-link-3', 9),
        status: 'attempted',
        user: { id: 'nana@example.jp' },
        context: { ip: '198.51.100.33' },
      });
      // the whole answer on failure: which device it was scored on, and why
      expect(next).toMatchObject({ decision: 'deny', degraded: false, device: { id: a.device!.id, status: 'fraud' } });
    });
  });

  it(
    '/metrics exposes request latency, decisions by reason and queue depth; the worker exposes job metrics; ' +
      'X-Request-Id is echoed',
    async () => {
      const res = await fetch(`${env.baseUrl}/health`, { headers: { 'x-request-id': 'req-abc.123' } });
      expect(res.headers.get('x-request-id')).toBe('req-abc.123');
      expect((await fetch(`${env.baseUrl}/health`)).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const text = await (await fetch(`${env.baseUrl}/metrics`)).text();
      expect(text).toMatch(
        /kizuki_http_request_duration_seconds_count\{method="POST",route="\/v1\/risk",status="200"\} \d+/,
      );
      expect(text).toMatch(/kizuki_decisions_total\{decision="challenge",degraded="false"\} \d+/);
      expect(text).toMatch(/kizuki_decision_reasons_total\{reason="TOKEN_MISSING",decision="challenge"\} \d+/);
      expect(text).toMatch(/kizuki_queue_jobs\{queue="webhooks",state="waiting"\} \d+/);
      const worker = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(worker).toMatch(
        /kizuki_job_duration_seconds_count\{queue="score",job="ScoreLoginJob",outcome="completed"\} \d+/,
      );
      expect(worker).toMatch(/kizuki_webhook_deliveries_total\{outcome="delivered"\} \d+/);
      expect(worker).toMatch(/kizuki_scored_decisions_total\{decision="deny"\} \d+/);
    },
  );
});

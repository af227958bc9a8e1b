import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createDataSource } from '@kizuki/database';
import { createAdmin } from '../../apps/cli/src/commands/admins';
import { generateTotpSecret, totp } from '../../apps/api/src/admin/auth/totp';
import { createApiApp } from '../../apps/api/src/app.factory';
import { KizukiEnv } from '../../fixtures/kizuki-env';

jest.setTimeout(120_000);

const PASSWORD = 'correct horse battery staple';

/**
 * Console sign-in throttling under parallel attempts, the lockout an attacker can impose on a known
 * admin e-mail, and TOTP seeds at rest. The api trusts loopback as a proxy, so each case speaks from
 * its own client addresses (X-Forwarded-For) and does not share counters with the others.
 */
describe('console authentication under attack (issue 15: throttle races, TOTP at rest)', () => {
  const env = new KizukiEnv({ TRUSTED_PROXIES: '127.0.0.1' });
  let tenantId: string;

  beforeAll(async () => {
    await env.start();
    tenantId = (await env.createTenant('Security Auth Tenant')).tenantId;
    const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
    await db.initialize();
    try {
      for (const who of ['race', 'iprace', 'known', 'pw', 'totp', 'legacy'])
        await createAdmin(db, tenantId, `${who}@example.com`, 'admin', PASSWORD);
    } finally {
      await db.destroy();
    }
  });
  afterAll(() => env.stop());

  async function call(
    method: string,
    path: string,
    opts: { body?: unknown; cookie?: string; csrf?: string; ip?: string; baseUrl?: string } = {},
  ) {
    const res = await fetch((opts.baseUrl ?? env.baseUrl) + path, {
      method,
      headers: {
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(opts.cookie ? { cookie: opts.cookie } : {}),
        ...(opts.csrf ? { 'x-csrf-token': opts.csrf } : {}),
        ...(opts.ip ? { 'x-forwarded-for': opts.ip } : {}),
      },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  }

  async function login(email: string, ip: string, password = PASSWORD, code?: string, baseUrl?: string) {
    const r = await call('POST', '/admin/api/auth/login', {
      ip,
      baseUrl,
      body: { email, password, ...(code ? { totp: code } : {}) },
    });
    return { ...r, cookie: (r.headers.get('set-cookie') ?? '').split(';')[0], csrf: r.body?.csrfToken as string };
  }

  const statuses = (rs: { status: number }[]) => rs.map((r) => r.status).sort((a, b) => a - b);

  it('20 parallel wrong passwords for one e-mail: exactly 5 checked; the right one after them gets 429', async () => {
    const rs = await Promise.all(
      Array.from({ length: 20 }, () => login('race@example.com', '192.0.2.10', 'wrong password')),
    );
    expect(statuses(rs)).toEqual([...Array(5).fill(401), ...Array(15).fill(429)]);
    for (const r of rs.filter((x) => x.status === 429)) expect(r.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    const right = await login('race@example.com', '192.0.2.10');
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('40 parallel sign-ins from one IP (different e-mails): exactly 30 are checked', async () => {
    const rs = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login(`nobody${i}@example.com`, '192.0.2.20', 'wrong password')),
    );
    expect(statuses(rs)).toEqual([...Array(30).fill(401), ...Array(10).fill(429)]);
    // the right password of a real admin from that IP is refused too, without being checked
    expect((await login('iprace@example.com', '192.0.2.20')).status).toBe(429);
    // another IP is unaffected
    expect((await login('iprace@example.com', '192.0.2.21')).status).toBe(200);
  });

  it('an attacker guessing from many networks cannot lock an admin out of the network they sign in from', async () => {
    // the admin signs in from their office once: that network is now known for the e-mail
    expect((await login('known@example.com', '198.51.100.7')).status).toBe(200);
    // the attacker spreads wrong passwords over 12 networks, 5 per network
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        Promise.all(Array.from({ length: 5 }, () => login('known@example.com', `203.0.${n}.9`, 'wrong password'))),
      ),
    );
    const flat = attempts.flat();
    // at most 20 guesses in all from networks the admin never used
    expect(flat.filter((r) => r.status === 401).length).toBe(20);
    expect(flat.filter((r) => r.status === 429).length).toBe(40);
    // a fresh network is refused without a check …
    expect((await login('known@example.com', '203.0.99.9')).status).toBe(429);
    // … but the admin, from another address of their office network, still gets in
    expect((await login('known@example.com', '198.51.100.23')).status).toBe(200);
  });

  it('me/password: wrong current passwords are counted before the check, 5 then 429', async () => {
    const s = await login('pw@example.com', '192.0.2.30');
    expect(s.status).toBe(200);
    const rs = await Promise.all(
      Array.from({ length: 12 }, () =>
        call('POST', '/admin/api/me/password', {
          cookie: s.cookie,
          csrf: s.csrf,
          ip: '192.0.2.30',
          body: { currentPassword: 'wrong password', newPassword: 'a brand new passphrase' },
        }),
      ),
    );
    expect(statuses(rs)).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
    const right = await call('POST', '/admin/api/me/password', {
      cookie: s.cookie,
      csrf: s.csrf,
      ip: '192.0.2.30',
      body: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
    });
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('TOTP seeds are stored sealed (pending and enabled), and sign-in with TOTP works', async () => {
    const s = await login('totp@example.com', '192.0.2.40');
    const setup = await call('POST', '/admin/api/me/totp/setup', { cookie: s.cookie, csrf: s.csrf, ip: '192.0.2.40' });
    expect(setup.status).toBe(200);
    const secret = setup.body.secret as string;
    const [pending] = await env.sql<{ totp_pending: string }>(
      `SELECT totp_pending FROM admins WHERE email = 'totp@example.com'`,
    );
    expect(pending.totp_pending).not.toContain(secret);
    expect(pending.totp_pending).toMatch(/^v1\./);

    const enabled = await call('POST', '/admin/api/me/totp/enable', {
      cookie: s.cookie,
      csrf: s.csrf,
      ip: '192.0.2.40',
      body: { code: totp(secret) },
    });
    expect(enabled.status).toBe(200);
    const [row] = await env.sql<{ totp_secret: string; totp_pending: string | null }>(
      `SELECT totp_secret, totp_pending FROM admins WHERE email = 'totp@example.com'`,
    );
    expect(row.totp_pending).toBeNull();
    expect(row.totp_secret).not.toContain(secret);
    expect(row.totp_secret).toMatch(/^v1\./);

    // enrolment used the current step; the next one is within the accepted drift
    const ok = await login('totp@example.com', '192.0.2.40', PASSWORD, totp(secret, Date.now() + 30_000));
    expect(ok.status).toBe(200);
    expect(ok.body.totpEnabled).toBe(true);
    expect((await login('totp@example.com', '192.0.2.40', PASSWORD, '000000')).body.error.code).toBe(
      'INVALID_CREDENTIALS',
    );
  });

  it('a TOTP seed stored in clear before sealing is sealed when the api starts, and still signs in', async () => {
    const seed = generateTotpSecret();
    await env.sql(`UPDATE admins SET totp_secret = $1, totp_last_step = NULL WHERE email = 'legacy@example.com'`, [
      seed,
    ]);
    let second: NestFastifyApplication | null = null;
    try {
      second = await createApiApp(env.config, { logger: false });
      await second.listen(0, '127.0.0.1');
      const [row] = await env.sql<{ totp_secret: string }>(
        `SELECT totp_secret FROM admins WHERE email = 'legacy@example.com'`,
      );
      expect(row.totp_secret).not.toContain(seed);
      expect(row.totp_secret).toMatch(/^v1\./);
      const baseUrl = (await second.getUrl()).replace('[::1]', '127.0.0.1');
      const ok = await login('legacy@example.com', '192.0.2.50', PASSWORD, totp(seed), baseUrl);
      expect(ok.status).toBe(200);
      expect(ok.body.totpEnabled).toBe(true);
    } finally {
      await second?.close();
    }
  });
});

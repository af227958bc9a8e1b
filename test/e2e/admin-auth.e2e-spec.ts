import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createDataSource } from '@kizuki/database';
import { createAdmin } from '../../apps/cli/src/commands/admins';
import { totp } from '../../apps/api/src/admin/auth/totp';
import { KizukiEnv } from '../../fixtures/kizuki-env';

jest.setTimeout(60_000);

const PASSWORD = 'correct horse battery staple';

describe('admin console auth (sessions, CSRF, throttling, timeouts, TOTP)', () => {
  const env = new KizukiEnv();
  let tenantId: string;

  beforeAll(async () => {
    await env.start();
    tenantId = (await env.createTenant('Auth Tenant')).tenantId;
    const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
    await db.initialize();
    try {
      for (const who of ['alice', 'bob', 'carol', 'dave', 'erin', 'timing'])
        await createAdmin(db, tenantId, `${who}@example.com`, 'admin', PASSWORD);
    } finally {
      await db.destroy();
    }
  });
  afterAll(() => env.stop());

  async function call(method: string, path: string, opts: { body?: unknown; cookie?: string; csrf?: string } = {}) {
    const started = performance.now();
    const res = await fetch(env.baseUrl + path, {
      method,
      headers: {
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(opts.cookie ? { cookie: opts.cookie } : {}),
        ...(opts.csrf ? { 'x-csrf-token': opts.csrf } : {}),
      },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? JSON.parse(text) : null,
      headers: res.headers,
      ms: performance.now() - started,
    };
  }

  async function login(email: string, password = PASSWORD, code?: string) {
    const r = await call('POST', '/admin/api/auth/login', {
      body: { email, password, ...(code ? { totp: code } : {}) },
    });
    const setCookie = r.headers.get('set-cookie') ?? '';
    return { ...r, setCookie, cookie: setCookie.split(';')[0], csrf: r.body?.csrfToken as string };
  }

  it('signs in with e-mail and password: HttpOnly, SameSite=Strict session cookie and a CSRF token', async () => {
    const s = await login('Alice@Example.com');
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ email: 'alice@example.com', role: 'admin', tenant: { id: tenantId } });
    expect(s.setCookie).toMatch(/^kizuki_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    // plain http in tests: no Secure, so no __Host- prefix (behind TLS the cookie is __Host-kizuki_session; Secure)
    const me = await call('GET', '/admin/api/auth/session', { cookie: s.cookie });
    expect(me.status).toBe(200);
    expect(me.body.csrfToken).toBe(s.csrf);
    // the database holds only a hash of the session token
    const token = s.cookie.split('=')[1];
    const rows = await env.sql<{ token_hash: string }>(`SELECT token_hash FROM admin_sessions`);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect((await call('GET', '/admin/api/dashboard')).status).toBe(401);
    expect((await call('GET', '/admin/api/dashboard', { cookie: 'kizuki_session=forged' })).status).toBe(401);
  });

  it('answers an unknown e-mail exactly like a wrong password, in similar time', async () => {
    const wrong: number[] = [];
    const unknown: number[] = [];
    let a: Awaited<ReturnType<typeof login>> | undefined;
    let b: Awaited<ReturnType<typeof login>> | undefined;
    for (let i = 0; i < 3; i++) {
      a = await login('timing@example.com', 'not the password');
      wrong.push(a.ms);
      b = await login(`nobody-${i}@example.com`, 'not the password');
      unknown.push(b.ms);
    }
    expect(a!.status).toBe(401);
    expect(b!.status).toBe(401);
    expect(a!.body).toEqual(b!.body);
    expect(a!.body.error.code).toBe('INVALID_CREDENTIALS');
    const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[1];
    const ratio = med(unknown) / med(wrong);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('throttles repeated failures per e-mail, known or not, with 429 and Retry-After', async () => {
    for (const email of ['bob@example.com', 'ghost@example.com']) {
      for (let i = 0; i < 5; i++) expect((await login(email, 'wrong password')).status).toBe(401);
      const blocked = await login(email, email.startsWith('bob') ? PASSWORD : 'wrong password');
      expect(blocked.status).toBe(429);
      expect(blocked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // another account is not locked out by bob's attacker
    expect((await login('carol@example.com')).status).toBe(200);
  });

  it('requires the CSRF header on every mutating call', async () => {
    const s = await login('carol@example.com');
    const body = { list: 'deny', kind: 'country', value: 'KP' };
    const none = await call('POST', '/admin/api/lists', { cookie: s.cookie, body });
    expect(none.status).toBe(403);
    expect(none.body.error.code).toBe('CSRF_TOKEN_INVALID');
    const wrong = await call('POST', '/admin/api/lists', { cookie: s.cookie, body, csrf: s.csrf.slice(0, -2) + 'xx' });
    expect(wrong.status).toBe(403);
    // another session's token does not work either
    const other = await login('carol@example.com');
    expect((await call('POST', '/admin/api/lists', { cookie: s.cookie, body, csrf: other.csrf })).status).toBe(403);
    const ok = await call('POST', '/admin/api/lists', { cookie: s.cookie, body, csrf: s.csrf });
    expect(ok.status).toBe(201);
    // logout is mutating too
    expect((await call('POST', '/admin/api/auth/logout', { cookie: s.cookie })).status).toBe(403);
  });

  it('ends sessions at logout, after the idle timeout and at the absolute timeout', async () => {
    const s = await login('dave@example.com');
    const out = await call('POST', '/admin/api/auth/logout', { cookie: s.cookie, csrf: s.csrf });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await call('GET', '/admin/api/auth/session', { cookie: s.cookie })).status).toBe(401);

    const idle = await login('dave@example.com');
    expect((await call('GET', '/admin/api/auth/session', { cookie: idle.cookie })).status).toBe(200);
    await env.sql(`UPDATE admin_sessions SET last_seen_at = now() - interval '31 minutes' WHERE revoked_at IS NULL
      AND admin_id = (SELECT id FROM admins WHERE email = 'dave@example.com')`);
    expect((await call('GET', '/admin/api/auth/session', { cookie: idle.cookie })).status).toBe(401);

    const old = await login('dave@example.com');
    await env.sql(`UPDATE admin_sessions SET expires_at = now() - interval '1 second' WHERE revoked_at IS NULL
      AND admin_id = (SELECT id FROM admins WHERE email = 'dave@example.com')`);
    expect((await call('GET', '/admin/api/auth/session', { cookie: old.cookie })).status).toBe(401);
  });

  it('TOTP: enrol with a code, then sign-in needs the code; wrong or replayed codes fail', async () => {
    const s = await login('erin@example.com');
    const setup = await call('POST', '/admin/api/me/totp/setup', { cookie: s.cookie, csrf: s.csrf });
    expect(setup.status).toBe(200);
    expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Kizuki%3Aerin%40example\.com\?secret=[A-Z2-7]+/);
    const secret = setup.body.secret as string;
    expect(
      (await call('POST', '/admin/api/me/totp/enable', { cookie: s.cookie, csrf: s.csrf, body: { code: '000000' } }))
        .status,
    ).toBe(400);
    const enabled = await call('POST', '/admin/api/me/totp/enable', {
      cookie: s.cookie,
      csrf: s.csrf,
      body: { code: totp(secret) },
    });
    expect(enabled.status).toBe(200);

    const noCode = await login('erin@example.com');
    expect(noCode.status).toBe(401);
    expect(noCode.body.error.code).toBe('TOTP_REQUIRED');
    expect(noCode.setCookie).toBe('');
    const bad = await login('erin@example.com', PASSWORD, totp(secret, Date.now() - 10 * 60_000));
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('INVALID_CREDENTIALS');
    // the enrolment already used the current step: wait for the next one
    const next = Math.ceil(Date.now() / 30_000) * 30_000;
    await new Promise((r) => setTimeout(r, next - Date.now() + 50));
    const code = totp(secret);
    const ok = await login('erin@example.com', PASSWORD, code);
    expect(ok.status).toBe(200);
    expect(ok.body.totpEnabled).toBe(true);
    const replay = await login('erin@example.com', PASSWORD, code);
    expect(replay.status).toBe(401);
  });

  it('an invited member signs in with the one-time password and must replace it first', async () => {
    const admin = await login('alice@example.com');
    const invite = await call('POST', '/admin/api/team', {
      cookie: admin.cookie,
      csrf: admin.csrf,
      body: { email: 'newbie@example.com', role: 'analyst' },
    });
    expect(invite.status).toBe(201);
    const otp = invite.body.oneTimePassword as string;
    const s = await login('newbie@example.com', otp);
    expect(s.status).toBe(200);
    expect(s.body.mustChangePassword).toBe(true);
    const blocked = await call('GET', '/admin/api/logins', { cookie: s.cookie });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const short = await call('POST', '/admin/api/me/password', {
      cookie: s.cookie,
      csrf: s.csrf,
      body: { currentPassword: otp, newPassword: 'short' },
    });
    expect(short.status).toBe(400);
    const changed = await call('POST', '/admin/api/me/password', {
      cookie: s.cookie,
      csrf: s.csrf,
      body: { currentPassword: otp, newPassword: 'a much longer new password' },
    });
    expect(changed.status).toBe(200);
    expect((await call('GET', '/admin/api/logins', { cookie: s.cookie })).status).toBe(200);
    expect((await login('newbie@example.com', otp)).status).toBe(401);
    const audit = await call('GET', '/admin/api/audit', { cookie: admin.cookie });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['team.invite', 'session.login']),
    );
  });

  it('serves the built console at /console with a strict CSP, hashed assets and an SPA fallback', async () => {
    const root = resolve(__dirname, '../..');
    if (!existsSync(resolve(root, 'dist/console/index.html')))
      execFileSync(process.execPath, [resolve(root, 'apps/console/build.mjs')], { cwd: root, stdio: 'pipe' });
    const index = await fetch(`${env.baseUrl}/console`);
    const html = await index.text();
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(index.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(index.headers.get('x-frame-options')).toBe('DENY');
    const asset = /src="(\/console\/assets\/app-[A-Z0-9]+\.js)"/.exec(html)![1];
    const js = await fetch(env.baseUrl + asset);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toMatch(/immutable/);
    const deep = await fetch(`${env.baseUrl}/console/logins/00000000-0000-4000-8000-000000000000?x=1`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(html);
    expect((await fetch(`${env.baseUrl}/console/assets/nope-ABCDEFGH.js`)).status).toBe(404);
    const traversal = await fetch(`${env.baseUrl}/console/..%2f..%2fpackage.json`);
    expect(await traversal.text()).not.toContain('"name": "kizuki"');
  });
});

import { createDataSource } from '@kizuki/database';
import { createAdmin } from '../../apps/cli/src/commands/admins';
import { KizukiEnv } from '../../fixtures/kizuki-env';

jest.setTimeout(60_000);

const PASSWORD = 'correct horse battery staple';
type Tenant = { tenantId: string; publishableKey: string; secretKey: string };
type Session = { cookie: string; csrf: string };
type Row = {
  id: string;
  decision: string;
  policyDecision: string;
  label: string | null;
  account: { id: string; display: Record<string, string> | null };
  review: { assignee: { email: string } | null; note: string | null };
};

// Issue #17: display labels (sealed per tenant, masked for viewers, exact search, erased with the
// account, a tenant switch), the review queue and the console user's time zone, through the real api.
describe('console: display labels, review queue, time zone', () => {
  const env = new KizukiEnv();
  let a: Tenant;
  let b: Tenant;
  const s: Record<string, Session> = {};

  async function call(method: string, path: string, who?: Session, body?: unknown) {
    const res = await fetch(env.baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, body: type.includes('json') && text ? JSON.parse(text) : text };
  }

  async function signIn(email: string): Promise<Session> {
    const res = await fetch(`${env.baseUrl}/admin/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { csrfToken: string };
    return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], csrf: body.csrfToken };
  }

  async function risk(t: Tenant, user: Record<string, string>, ip = '203.0.113.7') {
    const r = await env.post(
      '/v1/risk',
      { event: 'login', status: 'succeeded', user, context: { ip, userAgent: 'Mozilla/5.0' } },
      { authorization: `Bearer ${t.secretKey}` },
    );
    expect(r.status).toBe(200);
    return r.body as { id: string; decision: string };
  }

  const logins = async (who: Session, q = '') => (await call('GET', `/admin/api/logins${q}`, who)).body.items as Row[];

  beforeAll(async () => {
    await env.start();
    a = await env.createTenant('Tenant A');
    b = await env.createTenant('Tenant B');
    const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
    await db.initialize();
    try {
      for (const role of ['admin', 'analyst', 'viewer'])
        await createAdmin(db, a.tenantId, `${role}@a.example`, role, PASSWORD);
      await createAdmin(db, b.tenantId, 'admin@b.example', 'admin', PASSWORD);
    } finally {
      await db.destroy();
    }
    for (const who of ['admin', 'analyst', 'viewer']) s[who] = await signIn(`${who}@a.example`);
    s.adminB = await signIn('admin@b.example');
  });
  afterAll(() => env.stop());

  it('stores a display label sealed, shows it to analysts, masks it for viewers, finds it by exact value', async () => {
    await risk(a, { id: 'u-1001', email: 'Hanako@Example.jp', name: '山田 花子', label: 'VIP-7' });
    await risk(b, { id: 'u-1001', email: 'Hanako@Example.jp' });
    const [row] = await logins(s.analyst);
    expect(row.account.display).toEqual({ email: 'Hanako@Example.jp', name: '山田 花子', label: 'VIP-7' });
    const [masked] = await logins(s.viewer);
    expect(masked.account.display).toEqual({ email: 'H•••••@Example.jp', name: '山• 花•', label: 'V••••' });
    // never in clear at rest, and the two tenants' search keys differ
    const stored = await env.sql<{ tenant_id: string; display_label: string; display_label_keys: string[] }>(
      `SELECT tenant_id, display_label, display_label_keys FROM accounts`,
    );
    expect(stored).toHaveLength(2);
    for (const r of stored) expect(r.display_label).not.toMatch(/hanako|花子|VIP/i);
    const [ka, kb] = stored.map((r) => r.display_label_keys);
    expect(ka.some((k) => kb.includes(k))).toBe(false);
    // exact search, case-folded, on any of the three values; a part of one finds nothing
    for (const q of ['hanako@example.jp', '山田 花子', 'vip-7'])
      expect((await logins(s.analyst, `?user=${encodeURIComponent(q)}`)).map((x) => x.id)).toEqual([row.id]);
    expect(await logins(s.analyst, `?user=hanako`)).toEqual([]);
    const found = await call('GET', `/admin/api/accounts/lookup?user=${encodeURIComponent('VIP-7')}`, s.viewer);
    expect(found.body).toEqual({ id: row.account.id });
    // the other tenant's console sees its own label only
    const bRows = await logins(s.adminB, `?user=${encodeURIComponent('hanako@example.jp')}`);
    expect(bRows).toHaveLength(1);
    expect(bRows[0].account.display).toEqual({ email: 'Hanako@Example.jp' });
    expect(bRows[0].id).not.toBe(row.id);
    // the detail and the account carry it too; the CSV has its columns
    const detail = await call('GET', `/admin/api/logins/${row.id}`, s.admin);
    expect(detail.body.account.display).toEqual(row.account.display);
    expect(detail.body.account.displayLabel).toBeUndefined();
    const csv = await call('GET', `/admin/api/logins/export.csv?user=VIP-7`, s.viewer);
    expect(csv.body).toContain('user_email,user_name,user_label');
    expect(csv.body).toContain('H•••••@Example.jp');
  });

  it('refuses oversized labels with a 400, and keeps the newest label of the account', async () => {
    const r = await env.post(
      '/v1/risk',
      {
        event: 'login',
        status: 'succeeded',
        user: { id: 'u-big', name: 'x'.repeat(201) },
        context: { ip: '203.0.113.8' },
      },
      { authorization: `Bearer ${a.secretKey}` },
    );
    expect(r.status).toBe(400);
    await risk(a, { id: 'u-1001', email: 'hanako.new@example.jp' });
    const [row] = await logins(s.analyst, `?user=${encodeURIComponent('hanako.new@example.jp')}`);
    expect(row.account.display).toEqual({ email: 'hanako.new@example.jp' });
    expect(await logins(s.analyst, `?user=VIP-7`)).toEqual([]);
  });

  it('the tenant switch: admins only; off wipes stored labels and stores no new ones; audited', async () => {
    expect((await call('GET', '/admin/api/settings', s.viewer)).body).toEqual({ displayLabels: true });
    expect((await call('PUT', '/admin/api/settings', s.analyst, { displayLabels: false })).status).toBe(403);
    expect((await call('PUT', '/admin/api/settings', s.admin, { displayLabels: 'no' })).status).toBe(400);
    const off = await call('PUT', '/admin/api/settings', s.admin, { displayLabels: false });
    expect(off.body).toEqual({ displayLabels: false, wiped: 1 });
    await risk(a, { id: 'u-2002', email: 'taro@example.jp' });
    const rows = await env.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM accounts WHERE tenant_id = $1 AND display_label IS NOT NULL`,
      [a.tenantId],
    );
    expect(rows[0].n).toBe(0);
    // the other tenant's labels are untouched
    expect((await logins(s.adminB))[0].account.display).toEqual({ email: 'Hanako@Example.jp' });
    const audit = await call('GET', '/admin/api/audit', s.admin);
    expect(audit.body.items[0]).toMatchObject({
      action: 'settings.update',
      before: { displayLabels: true },
      after: { displayLabels: false, labelsWiped: 1 },
    });
    await call('PUT', '/admin/api/settings', s.admin, { displayLabels: true });
    await risk(a, { id: 'u-2002', email: 'taro@example.jp' });
    expect((await logins(s.analyst, '?user=taro@example.jp'))[0].account.display).toEqual({
      email: 'taro@example.jp',
    });
  });

  it('erases the label with the account (data-subject erasure)', async () => {
    const del = await fetch(`${env.baseUrl}/v1/users/u-2002`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${a.secretKey}` },
    });
    expect(del.status).toBe(200);
    expect(await logins(s.analyst, '?user=taro@example.jp')).toEqual([]);
    const keys = await env.sql(`SELECT 1 FROM accounts WHERE tenant_id = $1 AND user_hash IS NOT NULL`, [a.tenantId]);
    expect(keys).toHaveLength(1); // u-1001 only
  });

  it('review queue: flagged unlabelled logins, assign to me, note, label; counted on the dashboard', async () => {
    const entry = await call('POST', '/admin/api/lists', s.analyst, {
      list: 'deny',
      kind: 'ip',
      value: '198.51.100.9',
    });
    expect(entry.status).toBe(201);
    await call('POST', '/admin/api/lists', s.analyst, { list: 'allow', kind: 'ip', value: '192.0.2.50' });
    const allowed = await risk(a, { id: 'u-4004' }, '192.0.2.50');
    expect(allowed.decision).toBe('allow');
    const denied = await risk(a, { id: 'u-3003', name: 'Suspicious' }, '198.51.100.9');
    expect(denied.decision).toBe('deny');
    // the queue is every unlabelled login the policy did not allow (calls without a token were challenged)
    const all = await logins(s.analyst, '?limit=200');
    const flagged = all.filter((x) => x.policyDecision !== 'allow' && !x.label).map((x) => x.id);
    expect(flagged.length).toBeGreaterThan(1);
    expect(flagged).not.toContain(allowed.id);
    const queue = await logins(s.analyst, '?review=1');
    expect(queue.map((x) => x.id)).toEqual(flagged);
    expect(queue[0].id).toBe(denied.id);
    const open = flagged.length;
    expect((await call('GET', '/admin/api/dashboard', s.analyst)).body.review).toEqual({
      open,
      mine: 0,
      capped: false,
    });
    // viewers read, cannot act; another tenant's admin gets the same 404 as for an unknown login
    expect((await call('POST', `/admin/api/logins/${denied.id}/review`, s.viewer, { assign: 'me' })).status).toBe(403);
    expect((await call('POST', `/admin/api/logins/${denied.id}/review`, s.adminB, { assign: 'me' })).status).toBe(404);
    expect((await call('POST', `/admin/api/logins/${denied.id}/review`, s.analyst, { assign: 'x' })).status).toBe(400);
    const r = await call('POST', `/admin/api/logins/${denied.id}/review`, s.analyst, {
      assign: 'me',
      note: 'asked the customer',
    });
    expect(r.status).toBe(200);
    const [mine] = await logins(s.analyst, '?review=1&assignee=me');
    expect(mine.review).toEqual({
      assignee: { id: expect.any(String), email: 'analyst@a.example' },
      note: 'asked the customer',
    });
    expect(await logins(s.admin, '?review=1&assignee=me')).toEqual([]);
    expect((await call('GET', '/admin/api/dashboard', s.analyst)).body.review).toEqual({
      open,
      mine: 1,
      capped: false,
    });
    const detail = await call('GET', `/admin/api/logins/${denied.id}`, s.viewer);
    expect(detail.body.review.note).toBe('asked the customer');
    await call('POST', `/admin/api/logins/${denied.id}/label`, s.analyst, { label: 'fraud' });
    expect((await logins(s.analyst, '?review=1')).map((x) => x.id)).toEqual(flagged.slice(1));
    expect((await call('GET', '/admin/api/dashboard', s.analyst)).body.review).toEqual({
      open: open - 1,
      mine: 0,
      capped: false,
    });
  });

  it('time zone per console user: any role sets its own, validated, default null', async () => {
    expect((await call('GET', '/admin/api/me/preferences', s.viewer)).body).toEqual({ timeZone: null });
    expect((await call('PUT', '/admin/api/me/preferences', s.viewer, { timeZone: 'Europe/Paris' })).body).toEqual({
      timeZone: 'Europe/Paris',
    });
    expect((await call('GET', '/admin/api/me/preferences', s.viewer)).body).toEqual({ timeZone: 'Europe/Paris' });
    expect((await call('GET', '/admin/api/me/preferences', s.analyst)).body).toEqual({ timeZone: null });
    expect((await call('PUT', '/admin/api/me/preferences', s.viewer, { timeZone: 'Mars/Olympus' })).status).toBe(400);
    expect((await call('PUT', '/admin/api/me/preferences', s.viewer, { timeZone: null })).body).toEqual({
      timeZone: null,
    });
  });
});

// Scoring through the real api + worker + PostgreSQL + Redis: profile enrolment and mismatch,
// learning from trusted feedback, credential stuffing vs an office NAT, Tor exits, device drift.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource } from '@kizuki/database';
import type { SignalBundle } from '@kizuki/contract';
import { loadTorList } from '../../apps/cli/src/commands/tor';
import { humanBundle, makePerson } from '../../libs/scoring/src/testing/scenario';
import { makeBundle } from '../../fixtures/factories';
import { KizukiEnv } from '../../fixtures/kizuki-env';
import { until } from '../helpers/until';

jest.setTimeout(120_000);

const ORIGIN = 'https://shop.example';
type Risk = { status: number; body: any };

describe('scoring (real api, worker, PostgreSQL, Redis)', () => {
  const env = new KizukiEnv();
  let t: { tenantId: string; publishableKey: string; secretKey: string };

  beforeAll(async () => {
    await env.start();
    t = await env.createTenant('Scoring', [ORIGIN]);
  });
  afterAll(() => env.stop());

  const login = async (
    user: string,
    bundle: SignalBundle | null,
    o: { ip?: string; status?: string; lang?: string; key?: string } = {},
  ): Promise<Risk> => {
    let requestToken: string | undefined;
    if (bundle) {
      const c = await env.post('/v1/collect', bundle, { 'x-kizuki-key': t.publishableKey, origin: ORIGIN });
      expect(c.status).toBe(202);
      requestToken = c.body.requestToken;
    }
    const headers: Record<string, string> = { authorization: `Bearer ${t.secretKey}` };
    if (o.key) headers['idempotency-key'] = o.key;
    const r = await env.post(
      '/v1/risk',
      {
        event: 'login',
        status: o.status ?? 'succeeded',
        requestToken,
        user: { id: user },
        context: { ip: o.ip ?? '203.0.113.10', userAgent: 'Mozilla/5.0', acceptLanguage: o.lang ?? 'ja-JP,ja;q=0.9' },
      },
      headers,
    );
    expect(r.status).toBe(200);
    return r;
  };
  const codes = (r: Risk) => r.body.reasons.map((x: { code: string }) => x.code) as string[];
  const profileOf = async (userCount = 1) =>
    (
      await env.sql<{ typing_profile: any; pointer_profile: any; trusted_logins: number }>(
        `SELECT typing_profile, pointer_profile, trusted_logins FROM accounts ORDER BY created_at DESC LIMIT $1`,
        [userCount],
      )
    )[0];

  it(
    'enrols typing and pointer profiles after 5 trusted logins, ' + 'then flags another rhythm with TYPING_MISMATCH',
    async () => {
      const owner = makePerson(1);
      for (let i = 0; i < 5; i++) {
        const r = await login('hana@example.com', humanBundle(owner, 'visitor-hana-0001', 100 + i));
        expect(r.body.decision).toBe('allow');
        expect(r.body.scores.typing).toBeNull();
      }
      const p = await profileOf();
      expect(p.typing_profile.modalities.physical_keyboard.password.baseline).not.toBeNull();
      expect(p.pointer_profile.types.mouse.baseline).not.toBeNull();

      const own = await login('hana@example.com', humanBundle(owner, 'visitor-hana-0001', 200));
      expect(own.body.decision).toBe('allow');
      expect(own.body.scores.typing).toBeLessThan(0.5);
      expect(codes(own)).not.toContain('TYPING_MISMATCH');

      const other = await login('hana@example.com', humanBundle(makePerson(4), 'visitor-mallory-01', 300));
      expect(codes(other)).toEqual(expect.arrayContaining(['TYPING_MISMATCH', 'NEW_DEVICE']));
      expect(other.body.scores.typing).toBeGreaterThan(0.5);
      expect(other.body.decision).not.toBe('allow');
      // the attacker's login was not trusted: the profile did not learn from it
      expect((await profileOf()).typing_profile.modalities.physical_keyboard.password.count).toBe(6);
    },
  );

  it("learns from a challenge_passed label once, from the assessment's bundle", async () => {
    const owner = makePerson(5);
    // trusted logins from Tokyo (a JP address in the shipped DB-IP data)
    for (let i = 0; i < 5; i++)
      await login('kenji', humanBundle(owner, 'visitor-kenji-001', 400 + i), { ip: '133.242.0.1' });
    // owner on a new device abroad-ish: challenged, then passes the challenge
    const r = await login('kenji', humanBundle(owner, 'visitor-kenji-new', 500), {
      status: 'attempted',
      ip: '8.8.8.8',
      lang: 'en-US',
    });
    expect(r.body.decision).toBe('challenge');
    expect(codes(r)).toEqual(
      expect.arrayContaining([
        'NEW_DEVICE',
        'NEW_NETWORK',
        'NEW_COUNTRY',
        'FOREIGN_IP_AND_LANGUAGE',
        'IMPOSSIBLE_TRAVEL',
        'DATACENTER_IP',
      ]),
    );
    const before = await profileOf();
    for (let i = 0; i < 2; i++) {
      const f = await env.post(
        '/v1/feedback',
        { assessmentId: r.body.id, label: 'challenge_passed' },
        { authorization: `Bearer ${t.secretKey}` },
      );
      expect(f.status).toBe(200);
    }
    await until(async () => (await profileOf()).trusted_logins === before.trusted_logins + 1);
    await new Promise((res) => setTimeout(res, 300));
    const after = await profileOf();
    expect(after.trusted_logins).toBe(before.trusted_logins + 1);
    expect(after.typing_profile.modalities.physical_keyboard.password.count).toBe(
      before.typing_profile.modalities.physical_keyboard.password.count + 1,
    );
    expect(after.pointer_profile.types.mouse.count).toBe(before.pointer_profile.types.mouse.count + 1);
    const [acc] = await env.sql<{ countries: string[]; languages: string[]; networks: string[] }>(
      `SELECT countries, languages, networks FROM accounts ORDER BY created_at DESC LIMIT 1`,
    );
    expect(acc.countries).toContain('US');
    expect(acc.languages).toEqual(expect.arrayContaining(['ja', 'en']));
    // the usual network of the trusted logins, then the labelled login's (most recently used last)
    expect(acc.networks).toEqual(['133.242.0.0/24', '8.8.8.0/24']);
    const [dev] = await env.sql<{
      status: string;
    }>(`SELECT ad.status FROM account_devices ad JOIN devices d ON d.id = ad.device_id
      WHERE d.visitor_id = 'visitor-kenji-new'`);
    expect(dev.status).toBe('trusted');
  });

  it('recognises a trusted device after a browser update changed its fingerprint', async () => {
    const base = makeBundle({ visitorId: 'visitor-drift-0001', storageId: null, seed: 3 });
    base.device.components = {
      ...base.device.components,
      canvas: 'c1',
      webgl: 'w1',
      audio: 'a1',
      deviceMemory: 8,
      colorDepth: 24,
    };
    expect((await login('drift', base)).body.device.status).toBe('trusted');
    const updated = makeBundle({ visitorId: 'visitor-drift-0002', storageId: null, seed: 4 });
    updated.device.components = { ...base.device.components, canvas: 'c2', webgl: 'w2' };
    const r = await login('drift', updated);
    expect(codes(r)).toContain('KNOWN_DEVICE');
    expect(r.body.reasons.find((x: { code: string }) => x.code === 'KNOWN_DEVICE').detail).toMatch(/browser change/);
    expect(r.body.device.status).toBe('trusted');
  });

  it(
    'flags credential stuffing within the first 50 attempts, and allows 100 real users behind one office ' + 'NAT',
    async () => {
      let firstFlag = -1;
      const attackerIps = ['198.51.100.20', '198.51.100.21'];
      for (let i = 0; i < 50 && firstFlag < 0; i++) {
        const r = await login(`victim-${i}@example.com`, null, {
          ip: attackerIps[i % 2],
          status: i % 10 === 9 ? 'succeeded' : 'failed',
          key: `stuff-${i}`,
        });
        if (codes(r).includes('CREDENTIAL_STUFFING')) {
          firstFlag = i;
          expect(r.body.decision).not.toBe('allow');
        }
      }
      expect(firstFlag).toBeGreaterThanOrEqual(0);
      expect(firstFlag).toBeLessThan(50);

      const office = '192.0.2.200';
      const decisions: Record<string, number> = {};
      for (let u = 0; u < 100; u++) {
        const r = await login(
          `employee-${u}@corp.example`,
          humanBundle(makePerson(1000 + u), `visitor-office-${u}`, 700 + u),
          {
            ip: office,
            status: u % 12 === 11 ? 'failed' : 'succeeded',
          },
        );
        decisions[r.body.decision] = (decisions[r.body.decision] ?? 0) + 1;
        expect(codes(r)).not.toContain('CREDENTIAL_STUFFING');
      }
      expect(decisions).toEqual({ allow: 100 });
    },
  );

  it('marks logins from a loaded Tor exit list with TOR_EXIT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-tor-'));
    writeFileSync(join(dir, 'exits.txt'), '# exits\n198.51.100.99\nExitAddress 198.51.100.98 2026-01-01 00:00:00\n');
    const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
    await db.initialize();
    try {
      expect(await loadTorList(db, join(dir, 'exits.txt'))).toEqual({ loaded: 2 });
    } finally {
      await db.destroy();
    }
    const r = await login('tor-user', makeBundle({ visitorId: 'visitor-tor-0001' }), { ip: '198.51.100.98' });
    expect(codes(r)).toContain('TOR_EXIT');
    const clean = await login('tor-user', makeBundle({ visitorId: 'visitor-tor-0001', seed: 5 }), {
      ip: '198.51.100.97',
    });
    expect(codes(clean)).not.toContain('TOR_EXIT');
  });
});

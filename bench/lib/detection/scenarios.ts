// The scenarios of bench/detection.ts: who logs in, from where, how they type and move.
// Everything is seeded: the same scale gives the same plan.
import type { BrowserContext } from 'playwright-core';
import {
  CMU_PASSWORD,
  hashSeed,
  keyEventsOf,
  lognormalTyping,
  scriptedTyping,
  seededRng,
  type CmuRep,
  type Rng,
  type TimedKey,
  usernameTyping,
} from '../../../fixtures/human-input';
import type { DetectionHarness, LoginRecord, Tenant, Typing } from './harness';
import { lifecycle } from './lifecycle';

export interface Scale {
  name: string;
  /** CMU subjects enrolled as account owners (scenarios 1, 2, 3, 9 and the bots' targets) */
  owners: number;
  /** trusted logins per owner before measuring (the subject's first reps) */
  enrolLogins: number;
  /**
   * 'browser': every enrolment login in Chromium; 'replay': the first in Chromium, the others replay its bundle
   * with the next reps' timings
   */
  enrolMode: 'browser' | 'replay';
  ownerLoginsEach: number;
  /**
   * More measured owner logins on the usual device, each replaying that owner's enrolment bundle
   * (browser path proven by ownerLoginsEach) with a later repetition's timings: enough logins for
   * a rate with a useful confidence interval
   */
  ownerReplaysEach: number;
  /**
   * Another person on the owner's device, per owner: the first in the browser on the owner's own
   * browser context and address, the others replaying the owner's enrolment bundle with the
   * intruder's timings
   */
  sameDeviceEach: number;
  travelLogins: number;
  takeovers: number;
  naive: number;
  scripted: number;
  /**
   * More naive and scripted-typist logins (each), replaying the bots' recorded browser sessions
   * (browser path proven by `naive` and `scripted`) against other accounts from new addresses, the
   * scripted ones with fresh constant/uniform key timings: a 99 % goal judged by its lower bound
   * needs ≈ 380 logins all flagged
   */
  botReplays: number;
  stealth: number;
  /** stealth bots (each flavour) on accounts with no history: a first login */
  stealthNew: number;
  stuffingAttempts: number;
  stuffingAccounts: number;
  stuffingIps: number;
  /** attack-tool instances (devices) recorded in the browser for the stuffing replay */
  stuffingDevices: number;
  officeUsers: number;
  /** more measured office logins per user, replaying the user's enrolment bundle with later repetitions */
  officeReplaysEach: number;
  /** office users' enrolment: the first login in the browser, the rest replayed (see README of the report) */
  officeEnrolLogins: number;
  passwordManager: number;
  /** more password-manager logins, replaying each owner's first one (recorded in the browser) */
  passwordManagerReplays: number;
  /** people signing up (15), each on their own device recorded in the browser; the owners of 16 and 17 */
  signupPeople: number;
  /**
   * Shops (tenants) the people of 14–17 sign up at, each sign-up replaying the person's recorded
   * browser session with another repetition's timings: one more shop is signupPeople more measured
   * sign-ups and 2 × signupPeople more resets without another browser session
   */
  lifecycleShops: number;
  /** farm devices (14) and accounts each opens */
  farmDevices: number;
  farmAccountsEach: number;
  /**
   * Takeovers followed by an e-mail change (16) per shop, ≤ signupPeople: one thief device each, recorded
   * in the browser once and used once per shop (another victim and timings in each)
   */
  cashouts: number;
}

export const SCALES: Record<string, Scale> = {
  // the browser test: a few logins per scenario, < 2 minutes
  tiny: {
    name: 'tiny',
    owners: 2,
    enrolLogins: 5,
    enrolMode: 'replay',
    ownerLoginsEach: 1,
    ownerReplaysEach: 0,
    sameDeviceEach: 1,
    travelLogins: 1,
    takeovers: 1,
    naive: 1,
    scripted: 2,
    botReplays: 0,
    stealth: 1,
    stealthNew: 1,
    stuffingAttempts: 60,
    stuffingAccounts: 30,
    stuffingIps: 4,
    stuffingDevices: 1,
    officeUsers: 1,
    officeReplaysEach: 0,
    officeEnrolLogins: 5,
    passwordManager: 1,
    passwordManagerReplays: 0,
    signupPeople: 3,
    lifecycleShops: 1,
    farmDevices: 1,
    farmAccountsEach: 7,
    cashouts: 2,
  },
  small: {
    name: 'small',
    owners: 10,
    enrolLogins: 10,
    enrolMode: 'replay',
    ownerLoginsEach: 2,
    ownerReplaysEach: 20,
    sameDeviceEach: 12,
    travelLogins: 100,
    takeovers: 12,
    naive: 10,
    scripted: 10,
    botReplays: 0,
    stealth: 10,
    stealthNew: 40,
    stuffingAttempts: 200,
    stuffingAccounts: 100,
    stuffingIps: 20,
    stuffingDevices: 5,
    officeUsers: 12,
    officeReplaysEach: 8,
    officeEnrolLogins: 10,
    passwordManager: 10,
    passwordManagerReplays: 100,
    signupPeople: 20,
    lifecycleShops: 1,
    farmDevices: 4,
    farmAccountsEach: 12,
    cashouts: 15,
  },
  // the owners (1), the attack rows (3-7), the office (8), the account's life (14-17) and the people
  // (13) at sizes whose goals the lower bound can meet (1: 2,040 logins, 7: 450 attempts after the
  // 50th, 8: 492 logins, 14: 100 farm accounts after each device's 5th, 16: 400 cash-outs), on owners
  // enrolled as at small (the first login in the browser, the rest replayed): what full measures of
  // them, in under an hour on a shared host
  attacks: {
    name: 'attacks',
    owners: 20,
    enrolLogins: 10,
    enrolMode: 'replay',
    ownerLoginsEach: 2,
    ownerReplaysEach: 100,
    sameDeviceEach: 12,
    travelLogins: 100,
    takeovers: 80,
    naive: 30,
    scripted: 30,
    botReplays: 360,
    stealth: 40,
    stealthNew: 40,
    stuffingAttempts: 500,
    stuffingAccounts: 250,
    stuffingIps: 20,
    stuffingDevices: 5,
    officeUsers: 12,
    officeReplaysEach: 40,
    officeEnrolLogins: 10,
    passwordManager: 10,
    passwordManagerReplays: 100,
    signupPeople: 20,
    lifecycleShops: 20,
    farmDevices: 5,
    farmAccountsEach: 25,
    cashouts: 20,
  },
  full: {
    name: 'full',
    owners: 25,
    enrolLogins: 10,
    enrolMode: 'browser',
    ownerLoginsEach: 4,
    ownerReplaysEach: 4,
    sameDeviceEach: 8,
    travelLogins: 100,
    takeovers: 100,
    naive: 100,
    scripted: 100,
    botReplays: 300,
    stealth: 100,
    stealthNew: 100,
    stuffingAttempts: 2000,
    stuffingAccounts: 1000,
    stuffingIps: 20,
    stuffingDevices: 5,
    officeUsers: 100,
    officeReplaysEach: 0,
    officeEnrolLogins: 10,
    passwordManager: 50,
    passwordManagerReplays: 100,
    signupPeople: 50,
    lifecycleShops: 12,
    farmDevices: 5,
    farmAccountsEach: 40,
    cashouts: 50,
  },
};

export const SCENARIOS = [
  { key: 'owner', title: '1. Owner, usual device', goal: 'allowed ≥ 98%', measure: 'allow', min: 0.98 },
  { key: 'travel', title: '2. Owner, new device + abroad', goal: 'never denied ≥ 99%', measure: 'notDeny', min: 0.99 },
  { key: 'takeover', title: '3. Account takeover', goal: 'challenged/denied ≥ 95%', measure: 'flagged', min: 0.95 },
  { key: 'naive', title: '4. Naive bot', goal: 'challenged/denied ≥ 99%', measure: 'flagged', min: 0.99 },
  { key: 'scripted', title: '5. Scripted typist', goal: 'challenged/denied ≥ 99%', measure: 'flagged', min: 0.99 },
  { key: 'stealth', title: '6. Stealth automation', goal: 'challenged/denied ≥ 90%', measure: 'flagged', min: 0.9 },
  {
    key: 'stuffing',
    title: '7. Credential stuffing',
    goal: 'flagged in first 50, then ≥ 99%',
    measure: 'stuffing',
    min: 0.99,
  },
  { key: 'office', title: '8. Office NAT (one IP)', goal: 'allowed ≥ 98%', measure: 'allow', min: 0.98 },
  { key: 'pm', title: '9. Password manager', goal: 'allowed ≥ 95%', measure: 'allow', min: 0.95 },
  {
    key: 'sameDevice',
    title: "10. Another person on the owner's device",
    goal: 'challenged/denied ≥ 90%',
    measure: 'flagged',
    min: 0.9,
  },
  {
    key: 'stealthNew',
    title: '11. Stealth automation, account without history',
    goal: 'BOT_* reason ≥ 90%',
    measure: 'botReason',
    min: 0.9,
  },
  {
    key: 'stealthHintsNew',
    title: '12. Stealth + client hints + WebGL, no history',
    goal: 'BOT_* reason ≥ 90%',
    measure: 'botReason',
    min: 0.9,
  },
  {
    key: 'stealthPatchedNew',
    title: '18. Stealth, patched (the four claim checks hidden), no history',
    goal: 'BOT_* reason ≥ 90%',
    measure: 'botReason',
    min: 0.9,
  },
  {
    key: 'people',
    title: '13. People (1-3, 8-10, 15-17 and enrolment) without a BOT_* reason',
    goal: 'BOT_* on ≤ 0.5%: without ≥ 99.5%',
    measure: 'noBot',
    min: 0.995,
  },
  {
    key: 'farm',
    title: '14. Sign-up farm (6th+ account of a device)',
    goal: 'challenged/denied ≥ 95%',
    measure: 'flagged',
    min: 0.95,
  },
  { key: 'signup', title: '15. People signing up', goal: 'allowed ≥ 98%', measure: 'allow', min: 0.98 },
  {
    key: 'cashout',
    title: '16. Takeover, then e-mail change',
    goal: 'challenged/denied ≥ 99%',
    measure: 'flagged',
    min: 0.99,
  },
  { key: 'reset', title: '17. Password reset by owner', goal: 'allowed ≥ 98%', measure: 'allow', min: 0.98 },
] as const;
export type ScenarioKey = (typeof SCENARIOS)[number]['key'];

const HOME_TZ = 'America/New_York';
/** Travel destinations: addresses the offline geo database (DB-IP Lite) puts in these countries. */
const ABROAD = [
  { prefix: '90.84.12.', country: 'FR', tz: 'Europe/Paris' },
  { prefix: '87.128.4.', country: 'DE', tz: 'Europe/Berlin' },
  { prefix: '126.10.20.', country: 'JP', tz: 'Asia/Tokyo' },
  { prefix: '81.2.69.', country: 'GB', tz: 'Europe/London' },
  { prefix: '177.45.6.', country: 'BR', tz: 'America/Sao_Paulo' },
  { prefix: '60.240.3.', country: 'AU', tz: 'Australia/Melbourne' },
];
/** Residential addresses of a US access provider (Comcast, 73.0.0.0/8), by number. */
export function usIp(n: number): string {
  return `73.${(Math.floor(n / 62500) % 250) + 1}.${(Math.floor(n / 250) % 250) + 1}.${(n % 250) + 2}`;
}
/** The stuffing proxies: residential addresses in several countries. */
function stuffingIp(i: number): string {
  const pools = ['177.45.', '49.228.', '87.128.', '126.10.', '1.36.', '60.240.', '81.2.', '73.90.'];
  return `${pools[i % pools.length]}${((i * 7) % 250) + 3}.${((i * 13) % 250) + 5}`;
}
const OFFICE_IP = '24.5.6.7';

/**
 * Enrolment starts at session 2 (rep 50), not at the subject's very first repetitions: in session 1
 * CMU subjects were still learning a password they had never typed (slower, less even), while a
 * product's users enrol on a password they already type fluently. Measured logins stay in
 * sessions 5–8, so enrolment and test are still days apart.
 */
const FLUENT_FROM = 50;

export type Progress = (msg: string) => void;

export interface Plan {
  harness: DetectionHarness;
  scale: Scale;
  /** CMU repetitions per subject, or null when the data set is absent */
  cmu: Map<string, CmuRep[]> | null;
  progress: Progress;
  only?: Set<ScenarioKey>;
  /** run the three tenants (shop, stuffing, office) concurrently: faster, less precise timing */
  parallel?: boolean;
}

interface Owner {
  account: string;
  subject: string;
  reps: CmuRep[];
  device: BrowserContext;
  ip: string;
  rng: Rng;
  username: TimedKey[];
  /** the SDK bundle of the owner's first enrolment login (their device, as recorded in the browser) */
  bundle?: string;
}

let deviceCounter = 0;
const nextDeviceIndex = () => deviceCounter++;

/**
 * The password keys of a CMU repetition (ends with Enter, which submits the form), stamped with their
 * planned times: a person's keyboard events carry the hardware's time, not the host's dispatch delay.
 */
function cmuTyping(rep: CmuRep, username: TimedKey[]): Typing {
  return { kind: 'keys', password: rep.keys, username, stamped: true };
}

/** SDK key records ({d,u,c}) of a timed key plan, as the SDK would have recorded them. */
export function sdkKeys(keys: readonly TimedKey[]): { d: number; u: number; c: string }[] {
  const events = keyEventsOf(keys);
  const downs = events.filter((e) => e.type === 'down');
  const t0 = downs[0]?.t ?? 0;
  const used = new Set<number>();
  return downs.map((d) => {
    const upIdx = events.findIndex((e, i) => !used.has(i) && e.type === 'up' && e.key === d.key && e.t >= d.t);
    used.add(upIdx);
    const up = upIdx >= 0 ? events[upIdx].t : d.t;
    const c = d.key === 'Shift' ? 'modifier' : d.key === 'Enter' ? 'enter' : 'char';
    return { d: Math.round((d.t - t0) * 10) / 10, u: Math.round((up - t0) * 10) / 10, c };
  });
}

/** A recorded bundle with the password and username keys replaced (for replayed enrolment logins). */
export function withKeys(bundle: string, password: readonly TimedKey[], username: readonly TimedKey[]): string {
  const b = JSON.parse(bundle);
  for (const [role, keys] of [
    ['password', password],
    ['username', username],
  ] as const) {
    const f = b.typing?.fields?.find((x: { role: string }) => x.role === role);
    if (f) {
      f.keys = sdkKeys(keys);
      f.inputEvents = keys.filter((k) => k.key !== 'Enter' && k.key !== 'Shift').length;
    }
  }
  return JSON.stringify(b);
}

/**
 * Enrols an account on one device: `n` trusted logins with the subject's reps from `from`. The
 * first is a browser login; the others are browser logins too ('browser'), or replays of the first
 * one's SDK bundle with the next reps' password timings and fresh username timings ('replay').
 */
async function enrol(
  p: Plan,
  tenant: Tenant,
  o: { account: string; reps: CmuRep[]; from: number; device: BrowserContext; ip: string; rng: Rng },
  n: number,
  mode: 'browser' | 'replay',
  scenario: string,
): Promise<string | undefined> {
  const h = p.harness;
  let bundle: string | undefined;
  for (let i = 0; i < n; i++) {
    const rep = o.reps[o.from + i];
    let rec: LoginRecord;
    if (i === 0 || mode === 'browser' || !bundle) {
      const r = await h.browserLogin({
        scenario,
        tenant,
        account: o.account,
        password: CMU_PASSWORD,
        ip: o.ip,
        context: o.device,
        typing: cmuTyping(rep, usernameTyping(o.account, o.rng, rep)),
        pointer: 'human',
        rng: o.rng,
        submitWithEnter: true,
        captureBundle: i === 0,
      });
      bundle ??= r.bundle;
      rec = r;
    } else {
      rec = await h.replayLogin({
        scenario,
        tenant,
        account: o.account,
        bundle: withKeys(bundle, rep.keys, usernameTyping(o.account, o.rng, rep)),
        ip: o.ip,
        userAgent: h.chromeUa,
        acceptLanguage: 'en-US,en;q=0.9',
        succeeded: true,
      });
    }
    await trust(p, tenant, rec, idOf(h, rec));
  }
  return bundle;
}

async function trust(p: Plan, tenant: Tenant, rec: LoginRecord, id: string | undefined): Promise<void> {
  // the owner passes the second factor when challenged: a trusted outcome, as a customer reports it
  if (id && rec.decision !== 'allow') await p.harness.feedback(tenant, id, 'challenge_passed');
}

/** Scenarios 1–6 and 9: one shop, its enrolled owners, attacks on them. */
async function shopScenarios(p: Plan): Promise<void> {
  const { harness: h, scale, cmu, progress } = p;
  const want = (k: ScenarioKey) => !p.only || p.only.has(k);
  const subjects = cmu ? [...cmu.keys()] : [];

  // --- the owners' tenant: enrolled accounts, their devices -------------------------------------
  const shop = await h.tenant('Shop');
  const owners: Owner[] = [];
  const needOwners =
    // row 13 (people) counts the owners' enrolment logins: --only people enrols them too
    cmu &&
    (['owner', 'travel', 'takeover', 'pm', 'naive', 'scripted', 'stealth', 'people'] as ScenarioKey[]).some(want);
  if (!cmu) progress("CMU keystroke data absent: scenarios 1, 2, 3, 8 and 9 (real people's typing) are skipped.");
  if (needOwners) {
    for (const subject of subjects.slice(0, scale.owners)) {
      const account = `${subject}@cmu.jp`;
      const orng = seededRng(hashSeed(account));
      const o: Owner = {
        account,
        subject,
        reps: cmu.get(subject)!,
        ip: usIp(1000 + owners.length),
        rng: orng,
        username: [],
        device: await h.device('human', { index: nextDeviceIndex(), locale: 'en-US', timezoneId: HOME_TZ }),
      };
      h.setPassword(shop, account, CMU_PASSWORD);
      o.bundle = await enrol(p, shop, { ...o, from: FLUENT_FROM }, scale.enrolLogins, scale.enrolMode, 'enrol');
      owners.push(o);
      progress(`enrolled ${account} (${scale.enrolLogins} trusted logins, ${scale.enrolMode})`);
    }
  }
  // later reps (sessions 5–8) for the measured logins
  const laterRep = (o: Owner, j: number) => o.reps[Math.min(o.reps.length - 1, 200 + ((j * 37) % 200))];

  if (want('owner')) {
    for (let j = 0; j < scale.ownerLoginsEach; j++) {
      for (const o of owners) {
        const rec = await h.browserLogin({
          scenario: 'owner',
          tenant: shop,
          account: o.account,
          password: CMU_PASSWORD,
          ip: o.ip,
          context: o.device,
          typing: cmuTyping(laterRep(o, j), usernameTyping(o.account, o.rng, laterRep(o, j))),
          pointer: 'human',
          rng: o.rng,
          submitWithEnter: true,
        });
        await trust(p, shop, rec, idOf(h, rec));
      }
    }
    for (let j = scale.ownerLoginsEach; j < scale.ownerLoginsEach + scale.ownerReplaysEach; j++) {
      for (const o of owners) {
        if (!o.bundle) continue;
        const rep = laterRep(o, j);
        const rec = await h.replayLogin({
          scenario: 'owner',
          tenant: shop,
          account: o.account,
          bundle: withKeys(o.bundle, rep.keys, usernameTyping(o.account, o.rng, rep)),
          ip: o.ip,
          userAgent: h.chromeUa,
          acceptLanguage: 'en-US,en;q=0.9',
          succeeded: true,
        });
        await trust(p, shop, rec, idOf(h, rec));
      }
    }
    progress(`owner: ${count(h, 'owner')}`);
  }

  // --- 10. another person on the owner's device and network: the right password, their own rhythm --
  if (want('sameDevice') && owners.length > 1) {
    for (let j = 0; j < scale.sameDeviceEach; j++) {
      for (const [v, victim] of owners.entries()) {
        // the intruder: another CMU subject (not an owner when there are enough), for whom the
        // password is new (first session, reps 5-49), as for the takeover thieves
        const pool =
          subjects.length > owners.length
            ? subjects.slice(owners.length)
            : owners.filter((x) => x !== victim).map((x) => x.subject);
        const intruder = pool[(v * 7 + j) % pool.length];
        const rep = cmu!.get(intruder)![5 + ((v * 11 + j * 17) % 45)];
        const irng = seededRng(hashSeed(`${intruder}:same:${v}:${j}`));
        const username = usernameTyping(victim.account, irng, rep);
        const rec =
          j === 0 || !victim.bundle
            ? await h.browserLogin({
                scenario: 'sameDevice',
                tenant: shop,
                account: victim.account,
                password: CMU_PASSWORD,
                ip: victim.ip,
                context: victim.device,
                typing: cmuTyping(rep, username),
                pointer: 'human',
                rng: irng,
                submitWithEnter: true,
              })
            : await h.replayLogin({
                scenario: 'sameDevice',
                tenant: shop,
                account: victim.account,
                bundle: withKeys(victim.bundle, rep.keys, username),
                ip: victim.ip,
                userAgent: h.chromeUa,
                acceptLanguage: 'en-US,en;q=0.9',
                succeeded: true,
              });
        const id = idOf(h, rec);
        if (id && rec.decision === 'challenge') await h.feedback(shop, id, 'challenge_failed');
      }
    }
    progress(`another person on the owner's device: ${count(h, 'sameDevice')}`);
  }

  if (want('pm')) {
    const pmBundles = new Map<Owner, string>();
    for (let j = 0; j < scale.passwordManager; j++) {
      const o = owners[j % owners.length];
      if (!o) break;
      const rec = await h.browserLogin({
        scenario: 'pm',
        tenant: shop,
        account: o.account,
        password: CMU_PASSWORD,
        ip: o.ip,
        context: o.device,
        typing: { kind: 'fill' },
        pointer: 'human',
        rng: o.rng,
        captureBundle: !pmBundles.has(o),
      });
      if (rec.bundle && !pmBundles.has(o)) pmBundles.set(o, rec.bundle);
      await trust(p, shop, rec, idOf(h, rec));
    }
    const recorded = [...pmBundles.entries()];
    for (let j = 0; j < scale.passwordManagerReplays && recorded.length; j++) {
      const [o, bundle] = recorded[j % recorded.length];
      const rec = await h.replayLogin({
        scenario: 'pm',
        tenant: shop,
        account: o.account,
        bundle,
        ip: o.ip,
        userAgent: h.chromeUa,
        acceptLanguage: 'en-US,en;q=0.9',
        succeeded: true,
      });
      await trust(p, shop, rec, idOf(h, rec));
    }
    progress(`password manager: ${count(h, 'pm')}`);
  }

  // --- attacks on the enrolled accounts, with the right password, each from a new device and IP --
  let attackIp = 50_000;
  if (want('takeover') && owners.length > 1) {
    for (let j = 0; j < scale.takeovers; j++) {
      const victim = owners[j % owners.length];
      // the attacker: another CMU subject (not an owner when there are enough), their own rhythm
      const pool =
        subjects.length > owners.length
          ? subjects.slice(owners.length)
          : owners.filter((x) => x !== victim).map((x) => x.subject);
      const attacker = pool[j % pool.length];
      // a stolen password is new to its thief: they type it like CMU subjects in their first
      // session (reps 5-49, after a few tries), the impostor model of the CMU benchmark itself.
      // A fluent insider (reps 100-399) is the harder case; see the report's limitations.
      const rep = cmu!.get(attacker)![5 + ((j * 13) % 45)];
      const arng = seededRng(hashSeed(`${attacker}:${j}`));
      const ctx = await h.device('human', { index: nextDeviceIndex(), locale: 'en-US', timezoneId: HOME_TZ });
      const rec = await h.browserLogin({
        scenario: 'takeover',
        tenant: shop,
        account: victim.account,
        password: CMU_PASSWORD,
        ip: usIp(attackIp++),
        context: ctx,
        typing: cmuTyping(rep, usernameTyping(victim.account, arng, rep)),
        pointer: 'human',
        rng: arng,
        submitWithEnter: true,
      });
      await ctx.close();
      const id = idOf(h, rec);
      if (id && rec.decision === 'challenge') await h.feedback(shop, id, 'challenge_failed');
    }
    progress(`takeover: ${count(h, 'takeover')}`);
  }

  const targets = owners.length ? owners.map((o) => o.account) : ['victim@example.com'];
  if (!owners.length) h.setPassword(shop, targets[0], CMU_PASSWORD);
  const botLogin = async (
    scenario: ScenarioKey,
    j: number,
    flavour: 'automation' | 'human' | 'stealth',
    typing: Typing,
    pointer: 'none' | 'line' | 'human',
    captureBundle = false,
  ) => {
    const brng = seededRng(hashSeed(`${scenario}:${j}`));
    const ctx = await h.device(flavour, { index: nextDeviceIndex(), locale: 'en-US', timezoneId: HOME_TZ });
    const rec = await h.browserLogin({
      scenario,
      tenant: shop,
      account: targets[j % targets.length],
      password: CMU_PASSWORD,
      ip: usIp(attackIp++),
      context: ctx,
      typing,
      pointer,
      rng: brng,
      captureBundle,
    });
    await ctx.close();
    return rec;
  };
  /** a recorded bot session sent again by the backend: another account, a new address */
  const botReplay = (scenario: ScenarioKey, j: number, bundle: string, userAgent: string) =>
    h.replayLogin({
      scenario,
      tenant: shop,
      account: targets[j % targets.length],
      bundle,
      ip: usIp(attackIp++),
      userAgent,
      acceptLanguage: 'en-US,en;q=0.9',
      succeeded: true,
    });
  if (want('naive')) {
    const recorded: string[] = [];
    for (let j = 0; j < scale.naive; j++) {
      const rec = await botLogin('naive', j, 'automation', { kind: 'fill' }, 'none', scale.botReplays > 0);
      if (rec.bundle) recorded.push(rec.bundle);
    }
    for (let j = 0; j < scale.botReplays && recorded.length; j++)
      await botReplay('naive', scale.naive + j, recorded[j % recorded.length], h.automationUa);
    progress(`naive bot: ${count(h, 'naive')}`);
  }
  if (want('scripted')) {
    const recorded: string[] = [];
    for (let j = 0; j < scale.scripted; j++) {
      const srng = seededRng(hashSeed(`scripted-keys:${j}`));
      const mode = j % 2 === 0 ? 'constant' : 'uniform';
      const account = targets[j % targets.length];
      const rec = await botLogin(
        'scripted',
        j,
        'human',
        {
          kind: 'keys',
          username: scriptedTyping(account, mode, srng, 80),
          password: scriptedTyping(CMU_PASSWORD, mode, srng, 120),
        },
        'line',
        scale.botReplays > 0,
      );
      if (rec.bundle) recorded.push(rec.bundle);
    }
    for (let j = 0; j < scale.botReplays && recorded.length; j++) {
      const k = scale.scripted + j;
      // the recorded session's mode (even: constant, odd: uniform) with fresh timings for this login
      const mode = (j % recorded.length) % 2 === 0 ? 'constant' : 'uniform';
      const srng = seededRng(hashSeed(`scripted-keys:${k}`));
      const keys = {
        username: scriptedTyping(targets[k % targets.length], mode, srng, 80),
        password: scriptedTyping(CMU_PASSWORD, mode, srng, 120),
      };
      await botReplay('scripted', k, withKeys(recorded[j % recorded.length], keys.password, keys.username), h.chromeUa);
    }
    progress(`scripted typist: ${count(h, 'scripted')}`);
  }
  if (want('stealth')) {
    for (let j = 0; j < scale.stealth; j++) {
      const srng = seededRng(hashSeed(`stealth-keys:${j}`));
      const account = targets[j % targets.length];
      await botLogin(
        'stealth',
        j,
        'stealth',
        {
          kind: 'keys',
          username: lognormalTyping(account, srng),
          password: lognormalTyping(CMU_PASSWORD, srng, { gapMs: 160 + 80 * srng() }),
        },
        'human',
      );
    }
    progress(`stealth automation: ${count(h, 'stealth')}`);
  }

  // --- 11, 12. stealth automation on accounts without history (a sign-up's first login) ---------
  for (const [key, flavour] of [
    ['stealthNew', 'stealth'],
    ['stealthHintsNew', 'stealth-hints'],
    ['stealthPatchedNew', 'stealth-patched'],
  ] as const) {
    if (!want(key)) continue;
    for (let j = 0; j < scale.stealthNew; j++) {
      const srng = seededRng(hashSeed(`${key}:${j}`));
      const account = `new${j}.${key}@mail.example`;
      h.setPassword(shop, account, CMU_PASSWORD);
      const ctx = await h.device(flavour, { index: nextDeviceIndex(), locale: 'en-US', timezoneId: HOME_TZ });
      await h.browserLogin({
        scenario: key,
        tenant: shop,
        account,
        password: CMU_PASSWORD,
        ip: usIp(attackIp++),
        context: ctx,
        typing: {
          kind: 'keys',
          username: lognormalTyping(account, srng),
          password: lognormalTyping(CMU_PASSWORD, srng, { gapMs: 160 + 80 * srng() }),
        },
        pointer: 'human',
        rng: srng,
      });
      await ctx.close();
    }
    progress(`${key}: ${count(h, key)}`);
  }

  // --- 2. the owner travelling: own rhythm, a new device, another country ------------------------
  if (want('travel') && owners.length) {
    for (let j = 0; j < scale.travelLogins; j++) {
      const o = owners[j % owners.length];
      const abroad = ABROAD[j % ABROAD.length];
      const ctx = await h.device('human', { index: nextDeviceIndex(), locale: 'en-US', timezoneId: abroad.tz });
      const rec = await h.browserLogin({
        scenario: 'travel',
        tenant: shop,
        account: o.account,
        password: CMU_PASSWORD,
        ip: `${abroad.prefix}${10 + (j % 200)}`,
        context: ctx,
        typing: cmuTyping(laterRep(o, 50 + j), usernameTyping(o.account, o.rng, laterRep(o, 50 + j))),
        pointer: 'human',
        rng: o.rng,
        submitWithEnter: true,
      });
      await ctx.close();
      await trust(p, shop, rec, idOf(h, rec));
    }
    progress(`travel: ${count(h, 'travel')}`);
  }
  for (const o of owners) await o.device.close().catch(() => undefined);
}

export async function runScenarios(p: Plan): Promise<void> {
  const want = (k: ScenarioKey) => !p.only || p.only.has(k);
  const groups = [
    () => shopScenarios(p),
    // --- 7. credential stuffing
    () => (want('stuffing') ? stuffing(p, seededRng(20261201)) : Promise.resolve()),
    // --- 8. office NAT
    () => (want('office') && p.cmu ? office(p) : Promise.resolve()),
    // --- 14–17. registration, account changes, password reset (lifecycle.ts)
    () =>
      (['farm', 'signup', 'cashout', 'reset'] as const).some(want) ? lifecycle(p, nextDeviceIndex) : Promise.resolve(),
  ];
  if (p.parallel) await Promise.all(groups.map((g) => g()));
  else for (const g of groups) await g();
}

/**
 * 2,000 attempts (small: 200) over 1,000 accounts (small: 100) from 20 IPs, 2 % with the right
 * password. A real browser session of the attack tool (stealth Chromium, typed credentials, a
 * straight-line pointer) is recorded once per tool instance (5 instances: 5 devices); each attempt
 * then posts that instance's recorded SDK bundle to /v1/collect from the site's origin and calls
 * /v1/risk as the customer backend would, as fast as the api answers.
 */
async function stuffing(p: Plan, rng: Rng): Promise<void> {
  const { harness: h, scale, progress } = p;
  const tenant = await h.tenant('Stuffed shop');
  const accounts = Array.from({ length: scale.stuffingAccounts }, (_, i) => `customer${i}@mail.example`);
  for (const a of accounts) h.setPassword(tenant, a, `pw-${hashSeed(a).toString(36)}`);
  const bundles: string[] = [];
  for (let i = 0; i < scale.stuffingDevices; i++) {
    const srng = seededRng(hashSeed(`stuffer:${i}`));
    const ctx = await h.device('stealth', { index: nextDeviceIndex(), locale: 'en-US', timezoneId: 'UTC' });
    const account = `probe${i}@mail.example`;
    const rec = await h.browserLogin({
      scenario: 'stuffing-recording',
      tenant,
      account,
      password: 'wrong',
      ip: stuffingIp(i),
      context: ctx,
      typing: {
        kind: 'keys',
        username: lognormalTyping(account, srng, { gapMs: 70 }),
        password: lognormalTyping('Summer2024!x', srng, { gapMs: 70 }),
      },
      pointer: 'line',
      rng: srng,
      captureBundle: true,
    });
    await ctx.close();
    if (!rec.bundle) throw new Error(`no SDK bundle recorded for the stuffing tool: ${rec.details.join('; ')}`);
    bundles.push(rec.bundle);
  }
  h.log.splice(0, h.log.length, ...h.log.filter((r) => r.scenario !== 'stuffing-recording'));
  for (let i = 0; i < scale.stuffingAttempts; i++) {
    const account = accounts[Math.floor(rng() * accounts.length)];
    const succeeded = rng() < 0.02;
    await h.replayLogin({
      scenario: 'stuffing',
      tenant,
      account,
      bundle: bundles[i % bundles.length],
      ip: stuffingIp(i % scale.stuffingIps),
      userAgent: h.chromeUa,
      acceptLanguage: 'en-US,en;q=0.9',
      succeeded,
    });
    if ((i + 1) % 100 === 0) progress(`stuffing: ${i + 1}/${scale.stuffingAttempts}`);
  }
  progress(`stuffing: ${count(h, 'stuffing')}`);
}

/**
 * 100 (small: 12) employees behind one NAT address, each on their own device with their own CMU
 * rhythm (subjects reused with other repetitions past 51 users). Enrolment: the first login in the
 * browser; the other enrolment logins replay that login's recorded bundle with the password keys of
 * the user's next CMU repetitions (their real rhythm; pointer and device as recorded). Then the
 * measured morning: one browser login each, in turn.
 */
async function office(p: Plan): Promise<void> {
  const { harness: h, scale, cmu, progress } = p;
  const tenant = await h.tenant('Office app');
  const subjects = [...cmu!.keys()];
  const users: {
    account: string;
    reps: CmuRep[];
    offset: number;
    device: BrowserContext;
    rng: Rng;
    bundle?: string;
  }[] = [];
  for (let u = 0; u < scale.officeUsers; u++) {
    const subject = subjects[u % subjects.length];
    const account = `${subject}.${u}@office.example`;
    const urng = seededRng(hashSeed(account));
    const user = {
      account,
      reps: cmu!.get(subject)!,
      offset: Math.floor(u / subjects.length) * 50,
      device: await h.device('human', { index: nextDeviceIndex(), locale: 'en-US', timezoneId: HOME_TZ }),
      rng: urng,
    };
    h.setPassword(tenant, account, CMU_PASSWORD);
    const bundle = await enrol(
      p,
      tenant,
      { account, reps: user.reps, from: FLUENT_FROM + user.offset, device: user.device, ip: OFFICE_IP, rng: urng },
      scale.officeEnrolLogins,
      'replay',
      'office-enrol',
    );
    users.push({ ...user, bundle });
  }
  progress(`office: ${users.length} users enrolled`);
  for (const [u, user] of users.entries()) {
    const rep = user.reps[Math.min(user.reps.length - 1, 200 + user.offset + (u % 50))];
    await h.browserLogin({
      scenario: 'office',
      tenant,
      account: user.account,
      password: CMU_PASSWORD,
      ip: OFFICE_IP,
      context: user.device,
      typing: cmuTyping(rep, usernameTyping(user.account, user.rng, rep)),
      pointer: 'human',
      rng: user.rng,
      submitWithEnter: true,
    });
    await user.device.close();
  }
  // the rest of the week: each user's later repetitions, replaying their enrolment bundle
  for (let j = 1; j <= scale.officeReplaysEach; j++) {
    for (const [u, user] of users.entries()) {
      if (!user.bundle) continue;
      const rep = user.reps[Math.min(user.reps.length - 1, 200 + user.offset + ((u + 7 * j) % 50))];
      const rec = await h.replayLogin({
        scenario: 'office',
        tenant,
        account: user.account,
        bundle: withKeys(user.bundle, rep.keys, usernameTyping(user.account, user.rng, rep)),
        ip: OFFICE_IP,
        userAgent: h.chromeUa,
        acceptLanguage: 'en-US,en;q=0.9',
        succeeded: true,
      });
      await trust(p, tenant, rec, idOf(h, rec));
    }
  }
  progress(`office: ${count(h, 'office')}`);
}

/** The assessment id of a record (kept in the harness log by account and order). */
function idOf(_h: DetectionHarness, rec: LoginRecord): string | undefined {
  // no stored assessment (scoring failed): nothing the customer's feedback could refer to
  return (rec.ok && rec.id) || undefined;
}

function count(h: DetectionHarness, scenario: string): string {
  const rs = h.log.filter((r) => r.scenario === scenario);
  const n = (d: string) => rs.filter((r) => r.decision === d).length;
  return (
    `${rs.length} logins: ${n('allow')} allow, ${n('challenge')} challenge, ` +
    `${n('deny')} deny${n('error') ? `, ${n('error')} errors` : ''}`
  );
}

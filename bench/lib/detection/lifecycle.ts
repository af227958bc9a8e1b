// Scenarios 14–17 of bench/detection.ts: the account's life beyond the login (issue 18). Every SDK
// bundle is recorded in the browser (a person's or a farm tool's device typing on the site's form)
// and replayed by the customer backend as the event's risk call, like the stuffing scenario. The
// people and thieves recorded once sign up and attack at several shops (tenants, which share
// nothing), each time with another repetition's timings: enough calls for a useful interval.
import type { BrowserContext } from 'playwright-core';
import {
  hashSeed,
  lognormalTyping,
  seededRng,
  usernameTyping,
  type CmuRep,
  type Rng,
} from '../../../fixtures/human-input';
import type { LifecycleCall, LoginRecord, Tenant } from './harness';
import { withKeys, type Plan } from './scenarios';

/** Mail providers people sign up with, and disposable ones on the disposable-email-domains list. */
const PEOPLE_MAIL = ['gmail.com', 'yahoo.co.jp', 'outlook.com', 'icloud.com', 'docomo.ne.jp', 'ezweb.ne.jp'];
const DISPOSABLE_MAIL = ['mailinator.com', 'yopmail.com', 'guerrillamail.com', '10minutemail.com', 'trashmail.com'];

/** Residential addresses of a Japanese access provider (KDDI, 106.128.0.0/10 … here 106.1xx.y.z), by number. */
function homeIp(n: number): string {
  return `106.${130 + (Math.floor(n / 250) % 60)}.${(n * 7) % 250}.${(n % 250) + 2}`;
}
/** The farm's proxies: a new residential address in a new /24 for every sign-up. */
function proxyIp(i: number): string {
  const pools = ['73.90.', '49.228.', '177.45.', '87.128.', '1.36.', '60.240.'];
  return `${pools[i % pools.length]}${((i * 11) % 250) + 1}.${((i * 29) % 250) + 3}`;
}

interface Recorded {
  bundle: string;
  ctx: BrowserContext;
}

export async function lifecycle(p: Plan, deviceIndex: () => number): Promise<void> {
  const { harness: h, scale, progress, cmu } = p;
  const want = (k: string) => !p.only || p.only.has(k as never);
  // the recordings' own logins go to a tenant of their own: the measured tenants see only the replays
  const studio = await h.tenant('Lifecycle recordings');
  const record = async (
    flavour: 'human' | 'stealth',
    seed: string,
    typing: { password: CmuRep['keys'] | null; text: string },
    pointer: 'human' | 'line',
  ): Promise<Recorded> => {
    const rng: Rng = seededRng(hashSeed(seed));
    const ctx = await h.device(flavour, { index: deviceIndex(), locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const account = `${seed}@record.example`;
    const rec = await h.browserLogin({
      // a person's recording is one of row 13's browser sessions; a farm tool's is set-up only
      scenario: flavour === 'human' ? 'lifecycle-person' : 'lifecycle-recording',
      tenant: studio,
      account,
      password: typing.text,
      ip: '192.0.2.1',
      context: ctx,
      typing: {
        kind: 'keys',
        username: lognormalTyping(account, rng, { gapMs: flavour === 'human' ? 160 : 70 }),
        password: typing.password ?? lognormalTyping(typing.text, rng, { gapMs: 70 }),
      },
      pointer,
      rng,
      submitWithEnter: !!typing.password,
      captureBundle: true,
    });
    if (!rec.bundle) throw new Error(`no SDK bundle recorded (${seed}): ${rec.details.join('; ')}`);
    return { bundle: rec.bundle, ctx };
  };
  const replay = (scenario: string, tenant: Tenant, account: string, bundle: string, ip: string, e?: LifecycleCall) =>
    h.replayLogin({
      scenario,
      tenant,
      account,
      bundle,
      ip,
      userAgent: h.chromeUa,
      acceptLanguage: 'ja-JP,ja;q=0.9',
      succeeded: true,
      event: e,
    });
  const subjects = cmu ? [...cmu.keys()] : [];
  const subjectAt = (i: number) => subjects[i % Math.max(1, subjects.length)];
  /** a recorded session with another repetition's password timings and the typist's username timings */
  const retimed = (r: Recorded, account: string, rep: CmuRep | undefined, seed: string) =>
    rep ? withKeys(r.bundle, rep.keys, usernameTyping(account, seededRng(hashSeed(seed)), rep)) : r.bundle;

  // --- the people (15–17), each on their own device and home network (some families share one)
  const people: { account: string; device: Recorded; ip: string; subject: string; nth: number }[] = [];
  if (want('signup') || want('cashout') || want('reset')) {
    for (let i = 0; i < scale.signupPeople; i++) {
      const subject = subjectAt(i);
      const nth = Math.floor(i / Math.max(1, subjects.length));
      const rep = cmu?.get(subject)?.[60 + nth];
      const device = await record('human', `person-${i}`, { password: rep?.keys ?? null, text: '.tie5Roanl' }, 'human');
      // one home in ten has two people signing up
      const ip = homeIp(i % 10 === 1 ? i - 1 : i);
      people.push({ account: `person${i}@${PEOPLE_MAIL[i % PEOPLE_MAIL.length]}`, device, ip, subject, nth });
    }
    progress(`15. ${people.length} people recorded in the browser`);
  }
  // --- the thieves (16): one device each, recorded once, one victim per shop
  const thieves: { device: Recorded; ip: string }[] = [];
  if (want('cashout')) {
    for (let i = 0; i < Math.min(scale.cashouts, people.length); i++) {
      const rep = cmu?.get(subjectAt(i + 7))?.[10 + (i % 40)];
      const device = await record('human', `thief-${i}`, { password: rep?.keys ?? null, text: '.tie5Roanl' }, 'human');
      // a residential proxy in the victims' country: thieves pick one near the owner
      thieves.push({ device, ip: homeIp(500 + i) });
    }
    progress(`16. ${thieves.length} thief devices recorded in the browser`);
  }

  for (let m = 0; m < scale.lifecycleShops; m++) {
    const shop = await h.tenant(`Lifecycle shop ${m + 1}`);
    // the same people and changes at a twin shop where no thief logged in first: the change alone
    const control = thieves.length ? await h.tenant(`Lifecycle shop ${m + 1}, control`) : null;
    // each shop: the person types with another of their repetitions (session 2 on, as at enrolment)
    const bundles = people.map((x) =>
      retimed(x.device, x.account, cmu?.get(x.subject)?.[60 + x.nth + 20 * m], `${x.account}:${m}`),
    );
    const victims = people.slice(0, thieves.length);
    // --- 15. people signing up, with a common mail provider's domain
    for (const [i, x] of people.entries()) {
      const e: LifecycleCall = { event: 'registration', emailDomain: x.account.split('@')[1] };
      await replay(want('signup') ? 'signup' : 'signup-setup', shop, x.account, bundles[i], x.ip, e);
      if (control && i < victims.length) await replay('signup-setup', control, x.account, bundles[i], x.ip, e);
    }

    // --- 14. a farm: a few devices, a new proxy and a disposable mailbox for every account (first shop)
    if (want('farm') && m === 0) {
      let k = 0;
      for (let d = 0; d < scale.farmDevices; d++) {
        const device = await record('stealth', `farm-${d}`, { password: null, text: 'Passw0rd!farm' }, 'line');
        for (let a = 0; a < scale.farmAccountsEach; a++, k++) {
          const mail = DISPOSABLE_MAIL[k % DISPOSABLE_MAIL.length];
          // the first five accounts of a device are counted apart: the goal is from the 6th on
          await replay(a < 5 ? 'farm-first5' : 'farm', shop, `f${d}x${a}@${mail}`, device.bundle, proxyIp(k), {
            event: 'registration',
            emailDomain: mail,
          });
        }
        await device.ctx.close();
      }
      progress(`14. ${scale.farmDevices} farm devices × ${scale.farmAccountsEach} accounts`);
    }

    // the people log in a few times on their device (trusted), as owners do
    if (want('cashout') || want('reset')) {
      for (const [i, x] of people.entries())
        for (let j = 0; j < 3; j++) {
          await replay('lifecycle-setup', shop, x.account, bundles[i], x.ip);
          if (control && i < victims.length) await replay('lifecycle-setup', control, x.account, bundles[i], x.ip);
        }
    }

    // --- 17. password reset by the owner on the known device, from home
    if (want('reset')) {
      for (const [i, x] of people.entries()) {
        await replay('reset', shop, x.account, bundles[i], x.ip, { event: 'password_reset_request' });
        await replay('reset', shop, x.account, bundles[i], x.ip, { event: 'password_reset' });
      }
    }

    // --- 16. takeover cash-out: a thief logs in with the password from a new device, then changes
    // the e-mail from the same device a moment later. Measured three ways per case: the login alone,
    // the change alone (the same call at the twin shop, where no login came first), and the change
    // after the login (the scenario's rate).
    for (const [v, victim] of victims.entries()) {
      const thief = thieves[(v + m) % thieves.length];
      // another subject than the victim, typing a password new to them (first session, reps 5-49)
      const subject = subjectAt((v % Math.max(1, subjects.length)) + 7 + m);
      const rep = cmu?.get(subject)?.[5 + ((v * 13 + m * 7) % 45)];
      const bundle = retimed(thief.device, victim.account, rep, `thief:${victim.account}:${m}`);
      const change: LifecycleCall = {
        event: 'profile_update',
        changes: v % 3 === 0 ? ['email', 'mfa'] : v % 3 === 1 ? ['email'] : ['email', 'phone'],
        emailDomain: PEOPLE_MAIL[(v + 1) % PEOPLE_MAIL.length],
      };
      const at = `${m}:${v}`;
      tag(await replay('cashout-login', shop, victim.account, bundle, thief.ip), at);
      tag(await replay('cashout', shop, victim.account, bundle, thief.ip, change), at);
      tag(await replay('cashout-control', control!, victim.account, bundle, thief.ip, change), at);
    }
    progress(`shop ${m + 1}/${scale.lifecycleShops}: ${people.length} sign-ups, ${victims.length} cash-outs`);
  }
  for (const x of [...people, ...thieves]) await x.device.ctx.close();
  const setup = new Set(['lifecycle-recording', 'lifecycle-setup', 'signup-setup']);
  h.log.splice(0, h.log.length, ...h.log.filter((r) => !setup.has(r.scenario)));
}

function tag(r: LoginRecord, at: string): void {
  r.case = at;
}

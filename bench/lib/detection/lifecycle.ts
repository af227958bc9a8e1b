// Scenarios 14–17 of bench/detection.ts: the account's life beyond the login (issue 18). Every SDK
// bundle is recorded in the browser (a person's or a farm tool's device typing on the site's form)
// and replayed by the customer backend as the event's risk call, like the stuffing scenario.
import type { BrowserContext } from 'playwright-core';
import { hashSeed, lognormalTyping, seededRng, type CmuRep, type Rng } from '../../../fixtures/human-input';
import type { LifecycleCall } from './harness';
import type { Plan } from './scenarios';

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
  const tenant = await h.tenant('Lifecycle shop');
  // the recordings' own logins go to a tenant of their own: the measured tenant sees only the replays
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
      scenario: 'lifecycle-recording',
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
  const replay = (scenario: string, account: string, r: Recorded, ip: string, event?: LifecycleCall) =>
    h.replayLogin({
      scenario,
      tenant,
      account,
      bundle: r.bundle,
      ip,
      userAgent: h.chromeUa,
      acceptLanguage: 'ja-JP,ja;q=0.9',
      succeeded: true,
      event,
    });

  // --- 15. people signing up, each on their own device and home network (some families share one)
  const subjects = cmu ? [...cmu.keys()] : [];
  const people: { account: string; device: Recorded; ip: string }[] = [];
  const n = scale.signupPeople;
  if (want('signup') || want('cashout') || want('reset')) {
    for (let i = 0; i < n; i++) {
      const subject = subjects[i % Math.max(1, subjects.length)];
      const rep = cmu?.get(subject)?.[60 + Math.floor(i / Math.max(1, subjects.length))];
      const device = await record('human', `person-${i}`, { password: rep?.keys ?? null, text: '.tie5Roanl' }, 'human');
      const account = `person${i}@${PEOPLE_MAIL[i % PEOPLE_MAIL.length]}`;
      // one home in ten has two people signing up
      const ip = homeIp(i % 10 === 1 ? i - 1 : i);
      people.push({ account, device, ip });
      const event: LifecycleCall = { event: 'registration', emailDomain: account.split('@')[1] };
      await replay(want('signup') ? 'signup' : 'signup-setup', account, device, ip, event);
    }
    progress(`15. ${n} people signed up`);
  }

  // --- 14. a farm: a few devices, a new proxy and a disposable mailbox for every account
  if (want('farm')) {
    let k = 0;
    for (let d = 0; d < scale.farmDevices; d++) {
      const device = await record('stealth', `farm-${d}`, { password: null, text: 'Passw0rd!farm' }, 'line');
      for (let a = 0; a < scale.farmAccountsEach; a++, k++) {
        const mail = DISPOSABLE_MAIL[k % DISPOSABLE_MAIL.length];
        // the first five accounts of a device are counted apart: the goal is from the 6th on
        await replay(a < 5 ? 'farm-first5' : 'farm', `f${d}x${a}@${mail}`, device, proxyIp(k), {
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
    for (const person of people)
      for (let j = 0; j < 3; j++) await replay('lifecycle-setup', person.account, person.device, person.ip);
  }

  // --- 17. password reset by the owner on the known device, from home
  if (want('reset')) {
    for (const person of people) {
      await replay('reset', person.account, person.device, person.ip, { event: 'password_reset_request' });
      await replay('reset', person.account, person.device, person.ip, { event: 'password_reset' });
    }
    progress(`17. ${people.length} owners reset their password`);
  }

  // --- 16. takeover cash-out: the thief logs in with the password from a new device, then changes the e-mail
  if (want('cashout')) {
    const victims = people.slice(0, scale.cashouts);
    for (const [i, victim] of victims.entries()) {
      const subject = subjects[(i + 7) % Math.max(1, subjects.length)];
      const rep = cmu?.get(subject)?.[10 + i];
      const thief = await record('human', `thief-${i}`, { password: rep?.keys ?? null, text: '.tie5Roanl' }, 'human');
      // a residential proxy in the victim's country: thieves pick one near the owner
      const ip = homeIp(500 + i);
      await replay('cashout-login', victim.account, thief, ip);
      await replay('cashout', victim.account, thief, ip, {
        event: 'profile_update',
        changes: i % 3 === 0 ? ['email', 'mfa'] : i % 3 === 1 ? ['email'] : ['email', 'phone'],
        emailDomain: PEOPLE_MAIL[(i + 1) % PEOPLE_MAIL.length],
      });
      await thief.ctx.close();
    }
    progress(`16. ${victims.length} takeovers followed by an e-mail change`);
  }
  for (const person of people) await person.device.ctx.close();
  const setup = new Set(['lifecycle-recording', 'lifecycle-setup', 'signup-setup']);
  h.log.splice(0, h.log.length, ...h.log.filter((r) => !setup.has(r.scenario)));
}

// Another person on the owner's device (issue #21): what the typing rhythm can achieve, offline, on CMU.
//   npx tsx bench/typing-same-device.ts [--csv FILE] [--tune even] [--report odd]
// Both fields the SDK bundle carries, as the engine judges them (typing.detector.ts): the password
// (`.tie5Roanl` + Return) and the username (`<subject>@cmu.jp`, typed with the typist's own hold and
// flight times of that repetition: fixtures/human-input.ts usernameTyping, as bench/detection.ts
// does), each against its own profile with the product's learning and per-account calibration; the
// fields' tails are combined like the detector (normal scores averaged by keys).
// Owners: T trusted logins (session 2 on, reps 50+), then sessions 5-8 (reps 200-399) scored one by
// one and learned. Intruders: every other subject of the same half types the owner's username and
// password with their own rhythm, novice (reps 5-9, the password new to them, as scenario 10 plays
// it) and fluent (reps 200-204), against the profile after T logins.
// Two decisions, both reported on the held-out half only:
//   - per-account: the engine's rule, tail <= target (the tenant's typing.falseChallengeRate);
//   - pooled: one cut on the combined tail, chosen on the tuning half to flag the given share of
//     its owners' logins, then applied unchanged to the held-out half.
// Rates with 95 % Wilson intervals.
import { readFileSync } from 'node:fs';
import {
  enrolTypingSample,
  normalQuantile,
  normalTail,
  typingCalibration,
  typingStateAnomaly,
  typingStateSamples,
  typingTail,
  type KeyTiming,
  type TypingProfileState,
} from '../libs/scoring/src/typing';
import { parseKeystrokeCsv } from '../libs/scoring/src/typing/typing-eval';
import { hashSeed, seededRng, usernameTyping, type CmuRep, type TimedKey } from '../fixtures/human-input';
import { wilson } from './lib/wilson';
import { arg, cmuCsvOrExit } from './lib/cmu-bench';

const csv = cmuCsvOrExit('typing-same-device');
const data = parseKeystrokeCsv(readFileSync(csv, 'utf8'));
const half = (parity: string) => [...data.keys()].filter((s) => (Number(s.slice(1)) % 2 === 1) === (parity === 'odd'));
const tuneHalf = half(arg('tune') ?? 'even');
const reportHalf = half(arg('report') ?? 'odd');
const TRUSTED = [10, 20, 50];
const TARGETS = [0.005, 0.01, 0.02, 0.05];

/** A CMU repetition's keys as the harness types them (KeyTiming rows → named keys for usernameTyping). */
function asRep(subject: string, keys: KeyTiming[]): CmuRep {
  return { subject, session: 0, rep: 0, keys: keys.map((k, i) => ({ key: String(i), down: k.down, up: k.up })) };
}
const timings = (keys: TimedKey[]): KeyTiming[] => keys.map((k) => ({ down: k.down, up: k.up }));

interface Account {
  password: TypingProfileState;
  username: TypingProfileState;
}

/** Combined tail of both fields, as typing.detector.ts combines them; and the password's alone. */
function judge(a: Account, password: KeyTiming[], username: KeyTiming[]): { both: number; password: number } {
  const parts = [
    [a.password, password],
    [a.username, username],
  ].map(([state, sample]) => {
    const s = state as TypingProfileState;
    const x = sample as KeyTiming[];
    const tail = typingTail(typingCalibration(s.calibration, typingStateSamples(s)), typingStateAnomaly(s, x));
    return { tail, keys: x.length };
  });
  const keys = parts.reduce((s, p) => s + p.keys, 0);
  const z = parts.reduce((s, p) => s + p.keys * normalQuantile(1 - Math.max(1e-12, p.tail)), 0) / keys;
  return { both: normalTail(z), password: parts[0].tail };
}

interface Scores {
  owner: number[];
  novice: number[];
  fluent: number[];
}

/** Tails (combined, password only) of every owner login and intruder attempt of one half, for T trusted logins. */
function run(subjects: string[], trusted: number): { both: Scores; password: Scores } {
  const both: Scores = { owner: [], novice: [], fluent: [] };
  const pw: Scores = { owner: [], novice: [], fluent: [] };
  const push = (into: keyof Scores, t: { both: number; password: number }) => {
    both[into].push(t.both);
    pw[into].push(t.password);
  };
  for (const subject of subjects) {
    const reps = data.get(subject)!;
    const name = `${subject}@cmu.jp`;
    const rng = seededRng(hashSeed(name));
    const user = (s: string, keys: KeyTiming[], r = rng) => timings(usernameTyping(name, r, asRep(s, keys)));
    let pwState: TypingProfileState | null = null;
    let unState: TypingProfileState | null = null;
    for (let i = 0; i < trusted; i++) {
      pwState = enrolTypingSample(pwState, reps[50 + i]);
      unState = enrolTypingSample(unState, user(subject, reps[50 + i]));
    }
    const frozen: Account = { password: pwState!, username: unState! };
    for (const other of subjects) {
      if (other === subject) continue;
      const o = data.get(other)!;
      const irng = seededRng(hashSeed(`${other}:${subject}`));
      for (let r = 5; r < 10; r++) push('novice', judge(frozen, o[r], user(other, o[r], irng)));
      for (let r = 200; r < 205; r++) push('fluent', judge(frozen, o[r], user(other, o[r], irng)));
    }
    const live = { ...frozen };
    for (let r = 200; r < 400; r++) {
      const u = user(subject, reps[r]);
      push('owner', judge(live, reps[r], u));
      live.password = enrolTypingSample(live.password, reps[r]);
      live.username = enrolTypingSample(live.username, u);
    }
  }
  return { both, password: pw };
}

const rate = (xs: number[], cut: number) => {
  const k = xs.filter((x) => x <= cut).length;
  const [lo, hi] = wilson(k, xs.length);
  return `${((100 * k) / xs.length).toFixed(1)} % [${(100 * lo).toFixed(1)}–${(100 * hi).toFixed(1)}]`;
};
/** The cut that flags `share` of the values (the tuning half's owners). */
const cutFor = (xs: number[], share: number) => [...xs].sort((a, b) => a - b)[Math.floor(share * xs.length)] ?? 0;

console.log(
  `tuned on: ${tuneHalf.length} subjects (${tuneHalf[0]}…); ` + `reported on: ${reportHalf.length} (${reportHalf[0]}…)`,
);
console.log(
  '| trusted logins | decision | owner challenged | intruder novice caught | intruder fluent caught | ' +
    'password only: owner / novice caught |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const trusted of TRUSTED) {
  const tune = run(tuneHalf, trusted);
  const held = run(reportHalf, trusted);
  for (const target of TARGETS) {
    const h = held.both;
    console.log(
      `| ${trusted} | per-account tail ≤ ${target} | ${rate(h.owner, target)} | ${rate(h.novice, target)} | ` +
        `${rate(h.fluent, target)} | ${rate(held.password.owner, target)} / ${rate(held.password.novice, target)} |`,
    );
  }
  for (const share of [0.01, 0.02, 0.05]) {
    const cut = cutFor(tune.both.owner, share);
    const cutPw = cutFor(tune.password.owner, share);
    const h = held.both;
    console.log(
      `| ${trusted} | pooled cut for ${100 * share} % owners (tuning half) | ${rate(h.owner, cut)} | ` +
        `${rate(h.novice, cut)} | ${rate(h.fluent, cut)} | ` +
        `${rate(held.password.owner, cutPw)} / ${rate(held.password.novice, cutPw)} |`,
    );
  }
}

// Alternating laptop / phone owners and phone takeovers, through the engine's typing detector with
// per-modality profiles (libs/scoring modality/) and through the whole engine (decisions), on the
// CMU keystroke data.
//   npx tsx bench/mobile-typing.ts [--csv FILE] [--enrol 8] [--flight 1.5]
// Each CMU subject is an owner: its repetitions alternate laptop (browser key-down/up times) and
// phone (the same person on a touch keyboard: key presses only, flights stretched by --flight).
// Measured after `--enrol` trusted logins of each modality: the share of the owner's next 20
// logins (10 per modality) that get TYPING_MISMATCH, and, for a phone takeover, the share of other
// subjects' phone logins on a device new to the account that do. Then the engine's decisions
// (assess, default policy, the owner's usual network) for the owner's alternating logins on its
// own devices, its logins on a new phone, its first phone login when it had typed only on a
// laptop, and other subjects' takeovers on new phones of an account with and without phone
// history. Thieves are also reported from the odd-numbered subjects only: the typing calibration
// prior was chosen on the even ones (docs/detection-report.md). A bench, not a test: it prints.
import type { KeyClass, SignalBundle } from '@kizuki/contract';
import { typingDetector } from '../libs/scoring/src/detectors/typing.detector';
import { assess } from '../libs/scoring/src/engine/engine';
import { learnModalTypingProfile } from '../libs/scoring/src/modality';
import { humanBundle, makePerson, newDevice, knownDevice, scoringInput } from '../libs/scoring/src/testing/scenario';
import { readCmuReps, type CmuRep } from '../fixtures/human-input';
import { wilson } from './lib/detection/report';
import { arg, cmuCsvOrExit } from './lib/cmu-bench';

const csv = cmuCsvOrExit('mobile-typing');
const ENROL = Number(arg('enrol') ?? 8);
const FLIGHT = Number(arg('flight') ?? 1.5);
const cls = (key: string): KeyClass => (key === 'Enter' ? 'enter' : 'char');
const person = makePerson(1); // only its page/pointer parts are used

function bundle(rep: CmuRep, on: 'laptop' | 'phone', seed: number): SignalBundle {
  const b = humanBundle(person, on === 'laptop' ? 'laptop' : 'phone', seed);
  const keys = rep.keys.map((k) =>
    on === 'laptop'
      ? { d: k.down, u: k.up, c: cls(k.key) }
      : { d: Math.round(k.down * FLIGHT * 10) / 10, u: Math.round(k.down * FLIGHT * 10) / 10, c: cls(k.key) },
  );
  b.typing.fields = [
    { role: 'password', keys, pasted: false, autofilled: false, imeFallback: false, inputEvents: 10, startMs: 900 },
  ];
  if (on === 'phone') {
    b.pointer = { ...b.pointer, type: 'touch', touches: 3, clicks: [] };
    b.app = { id: 'jp.example.shop', platform: 'ios', version: null, osVersion: '17.5', emulator: false, rooted: null };
  }
  return b;
}

const reps = readCmuReps(csv);
const subjects = [...reps.keys()];
const heldOut = (s: string) => Number(s.replace(/\D/g, '')) % 2 === 1;
let ownerLogins = 0;
let ownerFlagged = 0;
const ownerByModality = { laptop: [0, 0], phone: [0, 0] };
let takeovers = 0;
let takeoversFlagged = 0;
let laptopTakeovers = 0;
let laptopTakeoversFlagged = 0;
/** decisions through the engine: [logins, allowed] per situation */
const decided: Record<string, [number, number]> = {};
function decide(situation: string, account: AccountShape, b: SignalBundle, device: ReturnType<typeof newDevice>) {
  const r = assess(scoringInput({ account, bundle: b, device }));
  const d = (decided[situation] ??= [0, 0]);
  d[0]++;
  if (r.decision === 'allow') d[1]++;
}
type AccountShape = ReturnType<typeof account>;
function account(stored: unknown, logins: number) {
  return {
    isNew: false,
    loginCount: logins,
    trustedLogins: logins,
    typingProfile: stored,
    pointerProfile: null,
    countries: ['JP'],
    languages: ['ja'],
    // the owner's usual network: scoringInput's default network (203.0.113.10) is in it
    networks: ['203.0.113.0/24'],
    lastLogin: null,
  };
}
for (const s of subjects) {
  const mine = reps.get(s)!;
  let stored: unknown = null;
  let laptopOnly: unknown = null;
  let i = 0;
  for (; i < 2 * ENROL; i++) {
    const b = bundle(mine[i], i % 2 ? 'phone' : 'laptop', i);
    stored = learnModalTypingProfile(stored, b);
    if (i % 2 === 0) laptopOnly = learnModalTypingProfile(laptopOnly, b);
  }
  const acct = account(stored, i);
  const laptopAcct = account(laptopOnly, ENROL);
  for (let k = 0; k < 20; k++, i++) {
    const on = k % 2 ? 'phone' : 'laptop';
    const b = bundle(mine[i], on, i);
    const r = typingDetector.run(scoringInput({ account: acct, bundle: b, device: knownDevice(on) }));
    const flagged = r.evidence.some((e) => e.code === 'TYPING_MISMATCH');
    ownerLogins++;
    ownerByModality[on][0]++;
    if (flagged) {
      ownerFlagged++;
      ownerByModality[on][1]++;
    }
    decide('owner alternating laptop / phone, own devices', acct, b, knownDevice(on));
    if (on === 'phone') decide('owner on a new phone (phone history)', acct, b, newDevice('owner-new-phone'));
  }
  decide('owner first phone login (laptop history only)', laptopAcct, bundle(mine[i], 'phone', i), newDevice('p1'));
  for (const other of subjects) {
    if (other === s) continue;
    const theirs = bundle(reps.get(other)![0], 'phone', 7);
    const r = typingDetector.run(scoringInput({ account: acct, bundle: theirs, device: newDevice('thief') }));
    takeovers++;
    if (r.evidence.some((e) => e.code === 'TYPING_MISMATCH')) takeoversFlagged++;
    const l = typingDetector.run(
      scoringInput({ account: acct, bundle: bundle(reps.get(other)![0], 'laptop', 7), device: newDevice('thief') }),
    );
    laptopTakeovers++;
    if (l.evidence.some((e) => e.code === 'TYPING_MISMATCH')) laptopTakeoversFlagged++;
    for (const [who, sample] of [['', true] as const, [', held-out thieves', heldOut(other)] as const]) {
      if (!sample) continue;
      decide(`takeover on a new phone (phone history${who})`, acct, theirs, newDevice('thief'));
      decide(`takeover on a new phone (laptop history only${who})`, laptopAcct, theirs, newDevice('thief'));
    }
  }
}
const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)} %`;
const withCi = (k: number, n: number) => {
  const [lo, hi] = wilson(k, n);
  return `${pct(k, n)} of ${n} (95 % CI ${(100 * lo).toFixed(1)}–${(100 * hi).toFixed(1)} %)`;
};
console.log(
  `CMU subjects: ${subjects.length}; enrolment ${ENROL} laptop + ${ENROL} phone logins; phone flights ×${FLIGHT}`,
);
console.log(`owner logins without TYPING_MISMATCH: ${pct(ownerLogins - ownerFlagged, ownerLogins)} of ${ownerLogins}`);
for (const on of ['laptop', 'phone'] as const)
  console.log(`  ${on}: ${pct(ownerByModality[on][0] - ownerByModality[on][1], ownerByModality[on][0])}`);
const phoneRate = pct(takeoversFlagged, takeovers);
const laptopRate = pct(laptopTakeoversFlagged, laptopTakeovers);
console.log(`phone takeovers (another subject, new device) with TYPING_MISMATCH: ${phoneRate} of ${takeovers}`);
console.log(`laptop takeovers (the same pairs, for comparison): ${laptopRate} of ${laptopTakeovers}`);
console.log("engine decisions (default policy, the owner's usual network):");
for (const [situation, [n, allowed]] of Object.entries(decided)) {
  const owner = situation.startsWith('owner');
  console.log(
    `  ${situation}: ${owner ? 'allowed' : 'challenged or denied'} ${withCi(owner ? allowed : n - allowed, n)}`,
  );
}

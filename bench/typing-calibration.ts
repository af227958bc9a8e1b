// Per-account typing calibration on the CMU keystroke data (docs/scoring-typing.md, "Per-account calibration").
//   npx tsx bench/typing-calibration.ts [--csv FILE] [--split even|odd|all] [--alpha 0.01]
// Subjects are split by the parity of their number (s002 even, s003 odd): the prior
// (CALIBRATION_PRIOR) was chosen on the even ones; report the odd ones. For each owner: T trusted
// logins from session 2 on (rep 50 on: fluent, as bench/detection.ts enrols), then sessions 5-8
// (reps 200-399) scored one by one and learned (every owner login is a trusted outcome); another
// person on the owner's device: every other subject of the split, 5 reps each, novice (reps 5-9, a
// password new to them) and fluent (reps 200-204), scored against the profile after T logins.
// Prints, per T, the share of owner logins and of intruder logins whose tail probability for the
// account is ≤ alpha (the per-account cut) and, for comparison, above the fixed cut (typingRisk > 0.5).
import { readFileSync } from 'node:fs';
import {
  enrolTypingSample,
  typingCalibration,
  typingRisk,
  typingStateAnomaly,
  typingStateSamples,
  typingTail,
  type KeyTiming,
  type TypingProfileState,
} from '../libs/scoring/src/typing';
import { parseKeystrokeCsv } from '../libs/scoring/src/typing/typing-eval';
import { arg, cmuCsvOrExit } from './lib/cmu-bench';

const csv = cmuCsvOrExit('typing-calibration');
const split = arg('split') ?? 'odd';
const alphas = (arg('alpha') ?? '0.01,0.02,0.05').split(',').map(Number);
const data = parseKeystrokeCsv(readFileSync(csv, 'utf8'));
const subjects = [...data.keys()].filter((s) => {
  const odd = Number(s.slice(1)) % 2 === 1;
  return split === 'all' || (split === 'odd' ? odd : !odd);
});

interface Tally {
  n: number;
  cal: number;
  fixed: number;
}
const tally = (): Tally => ({ n: 0, cal: 0, fixed: 0 });

function judge(t: Tally, state: TypingProfileState, sample: KeyTiming[], alpha: number): void {
  const anomaly = typingStateAnomaly(state, sample);
  const samples = typingStateSamples(state);
  const p = typingTail(typingCalibration(state.calibration, samples), anomaly);
  t.n++;
  if (p <= alpha) t.cal++;
  if (typingRisk(anomaly, samples) > 0.5) t.fixed++;
}

const pct = (x: number, n: number) => `${((100 * x) / Math.max(1, n)).toFixed(1)} %`;
console.log(`split: ${split} (${subjects.length} subjects)`);
console.log(
  '| target | trusted logins | owner flagged (per-account) | owner (fixed 0.5) | intruder novice flagged | (fixed) | ' +
    'intruder fluent flagged | (fixed) |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const alpha of alphas)
  for (const trusted of [5, 10, 20, 40]) {
    const owner = tally();
    const novice = tally();
    const fluent = tally();
    for (const subject of subjects) {
      const reps = data.get(subject)!;
      let state: TypingProfileState | null = null;
      for (let i = 0; i < trusted; i++) state = enrolTypingSample(state, reps[50 + i]);
      const frozen = state!;
      for (const other of subjects) {
        if (other === subject) continue;
        const o = data.get(other)!;
        for (let r = 5; r < 10; r++) judge(novice, frozen, o[r], alpha);
        for (let r = 200; r < 205; r++) judge(fluent, frozen, o[r], alpha);
      }
      let live = frozen;
      for (let r = 200; r < 400; r++) {
        judge(owner, live, reps[r], alpha);
        live = enrolTypingSample(live, reps[r]);
      }
    }
    console.log(
      `| ${alpha} | ${trusted} | ${pct(owner.cal, owner.n)} | ${pct(owner.fixed, owner.n)} | ` +
        `${pct(novice.cal, novice.n)} | ${pct(novice.fixed, novice.n)} | ` +
        `${pct(fluent.cal, fluent.n)} | ${pct(fluent.fixed, fluent.n)} |`,
    );
  }

// Cost: the calibration's share of a typing judgement (CPU time, so a loaded machine does not inflate it).
{
  const reps = data.get(subjects[0])!;
  let state: TypingProfileState | null = null;
  for (let i = 0; i < 40; i++) state = enrolTypingSample(state, reps[50 + i]);
  const s = JSON.parse(JSON.stringify(state)) as TypingProfileState;
  const cpuUs = (f: () => void, n: number) => {
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) f();
    const t = process.cpuUsage(t0);
    return (t.user + t.system) / n;
  };
  let sink = 0;
  const n = 20_000;
  const anomalyUs = cpuUs(() => (sink += typingStateAnomaly(s, reps[200 + (sink & 63)])), n);
  const calibrationUs = cpuUs(
    () => (sink += typingTail(typingCalibration(s.calibration, typingStateSamples(s)), 1 + (sink % 3))),
    n,
  );
  console.log(
    `cost per field (40 trusted logins, CPU): anomaly ${anomalyUs.toFixed(2)} µs, ` +
      `calibration ${calibrationUs.toFixed(2)} µs (${((100 * calibrationUs) / anomalyUs).toFixed(0)} % of it)` +
      (Number.isFinite(sink) ? '' : ' ?'),
  );
}

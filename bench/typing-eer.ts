// Typing detector accuracy on the CMU keystroke benchmark (Killourhy & Maxion 2009 data).
//   npx tsx bench/typing-eer.ts [--csv FILE] [--few 20] [--subjects N]
// Default CSV: KIZUKI_CMU_CSV, else ../shared/data/keystroke/DSL-StrongPasswordData.csv beside the repository.
// The data is research data and is not part of the repository: without it this prints a note
// and exits 0. Protocols: see libs/scoring/src/typing/typing-eval.ts (they agree with the
// project's independent yardstick, /work/shared/tools/typing-eer.ts, to the 4th decimal).
import { readFileSync } from 'node:fs';
import { fitTypingProfile, typingAnomaly } from '../libs/scoring/src/typing';
import {
  manhattanScaled,
  meanSd,
  parseKeystrokeCsv,
  protocolEers,
  type TypingDetectorUnderTest,
  type TypingProtocol,
} from '../libs/scoring/src/typing/typing-eval';
import { arg, cmuCsvOrExit } from './lib/cmu-bench';

const csv = cmuCsvOrExit('typing-eer');
const few = Number(arg('few') ?? 20);
const data = parseKeystrokeCsv(readFileSync(csv, 'utf8'));
const limit = arg('subjects');
const subjects = limit ? [...data.keys()].slice(0, Number(limit)) : undefined;

const project: TypingDetectorUnderTest = {
  fitTypingProfile,
  typingAnomaly: typingAnomaly as TypingDetectorUnderTest['typingAnomaly'],
};
const detectors: [string, TypingDetectorUnderTest][] = [
  ['Manhattan scaled (reference)', manhattanScaled],
  ['Kizuki', project],
];
const protocols: [string, TypingProtocol][] = [
  ['km2009', 'km2009'],
  [`few-${few}`, 'few'],
  [`adapt-${few}`, 'adapt'],
];

console.log(
  `typing EER on ${csv.split('/').pop()} (${subjects?.length ?? data.size} subjects), mean ± sd over subjects`,
);
console.log(['detector'.padEnd(30), ...protocols.map(([n]) => n.padStart(18))].join(''));
for (const [name, det] of detectors) {
  const cells = protocols.map(([, p]) => {
    const { mean, sd } = meanSd(protocolEers(det, data, p, { few, subjects }));
    return `${mean.toFixed(4)} ± ${sd.toFixed(4)}`.padStart(18);
  });
  console.log([name.padEnd(30), ...cells].join(''));
}

// Time per typingAnomaly call: a profile fitted on 50 samples, scored on many samples.
const reps = [...data.values()];
const profile = fitTypingProfile(reps[0].slice(0, 50));
const probe = reps.flatMap((r) => r.slice(0, 40));
const warm = probe.reduce((s, k) => s + typingAnomaly(profile, k), 0);
const t0 = process.hrtime.bigint();
let sink = 0;
const rounds = 3;
for (let r = 0; r < rounds; r++) for (const k of probe) sink += typingAnomaly(profile, k);
const us = Number(process.hrtime.bigint() - t0) / 1000 / (rounds * probe.length);
const aligned = probe.slice(0, 500).map((k) => k.slice(1));
const t1 = process.hrtime.bigint();
for (const k of aligned) sink += typingAnomaly(profile, k);
const usAligned = Number(process.hrtime.bigint() - t1) / 1000 / aligned.length;
console.log(
  `typingAnomaly: ${us.toFixed(1)} µs per call (same length, 50 references); ` +
    `${usAligned.toFixed(1)} µs with length alignment${Number.isFinite(sink + warm) ? '' : ' (!)'}`,
);

// Accuracy guard on the CMU keystroke data (Killourhy & Maxion 2009). The data is research data,
// not part of the repository: the test runs when it is found (KIZUKI_KEYSTROKE_CSV or
// ../shared/data/keystroke/DSL-StrongPasswordData.csv next to the repository) and is skipped
// with a note otherwise. Full numbers: `npm run bench:typing` (docs/scoring-typing.md).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fitTypingProfile, typingAnomaly } from './typing-model';
import { manhattanScaled, meanSd, parseKeystrokeCsv, protocolEers, type TypingDetectorUnderTest } from './typing-eval';

const csv =
  process.env.KIZUKI_KEYSTROKE_CSV ??
  resolve(__dirname, '../../../../../shared/data/keystroke/DSL-StrongPasswordData.csv');
const present = existsSync(csv);
if (!present) console.log(`typing-cmu.spec: keystroke data not found at ${csv}; CMU accuracy test skipped.`);

const project: TypingDetectorUnderTest = {
  fitTypingProfile,
  typingAnomaly: typingAnomaly as TypingDetectorUnderTest['typingAnomaly'],
};

(present ? describe : describe.skip)('typing detector on the CMU keystroke data (first 10 subjects)', () => {
  const data = present ? parseKeystrokeCsv(readFileSync(csv, 'utf8')) : new Map();
  const subjects = [...data.keys()].slice(0, 10);

  it('few-20 EER stays well below the reference detector (measured 0.170 vs 0.225)', () => {
    const ours = meanSd(protocolEers(project, data, 'few', { few: 20, subjects })).mean;
    const reference = meanSd(protocolEers(manhattanScaled, data, 'few', { few: 20, subjects })).mean;
    expect(ours).toBeLessThan(0.19);
    expect(ours).toBeLessThan(reference);
  });

  it('km2009 EER stays low (measured 0.046)', () => {
    expect(meanSd(protocolEers(project, data, 'km2009', { subjects })).mean).toBeLessThan(0.06);
  });
});

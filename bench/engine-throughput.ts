// Engine throughput: assessments per second on one core for a realistic account history.
//   npx tsx bench/engine-throughput.ts [seconds=5]
// The account has 50 trusted logins over 5 devices; its typing and pointer profiles are built
// through the real learning functions (learnTypingProfile, learnPointerProfile, via JSON like
// the database stores them). Inputs mix the owner on known devices, the owner on a new device
// abroad, other people typing the password, naive bots and stuffing velocity counts.
import { assess } from '../libs/scoring/src/engine/engine';
import type { ScoringInput } from '../libs/scoring/src/types';
import * as S from '../libs/scoring/src/testing/scenario';

const seconds = Number(process.argv[2] ?? 5);
const NOW = Date.UTC(2026, 5, 1);
const devices = ['dev-1', 'dev-2', 'dev-3', 'dev-4', 'dev-5'];
const owner = S.makePerson(1);
const t0 = performance.now();
const account = JSON.parse(JSON.stringify(S.learnedAccount(owner, 50, devices, NOW - 86_400_000)));
const learnMs = performance.now() - t0;

const inputs: ScoringInput[] = [];
for (let i = 0; i < 400; i++) {
  const kind = i % 10;
  if (kind < 6) {
    const d = devices[i % 5];
    inputs.push(S.scoringInput({ account, bundle: S.humanBundle(owner, d, 10_000 + i), device: S.knownDevice(d) }));
  } else if (kind === 6) {
    inputs.push(
      S.scoringInput({
        account,
        bundle: S.humanBundle(owner, 'new', 10_000 + i),
        device: S.newDevice('new'),
        network: { ...S.TOKYO, country: 'US', lat: 40.7, lon: -74, asn: 16509, asnOrg: 'AMAZON-02' },
      }),
    );
  } else if (kind < 9) {
    inputs.push(
      S.scoringInput({
        account,
        bundle: S.humanBundle(S.makePerson(100 + i), 'x', 10_000 + i),
        device: S.newDevice('x'),
      }),
    );
  } else {
    inputs.push(
      S.scoringInput({
        account,
        bundle: S.botBundle(),
        device: S.newDevice('bot'),
        velocity: { ...S.QUIET, ipAccounts: 40, ipFailures: 35, ipLogins: 40 },
      }),
    );
  }
}
// the engine reads stored profiles as JSON each time, as the worker hands them over
const decisions: Record<string, number> = {};
for (const x of inputs.slice(0, 400)) {
  const d = assess(x).decision;
  decisions[d] = (decisions[d] ?? 0) + 1;
}
let n = 0;
const cpu0 = process.cpuUsage();
const start = performance.now();
const until = start + seconds * 1000;
while (performance.now() < until) {
  for (let i = 0; i < 100; i++) assess(inputs[(n + i) % inputs.length]);
  n += 100;
}
const ms = performance.now() - start;
// CPU time of this process: on a shared, loaded machine wall time also counts waiting for a core
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(`engine throughput (one core, node ${process.version})`);
console.log(`  account: 50 trusted logins, 5 devices (profiles learned in ${learnMs.toFixed(0)} ms)`);
console.log(`  input mix decisions: ${JSON.stringify(decisions)}`);
console.log(
  `  ${n} assessments in ${(ms / 1000).toFixed(2)} s: ${Math.round((n * 1000) / ms)} assessments/s, ` +
    `${((1000 * ms) / n).toFixed(1)} µs each (${((1000 * cpuMs) / n).toFixed(1)} µs CPU each)`,
);

// Detection proven in a real browser: people and attacks, scenario by scenario (docs/detection-report.md).
//   npx tsx bench/detection.ts [--scale tiny|small|attacks|full] [--only owner,takeover,...] [--parallel] [--no-write]
//   npx tsx bench/detection.ts --rewrite-from /tmp/kizuki-detection-small.json  (re-render the report only)
// Needs PostgreSQL and Redis (as the tests do), /usr/bin/chromium, and the CMU keystroke data at
// ../shared/data/keystroke/DSL-StrongPasswordData.csv (or KIZUKI_CMU_CSV); without the data it
// says so and exits 0.
import { resolve } from 'node:path';
import { registerSwc } from './lib/detection/swc-register';

// Nest needs decorator metadata, which tsx does not emit: compile the rest with swc (see the file).
registerSwc(resolve(__dirname, '..'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { main } = require('./lib/detection/main') as typeof import('./lib/detection/main');

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);

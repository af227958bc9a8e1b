// The typing benches' shared start: their `--name value` arguments, and the CMU keystroke data read in
// place (research data, never copied into the repo); without it a bench says so and measures nothing.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CMU_CSV } from '../../fixtures/human-input';

/** The value after `--name` on the command line. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The CMU file (`--csv FILE`, else KIZUKI_CMU_CSV or the shared default); exits 0 when it is absent. */
export function cmuCsvOrExit(bench: string): string {
  const csv = resolve(arg('csv') ?? CMU_CSV);
  if (!existsSync(csv)) {
    console.log(`${bench}: keystroke data not found at ${csv}; nothing to measure (pass --csv FILE).`);
    process.exit(0);
  }
  return csv;
}

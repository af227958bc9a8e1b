// The size budget: the IIFE bundle, dependencies included, must stay at or under 24 KB gzip.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 24 * 1024;
const root = resolve(__dirname, '../../..');

describe('bundle size', () => {
  it('builds dist/sdk/kizuki.js within the gzip budget, with no eval', () => {
    execFileSync(process.execPath, [resolve(root, 'libs/sdk/build.mjs')], { cwd: root, stdio: 'pipe' });
    const iife = readFileSync(resolve(root, 'dist/sdk/kizuki.js'));
    const gz = gzipSync(iife, { level: 9 }).length;
    console.log(`kizuki.js: ${iife.length} bytes, ${gz} bytes gzip (budget ${BUDGET_BYTES})`);
    expect(gz).toBeLessThanOrEqual(BUDGET_BYTES);
    const src = iife.toString('utf8');
    // strict CSP (script-src 'self'): no eval, no new Function
    expect(/\beval\(|new Function\(|\bFunction\(["'`]/.test(src)).toBe(false);
    expect(/^(\/\*[^]*?\*\/\s*)?("use strict";)?var Kizuki\s*=/.test(src.slice(0, 300))).toBe(true);
    expect(/export\s*\{[^}]*\bload\b/.test(readFileSync(resolve(root, 'dist/sdk/kizuki.esm.js'), 'utf8'))).toBe(true);
  }, 60_000);
});

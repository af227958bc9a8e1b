// Build the browser SDK: dist/sdk/kizuki.js (IIFE, global `Kizuki`, minified) and
// dist/sdk/kizuki.esm.js (ESM). `node libs/sdk/build.mjs` (npm run build:sdk).
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outdir = resolve(root, 'dist/sdk');
const common = {
  entryPoints: [resolve(root, 'libs/sdk/src/index.ts')],
  bundle: true,
  minify: true,
  target: ['es2020', 'chrome87', 'firefox90', 'safari15', 'edge88'],
  platform: 'browser',
  legalComments: 'none',
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: { js: '/*! Kizuki SDK | Apache-2.0 | includes FingerprintJS (MIT, FingerprintJS Inc.) */' },
};

export async function buildSdk() {
  await Promise.all([
    build({ ...common, format: 'iife', globalName: 'Kizuki', outfile: resolve(outdir, 'kizuki.js') }),
    build({ ...common, format: 'esm', outfile: resolve(outdir, 'kizuki.esm.js') }),
  ]);
  const size = (f) => gzipSync(readFileSync(resolve(outdir, f)), { level: 9 }).length;
  return { iifeGzip: size('kizuki.js'), esmGzip: size('kizuki.esm.js') };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildSdk().then(
    (s) =>
      console.log(
        `dist/sdk/kizuki.js ${(s.iifeGzip / 1024).toFixed(1)} KiB gzip, ` +
          `kizuki.esm.js ${(s.esmGzip / 1024).toFixed(1)} KiB gzip`,
      ),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}

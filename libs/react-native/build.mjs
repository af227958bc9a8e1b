// Build @kizuki/react-native: dist/index.js (CommonJS) and dist/index.mjs (ESM), react, react-native
// and the optional peers left to the app's bundler; type declarations under dist/types.
// `node libs/react-native/build.mjs` (npm run build:react-native).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const outdir = resolve(here, 'dist');
const common = {
  entryPoints: [resolve(here, 'src/index.ts')],
  bundle: true,
  minify: true,
  target: ['es2020'],
  platform: 'neutral',
  jsx: 'automatic',
  external: ['react', 'react/jsx-runtime', 'react-native', 'react-native-device-info'],
  tsconfig: resolve(here, 'tsconfig.json'),
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: '/*! @kizuki/react-native | Apache-2.0 */' },
};

export async function buildReactNative() {
  rmSync(outdir, { recursive: true, force: true });
  await Promise.all([
    build({ ...common, format: 'cjs', outfile: resolve(outdir, 'index.js') }),
    build({ ...common, format: 'esm', outfile: resolve(outdir, 'index.mjs') }),
  ]);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc', { paths: [root] });
  execFileSync(process.execPath, [tsc, '-p', resolve(here, 'tsconfig.json')], { stdio: 'inherit' });
  // the declarations import the contract by its alias: point them at the copy emitted beside them
  const types = resolve(outdir, 'types');
  for (const f of readdirSync(types, { recursive: true })) {
    if (!String(f).endsWith('.d.ts')) continue;
    const file = resolve(types, String(f));
    const to = relative(dirname(file), resolve(types, 'contract/src')).replace(/\\/g, '/');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replaceAll("'@kizuki/contract'", `'${to.startsWith('.') ? to : './' + to}'`),
    );
  }
  const bytes = readFileSync(resolve(outdir, 'index.js'));
  return { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildReactNative().then(
    (s) => console.log(`libs/react-native/dist/index.js ${s.bytes} bytes, ${(s.gzip / 1024).toFixed(1)} KiB gzip`),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}

// Nest's dependency injection needs TypeScript's decorator metadata (emitDecoratorMetadata), which
// tsx (esbuild) does not emit. The harness runs the api and worker in-process from source, so it
// compiles .ts files with @swc/core and the repo's .swcrc instead — the same transform jest uses.
// tsx stays in charge of module resolution (tsconfig paths such as @kizuki/scoring).
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { resolve } from 'node:path';

export function registerSwc(root: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const swc = require('@swc/core') as typeof import('@swc/core');
  const options = JSON.parse(readFileSync(resolve(root, '.swcrc'), 'utf8'));
  delete options.$schema;
  const exts = (Module as unknown as { _extensions: Record<string, (m: any, filename: string) => void> })._extensions;
  exts['.ts'] = (m: any, filename: string) => {
    const source = readFileSync(filename, 'utf8');
    const { code } = swc.transformSync(source, { ...options, filename, sourceMaps: 'inline', swcrc: false });
    m._compile(code, filename);
  };
}

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The repo's dist/ folder, which holds the built SDK (dist/sdk) and console (dist/console):
 * KIZUKI_STATIC_DIR, or found upwards from this file (dist/apps/api/main.js in a build,
 * apps/api/src/common in tests).
 */
export function staticDir(configured: string): string {
  if (configured) return resolve(configured);
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist');
    dir = resolve(dir, '..');
  }
  return resolve('dist');
}

// Kizuki browser SDK. `<script src="/sdk/kizuki.js">` exposes the global `Kizuki`; the ESM build
// exports the same names. Nothing runs at import time: sources start on load().
import { Kizuki, TOKEN_FIELD, type LoadOptions } from './client';
import { SDK_VERSION } from './version';

const instances: Record<string, Kizuki> = {};

/** The client for this publishable key, created and started on the first call (idempotent). */
export function load(options: LoadOptions): Kizuki {
  if (!options || typeof options.publishableKey !== 'string' || !options.publishableKey) {
    throw new TypeError('Kizuki.load: publishableKey is required');
  }
  const key = options.publishableKey;
  return (instances[key] = instances[key] || new Kizuki(options)).start();
}

export const version = SDK_VERSION;
export { TOKEN_FIELD };
export type { Kizuki, LoadOptions };
export type { SignalBundle } from '@kizuki/contract';

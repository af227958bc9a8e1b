// Device traits: FingerprintJS (open source, MIT) visitor id and its components flattened to short
// values, plus a first-party random id kept in localStorage (a cleared storage with the same
// fingerprint is told apart from a new device).
import { load as loadFingerprint, murmurX64Hash128 } from '@fingerprintjs/fingerprintjs';
import type { DeviceSignals } from '@kizuki/contract';
import { LIMITS } from './util';

type Flat = string | number | boolean | null;

/** Longer strings are replaced by their 128-bit MurmurHash3 (32 hex chars). */
const SHORT = 64;
/** Objects with at most this many keys are flattened one level (canvas.text, webGlBasics.renderer…). */
const SPREAD_KEYS = 6;
export const STORAGE_KEY = 'kizuki_sid';

function short(s: string): string {
  return s.length > SHORT ? murmurX64Hash128(s) : s;
}

export function flatValue(v: unknown): Flat {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') return short(v);
  let json: string | undefined;
  try {
    json = JSON.stringify(v);
  } catch {
    /* cyclic */
  }
  return json === undefined ? null : short(json);
}

/** Components `{name: {value} | {error}}` → at most SIGNAL_LIMITS.deviceComponents short values. */
export function flattenComponents(
  components: Record<string, { value?: unknown; error?: unknown }>,
): Record<string, Flat> {
  const out: Record<string, Flat> = {};
  let n = 0;
  const put = (k: string, v: Flat) => {
    if (n < LIMITS.deviceComponents) {
      out[k.slice(0, 64)] = typeof v === 'string' ? v.slice(0, LIMITS.componentValueLength) : v;
      n++;
    }
  };
  for (const name in components) {
    const c = components[name];
    const v = c && 'value' in c ? c.value : undefined;
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length <= SPREAD_KEYS) {
      for (const k in v as Record<string, unknown>) put(name + '.' + k, flatValue((v as Record<string, unknown>)[k]));
    } else {
      put(name, flatValue(v));
    }
  }
  return out;
}

function randomId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  let s = '';
  b.forEach((x) => (s += (x + 256).toString(16).slice(1)));
  return s;
}

/** The first-party id in localStorage, created on first use; null when storage is unavailable. */
export function storageId(storage: () => Storage | null = () => window.localStorage): string | null {
  try {
    const st = storage();
    if (!st) return null;
    let id = st.getItem(STORAGE_KEY);
    if (!id || !/^[0-9a-f]{32}$/.test(id)) {
      id = randomId();
      st.setItem(STORAGE_KEY, id);
    }
    return id;
  } catch {
    return null; // blocked storage (privacy settings, sandboxed iframe)
  }
}

export async function collectDevice(): Promise<DeviceSignals> {
  const sid = storageId();
  try {
    // monitoring: false — no request to FingerprintJS's servers
    const agent = await loadFingerprint({ monitoring: false });
    const r = await agent.get();
    return {
      visitorId: r.visitorId,
      storageId: sid,
      components: flattenComponents(r.components as Record<string, { value?: unknown; error?: unknown }>),
      confidence: r.confidence.score,
    };
  } catch {
    return emptyDevice(sid);
  }
}

export function emptyDevice(sid: string | null): DeviceSignals {
  return { visitorId: '', storageId: sid, components: {}, confidence: 0 };
}

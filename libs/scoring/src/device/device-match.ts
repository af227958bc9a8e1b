// Fuzzy device matching (pure): a browser update changes a few fingerprint components (and so
// the visitor id); the rest of the device stays. The worker loads candidates (the account's
// devices) and this decides whether one of them is the same device.
import type { DeviceStatus } from '@kizuki/contract';

export type Components = Record<string, unknown>;

/** Components a browser update or a driver update is expected to change: they weigh less. */
const VOLATILE =
  /^(canvas|webgl|webglbasics|webglextensions|audio|audiobaseLatency|fonts|fontpreferences|plugins|useragent|ua|version|browserversion|math|domblockers|applepay|pdfviewerenabled|reducedtransparency)$/i;
/** Components bound to the machine and the person's settings: they weigh more. */
const STABLE =
  /^(platform|hardwareconcurrency|devicememory|timezone|screen|screenresolution|colordepth|touchsupport|languages|vendor|architecture|cpuclass|osCpu)$/i;

/**
 * Components of the machine itself (hardware, OS, display): a browser or driver update never
 * changes them. A fuzzy match to a different fingerprint must agree on every one of them that both
 * sides report, and both sides must report at least MIN_MACHINE_TRAITS of them. Time zone and
 * languages are stable too but follow the person (travel, settings), so they weigh without vetoing.
 */
const MACHINE =
  /^(platform|hardwareconcurrency|devicememory|screen|screenresolution|colordepth|touchsupport|architecture|oscpu|cpuclass)$/i;
const MIN_MACHINE_TRAITS = 2;

/** FingerprintJS objects are flattened to `name.key` (canvas.text, touchSupport.maxTouchPoints): the name decides. */
function baseOf(key: string): string {
  const dot = key.indexOf('.');
  return dot > 0 ? key.slice(0, dot) : key;
}

function weightOf(key: string): number {
  const base = baseOf(key);
  if (VOLATILE.test(base)) return 0.5;
  if (STABLE.test(base)) return 2;
  return 1;
}

/**
 * Whether the machine-bound components allow `a` and `b` to be one machine: every one both report
 * is equal, and at least MIN_MACHINE_TRAITS are reported by both.
 */
export function sameMachine(a: Components, b: Components): boolean {
  let common = 0;
  for (const k of Object.keys(a)) {
    if (!MACHINE.test(baseOf(k)) || !(k in b)) continue;
    if (!same(a[k], b[k])) return false;
    common++;
  }
  return common >= MIN_MACHINE_TRAITS;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return (
    typeof a === 'object' &&
    a !== null &&
    typeof b === 'object' &&
    b !== null &&
    JSON.stringify(a) === JSON.stringify(b)
  );
}

/**
 * Weighted share of components that agree (0..1), over the components either side has; a
 * component only one side has counts as half a disagreement. null when fewer than 4 components
 * can be compared (too little to tell devices apart).
 */
export function deviceSimilarity(a: Components | null | undefined, b: Components | null | undefined): number | null {
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return null;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  let agree = 0;
  let total = 0;
  let both = 0;
  for (const k of keys) {
    const w = weightOf(k);
    const inA = k in a;
    const inB = k in b;
    if (inA && inB) {
      both++;
      total += w;
      if (same(a[k], b[k])) agree += w;
    } else {
      total += w / 2;
    }
  }
  if (both < 4 || total === 0) return null;
  return Math.round((1000 * agree) / total) / 1000;
}

export interface DeviceCandidate {
  id: string;
  components: Components;
  /** this candidate's status for the account */
  status: DeviceStatus;
}

/**
 * The candidate most similar to the components, if its similarity reaches `threshold`, its machine
 * components all agree (`sameMachine`: a browser update changes canvas, fonts, WebGL, audio, the
 * version, never the screen, CPU cores, memory or platform) and no other candidate is as close
 * (an ambiguous match is no match). Fraud devices never match (a fraudster's device must not
 * inherit trust). A fuzzy match makes a different fingerprint inherit the old device's status, so
 * it needs the strong evidence: volatile components alike (same fonts, canvas, GPU) are common to
 * every machine of a model and an OS image, and prove nothing on their own.
 */
export function matchDevice(
  components: Components,
  candidates: readonly DeviceCandidate[],
  threshold: number,
): { id: string; similarity: number; status: DeviceStatus } | null {
  // An app's device is its vendor / install id: an app has no fingerprint drift to bridge, and two
  // phones of one model, OS and locale report the same traits (a thief's phone would inherit trust).
  if (isAppDevice(components)) return null;
  let best: { id: string; similarity: number; status: DeviceStatus } | null = null;
  let tie = false;
  for (const c of candidates) {
    if (c.status === 'fraud' || !c.components || typeof c.components !== 'object') continue;
    if (isAppDevice(c.components)) continue;
    if (!sameMachine(components, c.components)) continue;
    const s = deviceSimilarity(components, c.components);
    if (s === null || s < threshold) continue;
    if (!best || s > best.similarity) {
      best = { id: c.id, similarity: s, status: c.status };
      tie = false;
    } else if (s === best.similarity) tie = true;
  }
  return best && !tie ? best : null;
}

/** Components sent by the React Native SDK (libs/react-native device.ts) carry kind: 'app'. */
export function isAppDevice(components: Components | null | undefined): boolean {
  return !!components && components.kind === 'app';
}

/**
 * O-MOTION-like device status for the account: fraud (reported), shared (used by many accounts),
 * trusted (a trusted outcome happened on it), pending (seen, outcome unknown), new (first time).
 */
export function deviceStatusOf(
  link: DeviceStatus | null | undefined,
  deviceFraud: boolean,
  accountsSeen: number,
  sharedAccounts: number,
): DeviceStatus {
  if (deviceFraud || link === 'fraud') return 'fraud';
  if (accountsSeen >= sharedAccounts) return 'shared';
  return link ?? 'new';
}

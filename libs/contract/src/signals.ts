// The signal bundle the browser SDK sends to POST /v1/collect: the SDK builds it, the api's
// class-validator DTO implements it, the engine reads it.
// Never any key value, field content or clipboard data: only timings, classes and traits.
import type { RiskEvent } from './risk';

export const SIGNAL_BUNDLE_VERSION = 1;

/** Caps shared by the SDK (what it sends) and the api (what it accepts). */
export const SIGNAL_LIMITS = {
  bodyBytes: 64 * 1024,
  fields: 8,
  keysPerField: 256,
  /** pointer.moves is a flat array of quantised [dx, dy, dt] triples */
  pointerMoveValues: 2000 * 3,
  clicks: 64,
  deviceComponents: 64,
  componentValueLength: 256,
  automationSignals: 32,
  pageEvents: 64,
  stringLength: 512,
  /** touch.force: one quantised force per kept trajectory point */
  touchForceValues: 2000,
  /** app.id: a bundle id / package name */
  appIdLength: 155,
} as const;

/** A key's class: the only thing said about which key it was. */
export const KEY_CLASSES = ['char', 'backspace', 'enter', 'modifier', 'other'] as const;
export type KeyClass = (typeof KEY_CLASSES)[number];

/** One key press: d = key-down, u = key-up, ms since the field's first key-down (performance.now based). */
export interface KeyEvent {
  d: number;
  u: number;
  c: KeyClass;
}

export const FIELD_ROLES = ['username', 'password', 'other'] as const;
export type FieldRole = (typeof FIELD_ROLES)[number];

export const POINTER_TYPES = ['mouse', 'touch', 'pen'] as const;
export type PointerType = (typeof POINTER_TYPES)[number];

export interface FieldTyping {
  role: FieldRole;
  keys: KeyEvent[];
  /** Text was pasted into the field (never the text itself). */
  pasted: boolean;
  /** A password manager or the browser filled the field without key events. */
  autofilled: boolean;
  /** keydown reported keyCode 229 / "Unidentified" (IME, Android): timings came from beforeinput/input. */
  imeFallback: boolean;
  /** input events seen on the field (with keys.length it tells typing from filling). */
  inputEvents: number;
  /** ms from page load to the field's first key event, -1 if none */
  startMs: number;
}

export interface PointerClick {
  /** ms since page load */
  t: number;
  /** position relative to the target's box, 0..1 */
  rx: number;
  ry: number;
  /** what was clicked, as a role: 'submit' | 'username' | 'password' | 'other' */
  target: string;
  pointerType: PointerType;
  isTrusted: boolean;
}

export interface PointerSignals {
  /** Dominant pointer type, or 'none' if nothing moved. */
  type: PointerType | 'none';
  /** Absolute start point (CSS px) and ms since page load of the first sample. */
  start: { x: number; y: number; t: number } | null;
  /** Flat quantised deltas [dx, dy, dt, dx, dy, dt, ...] (px, px, ms), sampled. */
  moves: number[];
  /** Total pointer events observed (before sampling). */
  eventCount: number;
  clicks: PointerClick[];
  /** Number of touchstart/pointerdown with pointerType touch. */
  touches: number;
  viewport: { w: number; h: number };
}

export interface DeviceSignals {
  /** Stable device identifier (fingerprint hash of the components). */
  visitorId: string;
  /** First-party random id kept in storage; survives fingerprint drift, lost on cleared storage. */
  storageId: string | null;
  /** Fingerprint components, each flattened to a short string, number, boolean or null. */
  components: Record<string, string | number | boolean | null>;
  /** How confident the fingerprint library is (0..1). */
  confidence: number;
}

export interface AutomationSignals {
  webdriver: boolean;
  /** Bot-detection verdict: true if an automation framework or headless browser was found. */
  bot: boolean;
  /** Names of what was detected, e.g. 'headless_chrome', 'playwright', 'cdp'. */
  signals: string[];
  /** Input events with isTrusted === false. */
  untrustedEvents: number;
  /**
   * What the browser claims against what it is (names, e.g. 'patched_webdriver', 'notification_state',
   * 'chrome_object', 'ua_platform'); absent from SDKs before 2026-12.
   */
  stealth?: string[];
}

export interface PageSignals {
  /** ms from page load (navigation start) to collect() */
  loadToSubmitMs: number;
  focusChanges: number;
  blurCount: number;
  visibilityChanges: number;
  /** path of the page (no query string, no fragment) */
  path: string;
  /**
   * The event the page said this form is for (LoadOptions.event, watch(form, { event }) or the
   * form's data-kizuki-event); absent when it said none. A risk call for another event does not
   * use this bundle (TOKEN_INVALID): a token from a login form cannot vouch for a sign-up.
   */
  event?: RiskEvent;
}

/** Input modalities of typing: each has its own profile in the engine (docs/scoring.md). */
export const TYPING_MODALITIES = ['physical_keyboard', 'touch_keyboard'] as const;
export type TypingModality = (typeof TYPING_MODALITIES)[number];

export const APP_PLATFORMS = ['ios', 'android'] as const;
/** A bundle id / package name: reverse-DNS letters, digits, '_' and '-' (what the app stores accept). */
export const APP_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$/;
export type AppPlatform = (typeof APP_PLATFORMS)[number];

/**
 * Sent by the React Native SDK (libs/react-native) only: the app the bundle comes from. Apps send no
 * Origin; the api checks the X-Kizuki-App header (which must equal `id`) against the tenant's app ids.
 */
export interface AppSignals {
  /** bundle id (iOS) / package name (Android), e.g. 'jp.example.shop' */
  id: string;
  platform: AppPlatform;
  /** the app's version ('2.4.1 (318)'), null when no device-info library gave it */
  version: string | null;
  /** operating system version ('17.5', '14') */
  osVersion: string;
  /** running on a simulator / emulator, null when unknown (no device-info library) */
  emulator: boolean | null;
  /** rooted (Android) / jailbroken (iOS), null when unknown (no integrity library given) */
  rooted: boolean | null;
}

/**
 * React Native SDK only: contact force of the kept touch-trajectory points (the same sampling as
 * pointer.moves: index i is the force at point i), quantised to 0..1000; empty where the platform
 * reports none. RN core exposes no contact size, so none is sent.
 */
export interface TouchForceSignals {
  force: number[];
}

export interface SignalBundle {
  v: number;
  sdk: { version: string };
  device: DeviceSignals;
  automation: AutomationSignals;
  typing: { fields: FieldTyping[] };
  pointer: PointerSignals;
  page: PageSignals;
  /** present when the bundle comes from the React Native SDK */
  app?: AppSignals;
  /** present when the bundle comes from the React Native SDK */
  touch?: TouchForceSignals;
}

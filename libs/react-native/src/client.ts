// Kizuki.load(): one client per app; a LoginSession per login screen records its fields, touches
// and taps and turns them into a request token with collect(). Plain TypeScript (no React): the
// provider and hook in react.tsx only route a screen's events here.
import { SIGNAL_BUNDLE_VERSION, SIGNAL_LIMITS, type FieldRole, type SignalBundle } from '@kizuki/contract';
import { postBundle } from '../../sdk/src/transport';
import { systemClock, type Clock } from './clock';
import {
  randomId,
  readDevice,
  type DeviceInfoLike,
  type DeviceSnapshot,
  type IntegrityLike,
  type PlatformLike,
  type ScreenLike,
  type StorageAdapter,
} from './device';
import { TouchRecorder } from './touch';
import { AUTOFILL_PAIR_MS, FieldRecorder } from './typing';
import { RN_SDK_VERSION } from './version';

export interface KizukiOptions {
  /** pk_live_… (a publishable key: it may ship inside the app) */
  publishableKey: string;
  /** https://kizuki.example.com */
  endpoint: string;
  /** the bundle id (iOS) / package name (Android) registered for the tenant */
  appId: string;
  /** where the install id is kept: AsyncStorage as it is, or any { getItem, setItem } */
  storage?: StorageAdapter;
  /** react-native-device-info's default export (optional peer): model, vendor id, emulator, version */
  deviceInfo?: DeviceInfoLike | null;
  /** a root / jailbreak check such as jail-monkey (optional) */
  integrity?: IntegrityLike | null;
  /** per attempt; collect() answers null after about twice this when Kizuki cannot be reached */
  timeoutMs?: number;
  retries?: number;
  /** for tests: fetch, the clock, and react-native's Platform / window dimensions */
  fetch?: typeof fetch;
  clock?: Clock;
  platform?: PlatformLike;
  screen?: () => ScreenLike;
}

const DEFAULT_TIMEOUT_MS = 2500;
/** collect() waits at most this for the device read started at load (storage may be slow) */
const DEVICE_WAIT_MS = 500;

export class KizukiClient {
  readonly clock: Clock;
  private device: Promise<DeviceSnapshot>;
  private readonly sessionId = randomId();

  constructor(
    readonly options: KizukiOptions,
    private readonly platform: PlatformLike,
    private readonly screen: () => ScreenLike,
  ) {
    this.clock = options.clock ?? systemClock;
    this.device = readDevice({
      appId: options.appId,
      storage: options.storage,
      deviceInfo: options.deviceInfo,
      integrity: options.integrity,
      platform,
      screen: screen(),
      sessionId: this.sessionId,
    });
  }

  /** A login screen's recording; `screen` names it in the bundle (page.path). */
  session(screen = 'login'): LoginSession {
    return new LoginSession(this, screen);
  }

  /** The device part of the bundle; a fallback without storage if the read takes too long. */
  async deviceSnapshot(): Promise<DeviceSnapshot> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fallback = new Promise<DeviceSnapshot>((resolve) => {
      timer = setTimeout(() => {
        const { appId } = this.options;
        resolve(readDevice({ appId, platform: this.platform, screen: this.screen(), sessionId: this.sessionId }));
      }, DEVICE_WAIT_MS);
    });
    try {
      return await Promise.race([this.device, fallback]);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  viewport(): { w: number; h: number } {
    const s = this.screen();
    return { w: s.width, h: s.height };
  }

  /** POST the bundle; the request token, or null when Kizuki is unreachable, down or refused it. */
  async post(bundle: SignalBundle): Promise<string | null> {
    try {
      let body = JSON.stringify(bundle);
      if (body.length > SIGNAL_LIMITS.bodyBytes) {
        // far past any real login screen: the trajectory is what grows, so it goes
        bundle.pointer.moves = [];
        bundle.touch = { force: [] };
        body = JSON.stringify(bundle);
      }
      const answer = await postBundle(this.options.endpoint, this.options.publishableKey, body, {
        timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        retries: this.options.retries ?? 1,
        fetch: this.options.fetch,
        headers: { 'X-Kizuki-App': this.options.appId },
      });
      return answer ? answer.requestToken : null;
    } catch {
      return null;
    }
  }
}

export class LoginSession {
  readonly touch = new TouchRecorder();
  private readonly fields = new Map<string, FieldRecorder>();
  private origin: number;
  private focusChanges = 0;
  private blurCount = 0;
  private visibilityChanges = 0;
  private readonly sizes = new Map<string, { width: number; height: number }>();

  constructor(
    private readonly client: KizukiClient,
    private readonly screen: string,
  ) {
    this.origin = client.clock();
  }

  now(): number {
    return this.client.clock();
  }

  /** The recorder of a field, by a name the app chooses (one per TextInput) and its role. */
  field(name: string, role: FieldRole): FieldRecorder {
    let f = this.fields.get(name);
    if (!f && this.fields.size < SIGNAL_LIMITS.fields) {
      f = new FieldRecorder(role, (filled, t) => this.bulk(filled, t));
      this.fields.set(name, f);
    }
    // past the cap a throwaway recorder keeps the handlers working without growing the bundle
    return f ?? new FieldRecorder(role, () => false);
  }

  focused(): void {
    this.focusChanges++;
  }

  blurred(): void {
    this.blurCount++;
  }

  /** AppState went to background or came back while the screen was shown. */
  appStateChanged(): void {
    this.visibilityChanges++;
  }

  layout(name: string, size: { width: number; height: number }): void {
    this.sizes.set(name, size);
  }

  size(name: string): { width: number; height: number } | null {
    return this.sizes.get(name) ?? null;
  }

  private bulk(filled: FieldRecorder, t: number): boolean {
    let together = false;
    for (const f of this.fields.values()) {
      if (f !== filled && f.bulkAt >= 0 && t - f.bulkAt <= AUTOFILL_PAIR_MS) {
        f.markAutofilled();
        together = true;
      }
    }
    return together;
  }

  /** The bundle as it would be sent now. */
  async bundle(): Promise<SignalBundle> {
    const at = this.client.clock();
    const { device, app } = await this.client.deviceSnapshot();
    const { pointer, touch } = this.touch.snapshot(this.client.viewport(), this.origin);
    return {
      v: SIGNAL_BUNDLE_VERSION,
      sdk: { version: RN_SDK_VERSION },
      device,
      // an emulator is reported in app.emulator, not as automation: developers and testers use them
      automation: { webdriver: false, bot: false, signals: [], untrustedEvents: 0 },
      typing: { fields: [...this.fields.values()].map((f) => f.snapshot(this.origin)) },
      pointer,
      page: {
        loadToSubmitMs: Math.max(0, Math.round(at - this.origin)),
        focusChanges: this.focusChanges,
        blurCount: this.blurCount,
        visibilityChanges: this.visibilityChanges,
        path: this.screen.slice(0, SIGNAL_LIMITS.stringLength),
      },
      app,
      touch,
    };
  }

  /**
   * Send what was recorded for this attempt and get the request token for the backend's risk call;
   * null when Kizuki cannot be reached (the login goes on: the risk call reports TOKEN_MISSING).
   * Never throws. The next attempt records afresh.
   */
  async collect(): Promise<string | null> {
    try {
      const bundle = await this.bundle();
      this.reset();
      return await this.client.post(bundle);
    } catch {
      return null;
    }
  }

  private reset(): void {
    for (const f of this.fields.values()) f.reset();
    this.touch.reset();
    this.origin = this.client.clock();
    this.focusChanges = this.blurCount = this.visibilityChanges = 0;
  }
}

import { createHash, createHmac } from 'node:crypto';
import type { Assessment, Decision, FeedbackAnswer, FeedbackLabel, RiskAnswer, RiskRequest, UserDevice } from './types';
import { KizukiError } from '../../contract/src/errors';

export { KizukiError };

export interface KizukiClientOptions {
  /** Base URL of your Kizuki, e.g. https://kizuki.example.com */
  endpoint: string;
  /** Secret key sk_live_… (server side only). */
  secretKey: string;
  /** Per-request timeout in ms (default 1500: above Kizuki's own RISK_TIMEOUT_MS of 800). */
  timeoutMs?: number;
  /** Decision when Kizuki cannot answer (default 'challenge'; never silently 'allow' unless you choose it). */
  fallbackDecision?: Decision;
  /** Custom fetch (tests, proxies). */
  fetch?: typeof fetch;
  /**
   * The tenant's document key (GET /v1/identity/document-key, base64url) for documentHash(); fetched
   * once with the secret key when not given.
   */
  documentKey?: string;
}

/** What isBreached() found: whether the password is in the corpus, and how often it appears. */
export interface BreachCheck {
  breached: boolean;
  count: number;
}

/** A document number as printed or typed: NFKC (full-width digits), upper case, no spaces or hyphens. */
export function normaliseDocumentNumber(number: string): string {
  return number
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐‑‒–—―ー]/g, '');
}

/**
 * The Kizuki API for Node backends. risk() never throws on a Kizuki outage: it answers the
 * fallback decision marked degraded. The other calls throw KizukiError.
 */
export class KizukiClient {
  private readonly endpoint: string;
  private readonly timeoutMs: number;
  private readonly fallback: Decision;
  private readonly fetchImpl: typeof fetch;
  private documentKey?: Promise<Buffer>;

  constructor(private readonly options: KizukiClientOptions) {
    if (!options.endpoint) throw new Error('KizukiClient: endpoint is required');
    if (!options.secretKey) throw new Error('KizukiClient: secretKey is required');
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 1500;
    this.fallback = options.fallbackDecision ?? 'challenge';
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Asks for a decision during a login. Never throws for outages, timeouts or 5xx: falls back, degraded. */
  async risk(req: RiskRequest, opts: { idempotencyKey?: string } = {}): Promise<RiskAnswer> {
    const { email, ...user } = req.user;
    const domain = email?.includes('@')
      ? email
          .slice(email.lastIndexOf('@') + 1)
          .trim()
          .toLowerCase()
      : '';
    const body = {
      event: 'login' as const,
      ...req,
      // the address never leaves this process: only its domain, for DISPOSABLE_EMAIL
      user: domain && !user.emailDomain ? { ...user, emailDomain: domain } : user,
      requestToken: req.requestToken || undefined,
    };
    try {
      return await this.call<RiskAnswer>(
        'POST',
        '/v1/risk',
        body,
        opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {},
      );
    } catch (e) {
      // A 4xx is a bug in the caller (bad key, bad body): still answer, but say why.
      return {
        id: '',
        decision: this.fallback,
        score: null,
        scores: { takeover: null, bot: null, typing: null, pointer: null },
        reasons: [],
        device: null,
        degraded: true,
        createdAt: new Date().toISOString(),
        error: e instanceof KizukiError ? `${e.status} ${e.code}: ${e.message}` : String((e as Error)?.message ?? e),
      };
    }
  }

  /**
   * Whether a password is in the breached-password corpus, by k-anonymity: the SHA-1 is computed
   * here and only its first 5 hex characters are sent; the answer's suffixes are compared here.
   * Send the result as credentials: { breached, breachCount: count } in risk(). Throws KizukiError
   * (e.g. 503 BREACHED_CORPUS_MISSING) when Kizuki cannot answer: decide yourself what that means.
   */
  async isBreached(password: string): Promise<BreachCheck> {
    const sha1 = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
    const body = await this.call<string>('GET', `/v1/breached-passwords/range/${sha1.slice(0, 5)}`, undefined, {
      accept: 'text/plain',
    });
    const suffix = sha1.slice(5);
    for (const line of String(body ?? '').split('\n')) {
      if (line.slice(0, 35).toUpperCase() !== suffix) continue;
      // padding lines have count 0
      const count = parseInt(line.slice(36), 10) || 0;
      return { breached: count > 0, count };
    }
    return { breached: false, count: 0 };
  }

  /**
   * The keyed hash to send as identity.documentHash for an ID document number you verified: HMAC-SHA256
   * with the tenant's document key over the normalised number. The number never leaves your backend.
   */
  async documentHash(number: string): Promise<string> {
    const normalised = normaliseDocumentNumber(number);
    if (!normalised) throw new Error('documentHash: empty document number');
    this.documentKey ??= this.options.documentKey
      ? Promise.resolve(Buffer.from(this.options.documentKey, 'base64url'))
      : this.call<{ key: string }>('GET', '/v1/identity/document-key').then((r) => Buffer.from(r.key, 'base64url'));
    // a failed fetch is not cached: the next call asks again
    const key = await this.documentKey.catch((e) => {
      this.documentKey = undefined;
      throw e;
    });
    return createHmac('sha256', key).update(normalised).digest('hex');
  }

  feedback(assessmentId: string, label: FeedbackLabel): Promise<FeedbackAnswer> {
    return this.call('POST', '/v1/feedback', { assessmentId, label });
  }

  assessment(id: string): Promise<Assessment> {
    return this.call('GET', `/v1/assessments/${encodeURIComponent(id)}`);
  }

  readonly devices = {
    list: async (userId: string): Promise<UserDevice[]> =>
      (await this.call<{ devices: UserDevice[] }>('GET', `/v1/users/${encodeURIComponent(userId)}/devices`)).devices,
    approve: (userId: string, deviceId: string) =>
      this.call<{ id: string; status: 'trusted' }>(
        'POST',
        `/v1/users/${encodeURIComponent(userId)}/devices/${encodeURIComponent(deviceId)}/approve`,
      ),
    report: (userId: string, deviceId: string) =>
      this.call<{ id: string; status: 'fraud' }>(
        'POST',
        `/v1/users/${encodeURIComponent(userId)}/devices/${encodeURIComponent(deviceId)}/report`,
      ),
  };

  /** Everything Kizuki stores about the user (data-subject access request). */
  exportUser(userId: string): Promise<Record<string, unknown>> {
    return this.call('GET', `/v1/users/${encodeURIComponent(userId)}/export`);
  }

  /** Erases the user and everything derived from them. */
  eraseUser(userId: string): Promise<{ erased: Record<string, number> }> {
    return this.call('DELETE', `/v1/users/${encodeURIComponent(userId)}`);
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), this.timeoutMs);
    try {
      const res = await this.fetchImpl(this.endpoint + path, {
        method,
        headers: {
          authorization: `Bearer ${this.options.secretKey}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: ctrl.signal,
      });
      const text = await res.text();
      if (res.ok && headers.accept === 'text/plain') return text as T;
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON */
      }
      if (!res.ok) {
        throw KizukiError.fromAnswer(res.status, json, `HTTP ${res.status}`);
      }
      return json as T;
    } catch (e) {
      if ((e as Error)?.name === 'AbortError')
        throw new KizukiError(0, 'TIMEOUT', `Kizuki did not answer within ${this.timeoutMs} ms`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }
}

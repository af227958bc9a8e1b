// POST the bundle to `${endpoint}/v1/collect`: fetch with keepalive, no cookies, a short timeout
// per attempt and one retry on network errors, timeouts and 5xx.
export interface CollectAnswer {
  requestToken: string;
  expiresAt: string;
}

export interface PostOptions {
  timeoutMs: number;
  retries: number;
  fetch?: typeof fetch;
  /** extra request headers (the React Native SDK's X-Kizuki-App) */
  headers?: Record<string, string>;
}

export function collectUrl(endpoint: string): string {
  return endpoint.replace(/\/+$/, '') + '/v1/collect';
}

async function attempt(
  url: string,
  key: string,
  body: string,
  timeoutMs: number,
  f: typeof fetch,
  extra: Record<string, string> | undefined,
): Promise<CollectAnswer | 'retry' | null> {
  const ctrl = typeof AbortController !== 'undefined' ? new AbortController() : null;
  const timer = setTimeout(() => ctrl && ctrl.abort(), timeoutMs);
  try {
    const res = await f(url, {
      method: 'POST',
      keepalive: true,
      credentials: 'omit',
      mode: 'cors',
      headers: { ...extra, 'Content-Type': 'application/json', 'X-Kizuki-Key': key },
      body,
      signal: ctrl ? ctrl.signal : undefined,
    });
    if (res.status >= 500) return 'retry';
    if (!res.ok) return null; // 4xx: a retry would get the same answer
    // typed here: the DOM lib says `any`, Node's (root tsconfig, React Native) `unknown`
    const json = (await res.json()) as { requestToken?: unknown; expiresAt?: unknown } | null;
    return json && typeof json.requestToken === 'string' && json.requestToken
      ? { requestToken: json.requestToken, expiresAt: String(json.expiresAt || '') }
      : null;
  } catch {
    return 'retry'; // network error, CORS refusal, timeout
  } finally {
    clearTimeout(timer);
  }
}

/** The collect answer, or null when the API could not be reached or refused the bundle. */
export async function postBundle(
  endpoint: string,
  key: string,
  body: string,
  opts: PostOptions,
): Promise<CollectAnswer | null> {
  const f = opts.fetch || (typeof fetch === 'function' ? fetch : null);
  if (!f) return null;
  const url = collectUrl(endpoint);
  for (let i = 0; i <= opts.retries; i++) {
    const r = await attempt(url, key, body, opts.timeoutMs, f, opts.headers);
    if (r !== 'retry') return r;
  }
  return null;
}

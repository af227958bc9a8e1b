import { collectUrl, postBundle } from './transport';

type Call = { url: string; init: RequestInit };

function fakeFetch(answers: Array<(() => Promise<Response>) | { status: number; body?: unknown }>) {
  const calls: Call[] = [];
  const f = jest.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const a = answers[Math.min(calls.length - 1, answers.length - 1)];
    if (typeof a === 'function') return a();
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), { status: a.status });
  });
  return { f: f as unknown as typeof fetch, calls };
}

describe('transport', () => {
  const ok = { status: 202, body: { requestToken: 'rt_1', expiresAt: '2030-01-01T00:00:00Z' } };

  it('builds the collect URL', () => {
    expect(collectUrl('https://risk.example.com/')).toBe('https://risk.example.com/v1/collect');
    expect(collectUrl('')).toBe('/v1/collect');
  });

  it('posts JSON with the key, keepalive, no credentials, and returns the token', async () => {
    const { f, calls } = fakeFetch([ok]);
    const r = await postBundle('https://k.test', 'pk_1', '{"v":1}', { timeoutMs: 1500, retries: 1, fetch: f });
    expect(r).toEqual({ requestToken: 'rt_1', expiresAt: '2030-01-01T00:00:00Z' });
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('https://k.test/v1/collect');
    expect(calls[0].init).toMatchObject({ method: 'POST', keepalive: true, credentials: 'omit', body: '{"v":1}' });
    expect(calls[0].init.headers).toEqual({ 'Content-Type': 'application/json', 'X-Kizuki-Key': 'pk_1' });
  });

  it('retries once on 5xx and network errors, not on 4xx', async () => {
    const a = fakeFetch([{ status: 503 }, ok]);
    expect(await postBundle('', 'pk', '{}', { timeoutMs: 100, retries: 1, fetch: a.f })).toMatchObject({
      requestToken: 'rt_1',
    });
    expect(a.calls).toHaveLength(2);
    const b = fakeFetch([() => Promise.reject(new TypeError('Failed to fetch'))]);
    expect(await postBundle('', 'pk', '{}', { timeoutMs: 100, retries: 1, fetch: b.f })).toBeNull();
    expect(b.calls).toHaveLength(2);
    const c = fakeFetch([{ status: 401, body: { error: { code: 'x' } } }]);
    expect(await postBundle('', 'pk', '{}', { timeoutMs: 100, retries: 1, fetch: c.f })).toBeNull();
    expect(c.calls).toHaveLength(1);
    const d = fakeFetch([{ status: 202, body: { nope: 1 } }]);
    expect(await postBundle('', 'pk', '{}', { timeoutMs: 100, retries: 1, fetch: d.f })).toBeNull();
  });

  it('aborts a hanging request after the timeout, then retries', async () => {
    const hang = (init?: RequestInit) =>
      new Promise<Response>((_, reject) =>
        init!.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      );
    let n = 0;
    const f = jest.fn((_url: string, init: RequestInit) =>
      ++n === 1 ? hang(init) : Promise.resolve(new Response(JSON.stringify(ok.body), { status: 202 })),
    );
    const t0 = Date.now();
    const r = await postBundle('', 'pk', '{}', { timeoutMs: 50, retries: 1, fetch: f as unknown as typeof fetch });
    expect(r).toMatchObject({ requestToken: 'rt_1' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    expect(f).toHaveBeenCalledTimes(2);
  });
});

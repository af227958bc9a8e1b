// The console's only way to the server: same-origin fetch to /admin/api with the session cookie
// (HttpOnly, sent by the browser) and the CSRF token on every mutating call.
import { KizukiError } from '@kizuki/contract';

let csrfToken = '';

export function setCsrf(token: string): void {
  csrfToken = token;
}

/** The console's name for an error answer (status, code, message, details). */
export { KizukiError as ApiError };

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const res = await fetch(`/admin/api${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const error = KizukiError.fromAnswer(res.status, json, res.statusText);
    if (error.status === 401 && error.code === 'UNAUTHENTICATED')
      window.dispatchEvent(new CustomEvent('kizuki:signed-out'));
    throw error;
  }
  return json as T;
}

export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

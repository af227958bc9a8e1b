import type { KizukiClient } from './client';
import type { LoginStatus, RiskAnswer } from './types';

/** The parts of an Express (or Connect) request this middleware reads: no dependency on express. */
export interface LoginRequestLike {
  body?: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  socket?: { remoteAddress?: string };
  kizuki?: RiskAnswer;
}

export interface KizukiMiddlewareOptions {
  /** The user id of the login (default: body.username ?? body.email). */
  userId?: (req: LoginRequestLike) => string | undefined;
  /** Which status to report (default 'attempted': call before checking the password). */
  status?: LoginStatus;
}

const header = (req: LoginRequestLike, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Express middleware: asks Kizuki before your login handler runs and puts the answer on
 * `req.kizuki` (decision, reasons, links). It never blocks on a Kizuki outage (the answer is then
 * the fallback, degraded). Your handler decides: deny → refuse, challenge → second factor.
 * Use `app.set('trust proxy', …)` so `req.ip` is the user's address behind your proxies.
 */
export function kizukiLogin(client: KizukiClient, options: KizukiMiddlewareOptions = {}) {
  return async (req: LoginRequestLike, _res: unknown, next: (err?: unknown) => void): Promise<void> => {
    try {
      const body = req.body ?? {};
      const userId = options.userId ? options.userId(req) : String(body.username ?? body.email ?? '');
      req.kizuki = await client.risk({
        requestToken: typeof body.kizuki_request_token === 'string' ? body.kizuki_request_token : undefined,
        status: options.status ?? 'attempted',
        user: { id: userId || '(unknown)' },
        context: {
          ip: req.ip ?? req.socket?.remoteAddress ?? '0.0.0.0',
          userAgent: header(req, 'user-agent'),
          acceptLanguage: header(req, 'accept-language'),
        },
      });
      next();
    } catch (e) {
      next(e);
    }
  };
}

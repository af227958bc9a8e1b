import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isApiRoute } from './route';

/** API answers are data, never documents: nothing may run, load or frame them. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Security headers on every response (pages that need their own policy — the console, the demo,
 * the API docs — set a Content-Security-Policy themselves and keep it; only frame-ancestors is
 * enforced for them through X-Frame-Options):
 * - X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer, X-Frame-Options: DENY;
 * - Content-Security-Policy `default-src 'none'; frame-ancestors 'none'` on everything else;
 * - Cache-Control: no-store on /v1 and /admin/api answers (risk answers and exports are personal data);
 * - Strict-Transport-Security when the request came over TLS (directly, or through a trusted
 *   proxy that says so with X-Forwarded-Proto).
 */
export function installSecurityHeaders(fastify: FastifyInstance, trustedProxies: string): void {
  const behindProxy = trustedProxies.trim() !== '';
  fastify.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    if (!reply.hasHeader('Referrer-Policy')) reply.header('Referrer-Policy', 'no-referrer');
    if (!reply.hasHeader('X-Frame-Options')) reply.header('X-Frame-Options', 'DENY');
    if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', API_CSP);
    if (isApiRoute(req) && !reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    if (req.protocol === 'https' || (behindProxy && req.headers['x-forwarded-proto'] === 'https')) {
      reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    }
    return payload;
  });
}

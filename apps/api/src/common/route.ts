import type { FastifyRequest } from 'fastify';

/**
 * The URL pattern of the route Fastify resolved for the request (`/v1/collect`,
 * `/admin/api/logins/:id`), or null when no route matched. Every check that depends on the path
 * decides on this, never on `req.url`: the router decodes percent-escapes (`/v1/%63ollect` is
 * `/v1/collect`), so a test on the raw URL is one an encoded path walks past.
 */
export function routeOf(req: Pick<FastifyRequest, 'routeOptions'>): string | null {
  return req.routeOptions?.url ?? null;
}

const API = /^\/(v1|admin\/api)\//;

/** /v1 and /admin/api: JSON bodies only, answers never cached. */
export const isApiRoute = (req: Pick<FastifyRequest, 'routeOptions'>): boolean => API.test(routeOf(req) ?? '');

/** POST /v1/collect, the one route browsers call directly (limited per client IP too). */
export const isCollectRoute = (req: Pick<FastifyRequest, 'routeOptions'>): boolean => routeOf(req) === '/v1/collect';

import type { FastifyInstance } from 'fastify';

export interface ServedRoute {
  method: string;
  url: string;
}

const tables = new WeakMap<object, ServedRoute[]>();

/** Records every route Fastify registers (onRoute hook; install before the app is initialised). */
export function recordRoutes(fastify: FastifyInstance): void {
  const routes: ServedRoute[] = [];
  tables.set(fastify, routes);
  fastify.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method: String(method).toUpperCase(), url: r.url });
  });
}

/** The routes the app serves (for the OpenAPI coverage test and the metrics route labels). */
export function servedRoutes(fastify: FastifyInstance): ServedRoute[] {
  return [...(tables.get(fastify) ?? [])];
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { routeOf } from '../common/route';
import type { MetricsService } from './metrics.service';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify genReqId: the caller's X-Request-Id when it is sane, else a new UUID. */
export function requestId(req: IncomingMessage): string {
  const h = req.headers['x-request-id'];
  const v = Array.isArray(h) ? h[0] : h;
  return v && REQUEST_ID.test(v) ? v : randomUUID();
}

/**
 * Per request: the id echoed in X-Request-Id, a latency observation labelled by route pattern
 * (never the raw URL: ids would explode the label set), and one structured access-log line with
 * the request id (no query string, no bodies, no headers: nothing secret or personal).
 */
export function installHttpObservability(fastify: FastifyInstance, metrics: MetricsService): void {
  const logger = new Logger('Http');
  fastify.addHook('onRequest', async (req, reply) => {
    reply.header('X-Request-Id', req.id);
  });
  fastify.addHook('onResponse', async (req, reply) => {
    const route = routeOf(req) ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, seconds);
    if (route === '/metrics' || route.startsWith('/health')) return;
    logger.log({
      msg: 'request',
      requestId: req.id,
      method: req.method,
      route,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    });
  });
}

import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { KizukiConfig } from '@kizuki/config';
import { OutboxRepository } from '@kizuki/database';
import { Errors } from '../common/api-error';
import { withDeadline } from '../common/deadline';
import { ApiErrors } from '../docs/api-schemas';
import { QueueGauges } from '../queue/queue-gauges';
import { MetricsService } from './metrics.service';

/** GET /metrics: Prometheus text format. With METRICS_TOKEN set, only `Authorization: Bearer <token>` may scrape. */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly gauges: QueueGauges,
    private readonly config: KizukiConfig,
    private readonly outbox: OutboxRepository,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics of this api process',
    description:
      'HTTP latency per route, decisions and reason codes, queue depth (read from Redis at scrape time), ' +
      'process metrics. The worker exposes its own on METRICS_PORT.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus exposition format',
    schema: { type: 'string', example: 'kizuki_decisions_total{decision="allow",degraded="false"} 42' },
  })
  @ApiErrors(401)
  async scrape(
    @Headers('authorization') auth: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const token = this.config.METRICS_TOKEN;
    if (token) {
      const given = Buffer.from(auth?.startsWith('Bearer ') ? auth.slice(7) : '');
      const want = Buffer.from(token);
      if (given.length !== want.length || !timingSafeEqual(given, want)) throw Errors.invalidKey();
    }
    // Both read at scrape time, at once, each bounded: Redis or PostgreSQL down leaves its gauge
    // out of this scrape, the rest is still useful. Reset only once both answered, so a scrape
    // running alongside never exports them half filled.
    const [counts, outbox] = await Promise.allSettled([
      withDeadline(this.gauges.jobCounts(), 1000, 'queue depth'),
      withDeadline(this.outbox.depth(), 1000, 'outbox depth'),
    ]);
    this.metrics.queueDepth.reset();
    if (counts.status === 'fulfilled') {
      for (const [queue, byState] of Object.entries(counts.value)) {
        for (const [state, n] of Object.entries(byState)) this.metrics.queueDepth.set({ queue, state }, n);
      }
    }
    this.metrics.outboxDepth.reset();
    if (outbox.status === 'fulfilled') this.metrics.outboxDepth.set(outbox.value);
    reply.type(this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}

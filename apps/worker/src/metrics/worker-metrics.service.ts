import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { KizukiConfig } from '@kizuki/config';

/**
 * The worker's Prometheus metrics, served by a tiny node:http server on METRICS_PORT (GET
 * /metrics; 0 = off). The worker has no other HTTP surface. Own registry per process/app.
 */
@Injectable()
export class WorkerMetricsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetricsService.name);
  readonly registry = new Registry();
  private server?: Server;

  readonly jobDuration = new Histogram({
    name: 'kizuki_job_duration_seconds',
    help: 'Time a job handler ran, by queue, job and outcome',
    labelNames: ['queue', 'job', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly jobLatency = new Histogram({
    name: 'kizuki_job_latency_seconds',
    help: 'Time from enqueue to the end of the attempt (queue wait + run), by queue and job',
    labelNames: ['queue', 'job'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
    registers: [this.registry],
  });

  readonly decisions = new Counter({
    name: 'kizuki_scored_decisions_total',
    help: 'Logins scored by the worker, by decision',
    labelNames: ['decision'] as const,
    registers: [this.registry],
  });

  readonly reasons = new Counter({
    name: 'kizuki_scored_reasons_total',
    help: 'Reason codes of scored logins',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'kizuki_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (delivered, failed, refused)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor(private readonly config: KizukiConfig) {
    collectDefaultMetrics({ register: this.registry, prefix: 'kizuki_worker_' });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.METRICS_PORT) return;
    const token = this.config.METRICS_TOKEN;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'GET /metrics' } }));
        return;
      }
      if (token) {
        const given = Buffer.from((req.headers.authorization ?? '').replace(/^Bearer /, ''));
        if (given.length !== token.length || !timingSafeEqual(given, Buffer.from(token))) {
          res
            .writeHead(401, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: { code: 'UNAUTHENTICATED', message: 'Bearer token required' } }));
          return;
        }
      }
      this.registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(body),
        () => res.writeHead(500).end(),
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.METRICS_PORT, this.config.HOST, () => resolve());
    });
    this.logger.log(`Worker metrics on http://${this.config.HOST}:${this.config.METRICS_PORT}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

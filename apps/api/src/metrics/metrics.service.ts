import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RiskAnswer } from '@kizuki/contract';

/**
 * The api's Prometheus metrics, in its own registry (api and worker may share a process in
 * tests, and each app instance must count only its own traffic).
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'kizuki_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.5, 3, 6],
    registers: [this.registry],
  });

  readonly decisions = new Counter({
    name: 'kizuki_decisions_total',
    help: 'Risk answers by decision (degraded: not scored in time, fallback decision)',
    labelNames: ['decision', 'degraded'] as const,
    registers: [this.registry],
  });

  readonly reasons = new Counter({
    name: 'kizuki_decision_reasons_total',
    help: 'Reason codes in risk answers, by decision',
    labelNames: ['reason', 'decision'] as const,
    registers: [this.registry],
  });

  readonly riskShed = new Counter({
    name: 'kizuki_risk_shed_total',
    help:
      'Risk calls answered degraded at once because RISK_MAX_IN_FLIGHT calls were already waiting ' +
      'or (inline) the api was saturated (event loop past RISK_INLINE_MAX_LOOP_UTILIZATION ' +
      'and scores slower than RISK_INLINE_TARGET_MS); scored later by a worker',
    registers: [this.registry],
  });

  readonly eventLoopUtilization = new Gauge({
    name: 'kizuki_api_event_loop_utilization',
    help:
      'Share of time the event loop was busy, smoothed over about 400 ms; sampled only when RISK_SCORING=inline ' +
      '(shedding starts at RISK_INLINE_MAX_LOOP_UTILIZATION), else 0',
    registers: [this.registry],
  });

  readonly queueDepth: Gauge<'queue' | 'state'>;

  readonly outboxDepth = new Gauge({
    name: 'kizuki_score_outbox_jobs',
    help:
      'Score jobs waiting in PostgreSQL for Redis ' +
      '(answered during a Redis outage, not yet queued; read at scrape time)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'kizuki_api_' });
    this.queueDepth = new Gauge({
      name: 'kizuki_queue_jobs',
      help: 'Jobs in each queue by state (read from Redis at scrape time)',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
    });
  }

  recordDecision(answer: RiskAnswer): void {
    this.decisions.inc({ decision: answer.decision, degraded: String(answer.degraded) });
    for (const r of answer.reasons) this.reasons.inc({ reason: r.code, decision: answer.decision });
  }
}

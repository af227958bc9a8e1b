import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { KizukiConfig } from '@kizuki/config';
import { deterministicUuid, pseudonymiseUser, sha256Hex, verifyRequestToken } from '@kizuki/crypto';
import { JobName, jobIds, type RiskAnswer, type ScoreLoginJobData } from '@kizuki/queue';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import { withDeadline } from '../common/deadline';
import { MetricsService } from '../metrics/metrics.service';
import { ProducerService } from '../queue/producer.service';
import type { RiskDto } from './risk.dto';

/** BullMQ priority of a shed login's score job: after every live one (those have none). */
const SHED_PRIORITY = 10;

/**
 * POST /v1/risk: synchronous for the caller, scored by the worker. The job id is derived from
 * the request, so a retried call joins (or finds) the same job and gets the same assessment.
 * Whatever fails or is slow — Redis, the worker, PostgreSQL — the caller gets an answer within
 * RISK_TIMEOUT_MS: the tenant's fallback decision, marked degraded.
 */
@Injectable()
export class RiskService {
  private readonly logger = new Logger(RiskService.name);

  constructor(
    private readonly config: KizukiConfig,
    private readonly producer: ProducerService,
    private readonly metrics: MetricsService,
  ) {}

  /** Score jobs this process is waiting on (RISK_MAX_IN_FLIGHT). */
  private inFlight = 0;
  async assess(tenant: AuthenticatedTenant, dto: RiskDto, idempotencyHeader: string | undefined): Promise<RiskAnswer> {
    const started = Date.now();
    const data = this.jobData(tenant, dto, idempotencyHeader, started);
    const jobId = jobIds.score(data.assessmentId);
    if (this.inFlight >= this.config.RISK_MAX_IN_FLIGHT) {
      // Shed: answer now, score later. The job goes behind live ones (a BullMQ priority), so a burst
      // beyond the workers' pace does not make every later caller wait out the timeout too.
      this.metrics.riskShed.inc();
      this.producer.add(JobName.ScoreLogin, data, jobId, SHED_PRIORITY).catch(() => this.producer.addLater(JobName.ScoreLogin, data, jobId, SHED_PRIORITY));
      return this.degraded(tenant, data, started);
    }
    this.inFlight++;
    let queued = false;
    try {
      const timeout = this.config.RISK_TIMEOUT_MS;
      // Listen before adding: the job id is known, so its completion cannot be missed.
      const result = this.producer.waitForScore(jobId, timeout);
      result.catch(() => undefined); // settled through the race below
      return await withDeadline(
        (async () => {
          await this.producer.add(JobName.ScoreLogin, data, jobId);
          queued = true;
          return result;
        })(),
        timeout,
        'risk scoring',
      );
    } catch (e) {
      this.logger.warn({ msg: 'risk answered degraded', tenantId: tenant.tenantId, assessmentId: data.assessmentId, err: String(e) });
      // The answer carries the id the worker will record: if Redis did not take the job (down or
      // restarting), the outbox keeps it until Redis does, so the login is still scored (found by
      // bench/chaos.ts), even if this process dies meanwhile.
      if (!queued) this.producer.addLater(JobName.ScoreLogin, data, jobId);
      return this.degraded(tenant, data, started);
    } finally {
      this.inFlight--;
    }
  }

  private degraded(tenant: AuthenticatedTenant, data: ScoreLoginJobData, started: number): RiskAnswer {
    return {
      id: data.assessmentId,
      decision: tenant.policy.fallbackDecision,
      score: null,
      scores: { takeover: null, bot: null, typing: null, pointer: null },
      reasons: [],
      device: null,
      degraded: true,
      createdAt: new Date(started).toISOString(),
    };
  }

  private jobData(tenant: AuthenticatedTenant, dto: RiskDto, idempotencyHeader: string | undefined, now: number): ScoreLoginJobData {
    const userHash = pseudonymiseUser(this.config.KIZUKI_SECRET, tenant.tenantId, dto.user.id);
    let token: ScoreLoginJobData['token'];
    let idempotency: string;
    if (!dto.requestToken) {
      token = { state: 'missing', detail: 'No request token: the SDK did not run, was blocked, or the token was not forwarded.' };
    } else {
      const check = verifyRequestToken(this.config.KIZUKI_SECRET, dto.requestToken, tenant.tenantId, now);
      token =
        check.state === 'valid'
          ? { state: 'valid', bundleId: check.claims.b, ...(check.claims.j ? { batchId: check.claims.j } : {}) }
          : { state: 'invalid', detail: check.detail };
    }
    if (token.state === 'valid') {
      // One token is one login: the same token for the same user and outcome is a retry.
      idempotency = `t:${sha256Hex(`${token.bundleId}|${userHash}|${dto.status}`)}`;
    } else if (idempotencyHeader) {
      idempotency = `h:${sha256Hex(`${idempotencyHeader}|${userHash}|${dto.status}`)}`;
    } else {
      idempotency = `r:${randomUUID()}`;
    }
    return {
      tenantId: tenant.tenantId,
      assessmentId: deterministicUuid(`${tenant.tenantId}|${idempotency}`),
      idempotencyKey: idempotency,
      requestedAt: new Date(now).toISOString(),
      event: dto.event,
      status: dto.status,
      userHash,
      context: { ip: dto.context.ip, userAgent: dto.context.userAgent ?? null, acceptLanguage: dto.context.acceptLanguage ?? null },
      token,
    };
  }
}

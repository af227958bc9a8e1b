import { Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { KizukiConfig } from '@kizuki/config';
import {
  compactDisplayLabel,
  deterministicUuid,
  documentStoredHash,
  sealDisplayLabel,
  sha256Hex,
  verifyRequestToken,
} from '@kizuki/crypto';
import { LoginScorer } from '@kizuki/login-scorer';
import type { RiskAnswer, RiskRequest } from '@kizuki/contract';
import { canonicalIp } from '@kizuki/scoring';
import { JobName, jobIds, RedisConnections, type ScoreLoginJobData } from '@kizuki/queue';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import { withDeadline } from '../common/deadline';
import { PseudonymService } from '../common/pseudonym.service';
import { MetricsService } from '../metrics/metrics.service';
import { JobProducer } from '../queue/job-producer';
import { OutboxRelay } from '../queue/outbox-relay';
import { ScoreWaiter } from '../queue/score-waiter';
import { EventLoopLoad, inlineShedShare, RecentDuration } from './event-loop-load';

/** BullMQ priority of a shed login's score job: after every live one (those have none). */
const SHED_PRIORITY = 10;

/**
 * POST /v1/risk: synchronous for the caller, scored by the worker (RISK_SCORING=worker) or by this
 * process itself (inline; the LoginScorer is then injected). The job id is derived from the
 * request, so a retried call joins (or finds) the same job and gets the same assessment.
 * Whatever fails or is slow — Redis, the worker, PostgreSQL — the caller gets an answer within
 * RISK_TIMEOUT_MS: the tenant's fallback decision, marked degraded, and the login is still scored.
 */
@Injectable()
export class RiskService implements OnModuleDestroy {
  private readonly logger = new Logger(RiskService.name);

  constructor(
    private readonly config: KizukiConfig,
    private readonly jobs: JobProducer,
    private readonly outbox: OutboxRelay,
    private readonly scores: ScoreWaiter,
    private readonly redis: RedisConnections,
    private readonly metrics: MetricsService,
    private readonly pseudonyms: PseudonymService,
    @Optional() private readonly scorer?: LoginScorer,
  ) {
    if (scorer) this.loopLoad = new EventLoopLoad(100, 4, (u) => metrics.eventLoopUtilization.set(u));
  }

  /** Inline only: how busy this process's event loop is, and how long its scores take (shedding). */
  private readonly loopLoad?: EventLoopLoad;
  private readonly inlineDuration = new RecentDuration();

  onModuleDestroy(): void {
    this.loopLoad?.stop();
  }

  /** Past RISK_MAX_IN_FLIGHT, or (inline) a share of calls while the loop is saturated and scores slow down. */
  private overloaded(): boolean {
    if (this.inFlight >= this.config.RISK_MAX_IN_FLIGHT) return true;
    if (!this.loopLoad) return false;
    const share = inlineShedShare(
      { utilization: this.loopLoad.utilization, recentMs: this.inlineDuration.ms },
      this.config.RISK_INLINE_MAX_LOOP_UTILIZATION,
      this.config.RISK_INLINE_TARGET_MS,
    );
    return share > 0 && Math.random() < share;
  }

  /** Score jobs this process is waiting on, or inline scores it is running (RISK_MAX_IN_FLIGHT). */
  private inFlight = 0;
  async assess(
    tenant: AuthenticatedTenant,
    dto: RiskRequest,
    idempotencyHeader: string | undefined,
  ): Promise<RiskAnswer> {
    const started = Date.now();
    const data = this.jobData(tenant, dto, idempotencyHeader, started);
    const jobId = jobIds.score(data.assessmentId);
    if (this.overloaded()) {
      // Shed: answer now, score later. The job goes behind live ones (a BullMQ priority), so a burst
      // beyond the workers' pace does not make every later caller wait out the timeout too.
      this.metrics.riskShed.inc();
      this.jobs
        .add(JobName.ScoreLogin, data, jobId, SHED_PRIORITY)
        .catch(() => this.outbox.addLater(JobName.ScoreLogin, data, jobId, SHED_PRIORITY));
      return this.degraded(tenant, data, started);
    }
    return this.scorer
      ? this.scoreInline(this.scorer, tenant, data, jobId, started)
      : this.waitForWorker(tenant, data, jobId, started);
  }

  /**
   * RISK_SCORING=inline: scored here, no queue hop. A score that misses the deadline is answered
   * degraded and its job queued too: the run may still record the assessment (the job then finds
   * it), or fail, or die with this process (the job scores it). Same id either way, stored once.
   */
  private async scoreInline(
    scorer: LoginScorer,
    tenant: AuthenticatedTenant,
    data: ScoreLoginJobData,
    jobId: string,
    started: number,
  ): Promise<RiskAnswer> {
    if (this.redis.commands.status !== 'ready') {
      // Redis is down: a score would wait on it (velocity) for the whole deadline. The outbox keeps the job.
      this.outbox.addLater(JobName.ScoreLogin, data, jobId);
      return this.degraded(tenant, data, started);
    }
    this.inFlight++;
    // Counted until the run ends, not until the caller's deadline: runs stuck on a slow dependency
    // stay bounded by RISK_MAX_IN_FLIGHT, and later calls are shed instead of piling up more.
    const begun = performance.now();
    const scoring = scorer.score(data).finally(() => {
      this.inFlight--;
      this.inlineDuration.add(performance.now() - begun);
    });
    try {
      return (await withDeadline(scoring, this.config.RISK_TIMEOUT_MS, 'risk scoring')).answer;
    } catch (e) {
      scoring.catch(() => undefined); // its outcome is the queued job's concern now
      this.logger.warn({
        msg: 'risk answered degraded',
        tenantId: tenant.tenantId,
        assessmentId: data.assessmentId,
        err: String(e),
      });
      this.jobs
        .add(JobName.ScoreLogin, data, jobId, SHED_PRIORITY)
        .catch(() => this.outbox.addLater(JobName.ScoreLogin, data, jobId, SHED_PRIORITY));
      return this.degraded(tenant, data, started);
    }
  }

  /** RISK_SCORING=worker: the design card's path, a score job and a bounded wait for its answer. */
  private async waitForWorker(
    tenant: AuthenticatedTenant,
    data: ScoreLoginJobData,
    jobId: string,
    started: number,
  ): Promise<RiskAnswer> {
    this.inFlight++;
    let queued = false;
    try {
      const timeout = this.config.RISK_TIMEOUT_MS;
      // Listen before adding: the job id is known, so its completion cannot be missed.
      const result = this.scores.waitForScore(jobId, timeout);
      result.catch(() => undefined); // settled through the race below
      return await withDeadline(
        (async () => {
          await this.jobs.add(JobName.ScoreLogin, data, jobId);
          queued = true;
          return result;
        })(),
        timeout,
        'risk scoring',
      );
    } catch (e) {
      this.logger.warn({
        msg: 'risk answered degraded',
        tenantId: tenant.tenantId,
        assessmentId: data.assessmentId,
        err: String(e),
      });
      // The answer carries the id the worker will record: if Redis did not take the job (down or
      // restarting), the outbox keeps it until Redis does, so the login is still scored (found by
      // bench/chaos.ts), even if this process dies meanwhile.
      if (!queued) this.outbox.addLater(JobName.ScoreLogin, data, jobId);
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

  private jobData(
    tenant: AuthenticatedTenant,
    dto: RiskRequest,
    idempotencyHeader: string | undefined,
    now: number,
  ): ScoreLoginJobData {
    const userHash = this.pseudonyms.user(tenant.tenantId, dto.user.id);
    let token: ScoreLoginJobData['token'];
    let idempotency: string;
    if (!dto.requestToken) {
      token = {
        state: 'missing',
        detail: { key: 'token.notForwarded' },
      };
    } else {
      const check = verifyRequestToken(this.config.KIZUKI_SECRET, dto.requestToken, tenant.tenantId, now);
      token =
        check.state === 'valid'
          ? { state: 'valid', bundleId: check.claims.b, ...(check.claims.j ? { batchId: check.claims.j } : {}) }
          : { state: 'invalid', detail: check.detail };
    }
    // Logins keep their key as before; another event is part of its key (the same header on a
    // registration and on the login after it is two calls, not a retry).
    const call = `${userHash}|${dto.status}${dto.event === 'login' ? '' : `|${dto.event}`}`;
    if (token.state === 'valid') {
      // One token is one login: the same token for the same user and outcome is a retry.
      idempotency = `t:${sha256Hex(`${token.bundleId}|${call}`)}`;
    } else if (idempotencyHeader) {
      idempotency = `h:${sha256Hex(`${idempotencyHeader}|${call}`)}`;
    } else {
      idempotency = `r:${randomUUID()}`;
    }
    const label = compactDisplayLabel(dto.user);
    return {
      tenantId: tenant.tenantId,
      assessmentId: deterministicUuid(`${tenant.tenantId}|${idempotency}`),
      idempotencyKey: idempotency,
      requestedAt: new Date(now).toISOString(),
      event: dto.event,
      ...(dto.changes ? { changes: dto.changes } : {}),
      status: dto.status,
      userHash,
      emailDomain: dto.user.emailDomain?.toLowerCase() ?? null,
      // canonical (IsInetAddress let only addresses through): one client, one text, in the database and in Redis
      context: {
        ip: canonicalIp(dto.context.ip) ?? dto.context.ip,
        userAgent: dto.context.userAgent ?? null,
        acceptLanguage: dto.context.acceptLanguage ?? null,
      },
      token,
      ...(label
        ? {
            displayLabel: sealDisplayLabel(this.config.KIZUKI_SECRET, tenant.tenantId, {
              email: label.email,
              name: label.name,
              label: label.label,
            }),
          }
        : {}),
      ...(dto.credentials
        ? { credentials: { breached: dto.credentials.breached, breachCount: dto.credentials.breachCount ?? null } }
        : {}),
      // keyed again at once, like the user id: the client's hash is not stored nor queued
      ...(dto.identity?.documentHash
        ? { documentHash: documentStoredHash(this.config.KIZUKI_SECRET, tenant.tenantId, dto.identity.documentHash) }
        : {}),
    };
  }
}

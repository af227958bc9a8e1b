import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { KizukiConfig } from '@kizuki/config';
import { deterministicUuid, pseudonymiseUser, sha256Hex, verifyRequestToken } from '@kizuki/crypto';
import { JobName, jobIds, type RiskAnswer, type ScoreLoginJobData } from '@kizuki/queue';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import { withDeadline } from '../common/deadline';
import { ProducerService } from '../queue/producer.service';
import type { RiskDto } from './risk.dto';

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
  ) {}

  async assess(tenant: AuthenticatedTenant, dto: RiskDto, idempotencyHeader: string | undefined): Promise<RiskAnswer> {
    const started = Date.now();
    const data = this.jobData(tenant, dto, idempotencyHeader, started);
    let queued = false;
    try {
      const answer = await withDeadline(
        (async () => {
          const job = await this.producer.add<JobName.ScoreLogin>(JobName.ScoreLogin, data, jobIds.score(data.assessmentId));
          queued = true;
          return this.producer.waitFor<JobName.ScoreLogin>(job, Math.max(1, this.config.RISK_TIMEOUT_MS - (Date.now() - started)));
        })(),
        this.config.RISK_TIMEOUT_MS,
        'risk scoring',
      );
      return answer;
    } catch (e) {
      this.logger.warn({ msg: 'risk answered degraded', tenantId: tenant.tenantId, assessmentId: data.assessmentId, err: String(e) });
      // The answer carries the id the worker will record: if Redis did not take the job (down or
      // restarting), keep adding it until it does, so the login is still scored (found by bench/chaos.ts).
      if (!queued) this.producer.addLater(JobName.ScoreLogin, data, jobIds.score(data.assessmentId));
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
  }

  private jobData(tenant: AuthenticatedTenant, dto: RiskDto, idempotencyHeader: string | undefined, now: number): ScoreLoginJobData {
    const userHash = pseudonymiseUser(this.config.KIZUKI_SECRET, tenant.tenantId, dto.user.id);
    let token: ScoreLoginJobData['token'];
    let idempotency: string;
    if (!dto.requestToken) {
      token = { state: 'missing', detail: 'No request token: the SDK did not run, was blocked, or the token was not forwarded.' };
    } else {
      const check = verifyRequestToken(this.config.KIZUKI_SECRET, dto.requestToken, tenant.tenantId, now);
      token = check.state === 'valid' ? { state: 'valid', bundleId: check.claims.b } : { state: 'invalid', detail: check.detail };
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

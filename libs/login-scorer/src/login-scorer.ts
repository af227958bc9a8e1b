import { Injectable, Logger } from '@nestjs/common';
import {
  AssessmentRepository,
  DisplayLabelRepository,
  IdentityDocumentRepository,
  KeyedBatcher,
  LoginStateRepository,
  type AssessmentRow,
  type LoginState,
  type LoginStateQuery,
  type RecordLogin,
  type RecordResult,
} from '@kizuki/database';
import type { ScoreLoginJobData } from '@kizuki/queue';
import { WebhookEventsService } from '@kizuki/webhooks';
import type { DeviceStatus, ReasonDetail, RiskAnswer, SignalBundle } from '@kizuki/contract';
import {
  assess,
  canonicalIp,
  matchDevice,
  networkPrefix,
  resolvePolicy,
  type RecentLogin,
  type DeviceHistory,
  type NetworkInfo,
  type ScoringInput,
  type TokenState,
} from '@kizuki/scoring';
import { BundleResolver } from './bundle-resolver';
import { isDisposableEmailDomain } from './disposable-email';
import { learnFromTrustedLogin, primaryLanguage } from './learning';
import { NetworkIntelService } from './network/network-intel.service';
import { VelocityStore } from './velocity.store';

/** A login's answer, and whether this call scored it (false: it had been scored before, by key). */
export interface ScoredLogin {
  answer: RiskAnswer;
  scoredNow: boolean;
}

/**
 * Scores one login: loads what the account and device have seen, asks the engine, stores the
 * assessment (exactly once, by idempotency key). The worker's score job runs it; so does the api
 * itself when RISK_SCORING=inline (no queue hop). Either way, two runs for one login (a redelivered
 * job, an inline run and the job queued after its deadline) record one assessment, and both get it.
 */
@Injectable()
export class LoginScorer {
  private readonly logger = new Logger(LoginScorer.name);

  /** Concurrent scores' loads and records, one round trip per tenant and event-loop turn. */
  private readonly loads: KeyedBatcher<LoginStateQuery, LoginState>;
  private readonly records: KeyedBatcher<RecordLogin, RecordResult>;

  constructor(
    private readonly assessments: AssessmentRepository,
    private readonly state: LoginStateRepository,
    private readonly bundles: BundleResolver,
    private readonly velocity: VelocityStore,
    private readonly network: NetworkIntelService,
    private readonly webhooks: WebhookEventsService,
    private readonly labels: DisplayLabelRepository,
    private readonly documents: IdentityDocumentRepository,
  ) {
    this.loads = new KeyedBatcher((tenantId, qs) => state.loadMany(tenantId, qs));
    this.records = new KeyedBatcher((tenantId, rs) => state.recordMany(tenantId, rs));
  }

  async score(d: ScoreLoginJobData): Promise<ScoredLogin> {
    // Geo and ASN first (in memory): the load matches asn and country list entries with them.
    const geo = this.network.info(d.context.ip, primaryLanguage(d.context.acceptLanguage), false);
    let token: { state: TokenState; detail?: ReasonDetail } =
      d.token.state === 'valid'
        ? { state: 'valid' }
        : { state: d.token.state, ...(typeof d.token.detail === 'object' ? { detail: d.token.detail } : {}) };
    const tokenId = d.token.state === 'valid' ? d.token.bundleId : null;
    // One load: the stored bundle comes with it, and the device it names. When the risk call
    // overtook its bundle's ingest job, the bundle comes from the ingest queue and a second load
    // looks up the device it names (given then: that load needs no bundle).
    // A job queued with another spelling of the address still matches lists and Tor exits.
    const ip = canonicalIp(d.context.ip);
    const load = (device: { visitorId: string; storageId: string | null } | null, withToken: boolean) =>
      this.loads.add(d.tenantId, {
        userHash: d.userHash,
        device,
        tokenId: withToken ? tokenId : null,
        ip,
        idempotencyKey: d.idempotencyKey,
        bundleId: withToken && !device ? tokenId : null,
        bundleNear: withToken && !device ? new Date(d.requestedAt) : null,
        asn: geo.asn,
        country: geo.country,
      });
    let loaded = await load(null, true);
    if (loaded.existing) return { answer: toAnswer(loaded.existing), scoredNow: false };
    let stored = loaded.bundle;
    if (tokenId && !stored) {
      stored = await this.bundles.fromIngestQueue(
        d.tenantId,
        tokenId,
        d.token.state === 'valid' ? d.token.batchId : undefined,
      );
      if (!stored)
        token = {
          state: 'invalid',
          detail: { key: 'token.signalsGone' },
        };
    }
    let storedBundle = token.state === 'valid' && stored ? (stored.payload as SignalBundle) : null;
    // a bundle collected for another event (the page said so) does not vouch for this one
    const formEvent = storedBundle?.page?.event;
    if (storedBundle && formEvent && formEvent !== (d.event ?? 'login')) {
      token = {
        state: 'invalid',
        detail: {
          key: 'token.otherForm',
          params: { form: { key: `event.${formEvent}` }, event: { key: `event.${d.event ?? 'login'}` } },
        },
      };
      storedBundle = null;
    }
    // The load found the device through the stored bundle; a bundle from the queue needs a second look.
    if (storedBundle && !loaded.bundle)
      loaded = await load({ visitorId: storedBundle.device.visitorId, storageId: storedBundle.device.storageId }, true);
    // A replay found on the first pass (or lost in a race on record) is scored again without the bundle.
    for (let pass = 0; pass < 2; pass++) {
      if (pass > 0) loaded = await load(null, false);
      const bundle = token.state === 'valid' ? storedBundle : null;
      const usedToken = bundle ? tokenId : null;
      if (usedToken && loaded.tokenUsedBy && loaded.tokenUsedBy !== d.assessmentId) {
        token = { state: 'replayed' };
        continue;
      }
      const answer = await this.scoreAndRecord(d, token, bundle, loaded, usedToken, geo);
      if (answer) return answer;
      token = { state: 'replayed' };
    }
    throw new Error('scorer could not settle the token state');
  }

  private async scoreAndRecord(
    d: ScoreLoginJobData,
    token: { state: TokenState; detail?: ReasonDetail },
    bundle: SignalBundle | null,
    loaded: LoginState,
    tokenId: string | null,
    geo: NetworkInfo,
  ): Promise<ScoredLogin | null> {
    const now = Date.parse(d.requestedAt) || Date.now();
    const policy = resolvePolicy(loaded.policy);
    const network = loaded.tor ? { ...geo, tor: true } : geo;
    const dev = bundle ? loaded.device : null;
    const device = bundle ? deviceHistory(bundle, loaded, policy.device.fuzzyMatch) : null;
    const event = d.event ?? 'login';
    const velocity = await this.velocity.record({
      tenantId: d.tenantId,
      assessmentId: d.assessmentId,
      userHash: d.userHash,
      deviceId: bundle?.device.visitorId ?? null,
      ip: d.context.ip,
      asn: network.asn,
      failed: d.status === 'failed',
      now,
      bruteForceWindowMs: policy.bruteForce.windowMinutes * 60_000,
      stuffingWindowMs: policy.stuffing.windowMinutes * 60_000,
      signup:
        event === 'registration'
          ? {
              network: networkPrefix(d.context.ip),
              windowMs: policy.signup.windowMinutes * 60_000,
              deviceWindowMs: policy.signup.deviceWindowMinutes * 60_000,
            }
          : undefined,
    });
    // an account change looks back on the sessions it may belong to (takeover cash-out)
    const recentLogins =
      event === 'profile_update' && loaded.account ? await this.recentLogins(d, now, policy) : undefined;
    // device entries were loaded for this device and the account's: keep the one the login is on
    const deviceId = device?.history.id ?? dev?.id ?? null;
    const lists = loaded.lists.filter((e) => e.kind !== 'device' || e.value === deviceId);
    const account = loaded.account;
    // Only calls that carry a document pay this round trip; a second pass re-links idempotently.
    const identity = d.documentHash
      ? await this.documents.sight(d.tenantId, d.documentHash, d.userHash, new Date(now))
      : null;
    const input: ScoringInput = {
      now,
      policy,
      event: { type: event, status: d.status, ...(d.changes ? { changes: d.changes } : {}) },
      email: d.emailDomain ? { domain: d.emailDomain, disposable: isDisposableEmailDomain(d.emailDomain) } : null,
      token,
      bundle,
      account: {
        isNew: !account,
        loginCount: account?.loginCount ?? 0,
        trustedLogins: account?.trustedLogins ?? 0,
        typingProfile: account?.typingProfile ?? null,
        pointerProfile: account?.pointerProfile ?? null,
        countries: account?.countries ?? [],
        languages: account?.languages ?? [],
        networks: account?.networks ?? [],
        lastLogin: account?.lastLogin ?? null,
        ...(recentLogins ? { recentLogins } : {}),
      },
      device: device?.history ?? null,
      network,
      velocity,
      lists,
      credentials: d.credentials ?? null,
      identity,
    };
    const result = assess(input);
    const trusted = d.status === 'succeeded' && result.policyDecision === 'allow';
    const recorded = await this.records.add(d.tenantId, {
      assessment: {
        id: d.assessmentId,
        idempotencyKey: d.idempotencyKey,
        bundleId: bundle && tokenId ? tokenId : null,
        event,
        changes: d.changes ?? null,
        status: d.status,
        decision: result.decision,
        policyDecision: result.policyDecision,
        shadow: result.shadow,
        score: result.score,
        scores: result.scores,
        reasons: result.reasons,
        ip: d.context.ip,
        country: network.country,
        asn: network.asn,
        userAgent: d.context.userAgent?.slice(0, 512) ?? null,
        createdAt: new Date(now),
        language: network.language,
      },
      userHash: d.userHash,
      device: bundle
        ? {
            visitorId: bundle.device.visitorId,
            storageId: bundle.device.storageId,
            components: bundle.device.components,
            matchedDeviceId: device?.matchedDeviceId ?? null,
          }
        : null,
      sharedDevice: result.deviceStatus === 'shared',
      linkStatus: trusted ? 'trusted' : d.status === 'attempted' ? 'pending' : 'new',
      tokenId,
      learned: trusted ? learnFromTrustedLogin(account, bundle, network, now) : null,
    });
    if (recorded.state === 'token-used') return null;
    if (recorded.state === 'duplicate') {
      // rare: another run for this login (a redelivered job; an inline run and the job queued
      // after its deadline) recorded it between our load and record
      // by its key, or by its id (derived from the key) once the key row is purged (kept 2 days)
      const existing =
        (await this.assessments.findByIdempotencyKey(d.tenantId, d.idempotencyKey)) ??
        (await this.assessments.findById(d.tenantId, d.assessmentId));
      if (!existing) throw new Error('duplicate assessment vanished');
      return { answer: toAnswer(existing), scoredNow: false };
    }
    this.logger.debug({
      msg: 'scored',
      tenantId: d.tenantId,
      assessmentId: d.assessmentId,
      decision: result.decision,
      score: result.score,
    });
    const answer = toAnswer({
      ...result,
      id: d.assessmentId,
      deviceId: recorded.deviceId ?? null,
      deviceStatus: recorded.deviceStatus ?? null,
      createdAt: new Date(now),
    });
    if (d.displayLabel) {
      // best effort: a label is for display only and must never fail or repeat the score
      await this.labels
        .store(d.tenantId, d.userHash, d.displayLabel.sealed, d.displayLabel.keys)
        .catch((e: unknown) =>
          this.logger.warn({ msg: 'display label not stored', tenantId: d.tenantId, err: String(e) }),
        );
    }
    // assessment.challenge / assessment.deny webhooks, once per assessment (the delivery id derives from it).
    const hook = answer.decision === 'deny' ? 'assessment.deny' : 'assessment.challenge';
    if (answer.decision !== 'allow' && loaded.webhookEvents.includes(hook)) {
      await this.webhooks.emit(d.tenantId, hook, d.assessmentId, {
        assessmentId: answer.id,
        decision: answer.decision,
        score: answer.score,
        reasons: answer.reasons,
        device: answer.device,
        event,
        ...(d.changes ? { changes: d.changes } : {}),
        status: d.status,
        createdAt: answer.createdAt,
      });
    }
    return { answer, scoredNow: true };
  }

  private async recentLogins(
    d: ScoreLoginJobData,
    now: number,
    policy: ReturnType<typeof resolvePolicy>,
  ): Promise<RecentLogin[]> {
    const from = new Date(now - policy.accountChange.windowMinutes * 60_000);
    const rows = await this.state.recentLogins(d.tenantId, d.userHash, from, new Date(now));
    return rows.map((r) => ({
      at: new Date(r.createdAt).getTime(),
      deviceId: r.deviceId,
      newDevice: r.newDevice,
      decision: r.decision,
      label: r.label,
    }));
  }
}

function deviceStatus(dev: LoginState['device']): DeviceStatus {
  if (!dev) return 'new';
  if (dev.status === 'fraud' || dev.linkStatus === 'fraud') return 'fraud';
  return dev.linkStatus ?? 'new';
}

/**
 * The device as the engine sees it: found by visitor id or storage id (exact), else fuzzily among
 * the account's devices when a browser update changed a few fingerprint components.
 */
export function deviceHistory(
  bundle: SignalBundle,
  loaded: LoginState,
  fuzzyThreshold: number,
): { history: DeviceHistory; matchedDeviceId: string | null } {
  const dev = loaded.device;
  if (dev?.linkStatus || dev?.status === 'fraud') {
    return {
      history: {
        id: dev.id,
        knownToAccount: !!dev.linkStatus,
        fuzzyMatch: dev.matchedByStorage,
        status: deviceStatus(dev),
        accountsSeen: dev.otherAccounts + 1,
      },
      matchedDeviceId: null,
    };
  }
  const candidates = (loaded.accountDevices ?? []).map((c) => ({
    id: c.id,
    components: c.components,
    status: (c.deviceFraud ? 'fraud' : c.status) as DeviceStatus,
  }));
  const m = bundle.device?.components ? matchDevice(bundle.device.components, candidates, fuzzyThreshold) : null;
  if (m && !dev) {
    return {
      history: {
        id: m.id,
        knownToAccount: true,
        fuzzyMatch: true,
        similarity: m.similarity,
        status: m.status,
        accountsSeen: 1,
      },
      matchedDeviceId: m.id,
    };
  }
  return {
    history: {
      id: dev?.id ?? 'new',
      knownToAccount: false,
      fuzzyMatch: false,
      status: deviceStatus(dev),
      accountsSeen: (dev?.otherAccounts ?? 0) + 1,
    },
    matchedDeviceId: null,
  };
}

/** The answer for a login, from its stored row or from what was just scored and recorded. */
export function toAnswer(
  a: Pick<
    AssessmentRow,
    'id' | 'decision' | 'score' | 'scores' | 'reasons' | 'deviceId' | 'deviceStatus' | 'createdAt'
  >,
): RiskAnswer {
  return {
    id: a.id,
    decision: a.decision,
    score: a.score,
    scores: a.scores,
    reasons: a.reasons,
    device: a.deviceId ? { id: a.deviceId, status: a.deviceStatus ?? 'new' } : null,
    degraded: false,
    createdAt: new Date(a.createdAt).toISOString(),
  };
}

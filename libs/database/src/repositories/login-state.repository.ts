import type { FeedbackLabel } from '@kizuki/contract';
import type { AccountHistory } from '@kizuki/scoring';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AssessmentRow } from './assessment.repository';
import type { StoredBundle } from './bundle.repository';
import type { ListMatchRow } from './list.repository';
import { rowsOf } from './rows';
import { assertTenantId, withTenant } from '../tenant-scope';

/** An account as the score path loads it: the engine's history of it, with its id and learned networks. */
export type AccountState = Omit<AccountHistory, 'isNew' | 'networks'> & {
  id: string;
  /** empty before networks were learned */
  networks: string[];
};

export interface DeviceState {
  id: string;
  visitorId: string;
  status: 'new' | 'fraud';
  components: Record<string, unknown>;
  /** matched through the first-party storage id, not the fingerprint */
  matchedByStorage: boolean;
  /** this device's status for the account, null if never used on it */
  linkStatus: 'new' | 'pending' | 'trusted' | 'fraud' | null;
  /** distinct accounts that used the device (this account excluded) */
  otherAccounts: number;
}

/** One of the account's devices: a candidate for a fuzzy match when the fingerprint changed. */
export interface AccountDeviceCandidate {
  id: string;
  components: Record<string, unknown>;
  status: 'new' | 'pending' | 'trusted' | 'fraud';
  /** the device itself is reported as fraud (tenant-wide) */
  deviceFraud: boolean;
}

export interface LoginStateQuery {
  userHash: string;
  /** null: the device of the stored bundle, if any */
  device: { visitorId: string; storageId: string | null } | null;
  /** the request token's id (= its bundle id), to see whether another login used it */
  tokenId: string | null;
  /** canonical (libs/scoring canonicalIp), as list entries and the Tor list store them; null: none or not an address */
  ip: string | null;
  idempotencyKey: string;
  /** the bundle to load (null: none) */
  bundleId: string | null;
  /**
   * when the risk call came (null: unknown): its bundle was received at most a token lifetime
   * (≤ 1 h) before, so the load looks in the day partitions around it, not all of them
   */
  bundleNear: Date | null;
  /** from the worker's offline geo/ASN lookup, for asn and country list entries */
  asn: number | null;
  country: string | null;
}

export interface LoginState {
  policy: Record<string, unknown>;
  account: AccountState | null;
  device: DeviceState | null;
  /** the account's most recently used devices (up to 20), for fuzzy matching */
  accountDevices: AccountDeviceCandidate[];
  /** the login's IP is on the loaded Tor exit list */
  tor: boolean;
  /** assessment that already consumed the request token, if any */
  tokenUsedBy: string | null;
  /** the assessment an earlier delivery of this job recorded (same idempotency key) */
  existing: AssessmentRow | null;
  /** the login's SDK bundle, if stored */
  bundle: StoredBundle | null;
  /** list entries that may match (device entries: for this device or any of the account's) */
  lists: ListMatchRow[];
  /** webhook events some enabled endpoint of the tenant subscribes to */
  webhookEvents: string[];
}

type LoadRow = Omit<LoginState, 'device'> & {
  device: Omit<DeviceState, 'linkStatus' | 'otherAccounts'> | null;
  linkStatus: DeviceState['linkStatus'];
  otherAccounts: number;
};

export interface RecordLogin {
  assessment: {
    id: string;
    idempotencyKey: string;
    bundleId: string | null;
    event: string;
    /** profile_update: what changed */
    changes?: string[] | null;
    status: 'attempted' | 'succeeded' | 'failed';
    decision: string;
    policyDecision: string;
    shadow: boolean;
    score: number;
    scores: Record<string, number | null>;
    reasons: { code: string; detail: string }[];
    ip: string | null;
    country: string | null;
    asn: number | null;
    userAgent: string | null;
    createdAt: Date;
    /** primary Accept-Language of the login, for learning from later feedback */
    language?: string | null;
  };
  userHash: string;
  device: {
    visitorId: string;
    storageId: string | null;
    components: Record<string, unknown>;
    /** a fuzzy match: this login's fingerprint is a changed version of that device of the account */
    matchedDeviceId?: string | null;
  } | null;
  /** the engine saw the device as shared by many accounts: answered and stored as 'shared' */
  sharedDevice?: boolean;
  /** the device's new status for this account */
  linkStatus: 'new' | 'pending' | 'trusted';
  tokenId: string | null;
  /** applied only for trusted outcomes: what the account learned */
  learned: {
    typingProfile?: unknown;
    pointerProfile?: unknown;
    countries: string[];
    languages: string[];
    /** absent: the stored networks stay as they are */
    networks?: string[];
    lastLogin: AccountState['lastLogin'];
  } | null;
}

/** What a trusted label can learn from: the account as stored and the labelled login. */
export interface LabelLearningContext {
  account: AccountState;
  /** the login's SDK bundle (JSON), null if it had none or it was purged */
  bundle: unknown | null;
  ip: string | null;
  country: string | null;
  language: string | null;
  /** when the login happened (epoch ms) */
  at: number;
}

/** A succeeded login of an account, as an account change looks back on it. */
export interface RecentLoginRow {
  createdAt: Date;
  deviceId: string | null;
  decision: 'allow' | 'challenge' | 'deny';
  label: FeedbackLabel | null;
  /** the login was from a device new to the account (NEW_DEVICE among its reasons) */
  newDevice: boolean;
}

export type RecordResult =
  | { state: 'recorded'; accountId: string; deviceId: string | null; deviceStatus: AssessmentRow['deviceStatus'] }
  | { state: 'duplicate' }
  | { state: 'token-used'; by: string };

/** What the score job reads and writes: one round trip to load, one to record. */
@Injectable()
export class LoginStateRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Everything each login is scored against, for a batch of logins of one tenant in one round trip
   * (libs/database/sql/kizuki_score_load_many.sql, one lookup per table for the batch; the scorer
   * batches concurrent scores): the account, the device (by visitor id, else storage id; with no
   * device given, the stored bundle's) and the account's recent devices, the token's use, the Tor
   * list, an earlier answer for the same idempotency key, the stored bundle, the list entries that
   * may match and the tenant's webhook subscriptions. Each login sees the state as stored before the
   * batch (two logins of one account in one batch load the same account).
   */
  async loadMany(tenantId: string, queries: LoginStateQuery[]): Promise<LoginState[]> {
    assertTenantId(tenantId);
    // parallel arrays, one element per login (the function's parameters)
    const [{ s: rows }] = rowsOf<{ s: (LoadRow | null)[] }>(
      await this.db.query(
        `SELECT kizuki_score_load_many($1, $2::text[], $3::text[], $4::text[], $5::uuid[], $6::inet[], $7::text[],
                                       $8::uuid[], $9::timestamptz[], $10::text[], $11::text[]) AS s`,
        [
          tenantId,
          queries.map((q) => q.userHash),
          queries.map((q) => q.device?.visitorId ?? null),
          queries.map((q) => q.device?.storageId ?? null),
          queries.map((q) => q.tokenId),
          queries.map((q) => q.ip),
          queries.map((q) => q.idempotencyKey),
          queries.map((q) => q.bundleId),
          queries.map((q) => q.bundleNear?.toISOString() ?? null),
          queries.map((q) => (q.asn === null ? null : String(q.asn))),
          queries.map((q) => q.country),
        ],
      ),
    );
    return rows.map((row) => {
      if (!row) throw new Error(`tenant ${tenantId} does not exist`);
      return {
        policy: row.policy,
        account: row.account,
        device: row.device ? { ...row.device, linkStatus: row.linkStatus, otherAccounts: row.otherAccounts } : null,
        accountDevices: row.accountDevices ?? [],
        tor: row.tor === true,
        tokenUsedBy: row.tokenUsedBy,
        existing: row.existing,
        bundle: row.bundle,
        lists: row.lists ?? [],
        webhookEvents: row.webhookEvents ?? [],
      };
    });
  }

  /**
   * The account's succeeded logins in [from, to], newest first (at most `limit`): the sessions an
   * account change may belong to (takeover cash-out). A second round trip, made only for profile
   * changes; the time bounds prune the month partitions, the index on (tenant, account, time) does the rest.
   */
  async recentLogins(tenantId: string, userHash: string, from: Date, to: Date, limit = 5): Promise<RecentLoginRow[]> {
    assertTenantId(tenantId);
    return withTenant(this.db, tenantId, async (m) =>
      rowsOf<RecentLoginRow>(
        await m.query(
          `SELECT s.created_at AS "createdAt", s.device_id AS "deviceId", s.decision, s.label,
                  (s.reasons @> '[{"code":"NEW_DEVICE"}]') AS "newDevice"
             FROM assessments s JOIN accounts a ON a.tenant_id = s.tenant_id AND a.id = s.account_id
            WHERE a.tenant_id = $1 AND a.user_hash = $2 AND s.tenant_id = $1 AND s.event = 'login'
              AND s.status = 'succeeded' AND s.created_at >= $3 AND s.created_at <= $4
            ORDER BY s.created_at DESC LIMIT $5`,
          [tenantId, userHash, from, to, limit],
        ),
      ),
    );
  }

  /**
   * Stores each assessment and what its login taught, in one round trip and one transaction
   * (kizuki_score_record_many). Per login: idempotent on the idempotency key ('duplicate': another
   * delivery of the same job got there first, and that login wrote nothing); 'token-used' when
   * another login consumed the token (nothing written).
   */
  async recordMany(tenantId: string, records: RecordLogin[]): Promise<RecordResult[]> {
    assertTenantId(tenantId);
    // Rows are locked in account order (then device), so two batches sharing accounts wait for each
    // other rather than deadlock; answers go back in the callers' order.
    const order = records
      .map((_r, i) => i)
      .sort((x, y) =>
        records[x].userHash < records[y].userHash ? -1 : records[x].userHash > records[y].userHash ? 1 : x - y,
      );
    const [{ s }] = rowsOf<{ s: RecordResult[] }>(
      await this.db.query(`SELECT kizuki_score_record_many($1, $2::jsonb) AS s`, [
        tenantId,
        JSON.stringify(order.map((i) => records[i])),
      ]),
    );
    const answers = new Array<RecordResult>(records.length);
    order.forEach((i, k) => (answers[i] = s[k]));
    return answers;
  }

  /**
   * Applies a label once (feedback.applied_at guards redelivery): trusted outcomes trust the
   * device for the account and, through `learn`, teach the account what the login showed
   * (typing, pointer, country, language, network) in the same transaction, so a redelivered job learns
   * nothing twice; fraud marks the device as fraud for the account and the tenant.
   * A login that was already trusted when scored (succeeded and allowed), or already labelled
   * trusted by an earlier feedback, taught the account then: this label only confirms the device.
   */
  async applyLabel(
    tenantId: string,
    feedbackId: string,
    label: FeedbackLabel,
    learn?: (ctx: LabelLearningContext) => RecordLogin['learned'],
  ): Promise<boolean> {
    return withTenant(this.db, tenantId, async (m) => {
      // Two labels of one login applied at once must not both learn: the second waits here for the
      // first to commit, and its claim below then sees the first one applied.
      await m.query(
        `SELECT 1 FROM assessments
          WHERE tenant_id = $1 AND id = (SELECT assessment_id FROM feedback WHERE tenant_id = $1 AND id = $2)
            FOR UPDATE`,
        [tenantId, feedbackId],
      );
      const claimed = rowsOf<{
        accountId: string;
        deviceId: string | null;
        bundleId: string | null;
        trustedAtScore: boolean;
        ip: string | null;
        country: string | null;
        language: string | null;
        createdAt: Date;
      }>(
        await m.query(
          `UPDATE feedback f SET applied_at = now() FROM assessments a
            WHERE f.tenant_id = $1 AND f.id = $2 AND f.applied_at IS NULL
              AND a.tenant_id = f.tenant_id AND a.id = f.assessment_id
            RETURNING a.account_id AS "accountId", a.device_id AS "deviceId", a.bundle_id AS "bundleId",
                      (a.status = 'succeeded' AND a.policy_decision = 'allow'
                       OR EXISTS (SELECT 1 FROM feedback o
                                   WHERE o.tenant_id = f.tenant_id AND o.assessment_id = f.assessment_id
                                     AND o.id <> f.id AND o.applied_at IS NOT NULL
                                     AND o.label IN ('legit', 'challenge_passed'))) AS "trustedAtScore",
                      host(a.ip) AS ip, a.country, a.language, a.created_at AS "createdAt"`,
          [tenantId, feedbackId],
        ),
      );
      if (!claimed.length) return false;
      const c = claimed[0];
      const { accountId, deviceId } = c;
      if (label === 'legit' || label === 'challenge_passed') {
        if (!c.trustedAtScore) {
          const [acc] = rowsOf<AccountState>(
            await m.query(
              `SELECT id, login_count AS "loginCount", trusted_logins AS "trustedLogins",
                      typing_profile AS "typingProfile", pointer_profile AS "pointerProfile", countries, languages,
                      networks, last_login AS "lastLogin"
                 FROM accounts WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
              [tenantId, accountId],
            ),
          );
          const [bundle] = c.bundleId
            ? rowsOf<{ payload: unknown }>(
                await m.query(`SELECT payload FROM signal_bundles WHERE tenant_id = $1 AND id = $2`, [
                  tenantId,
                  c.bundleId,
                ]),
              )
            : [];
          const l =
            learn && acc
              ? learn({
                  account: acc,
                  bundle: bundle?.payload ?? null,
                  ip: c.ip,
                  country: c.country,
                  language: c.language,
                  at: new Date(c.createdAt).getTime(),
                })
              : null;
          await m.query(
            `UPDATE accounts SET trusted_logins = trusted_logins + 1,
                typing_profile = CASE WHEN $3 THEN $4::jsonb ELSE typing_profile END,
                pointer_profile = CASE WHEN $5 THEN $6::jsonb ELSE pointer_profile END,
                countries = COALESCE($7, countries), languages = COALESCE($8, languages),
                last_login = CASE WHEN $9 THEN $10::jsonb ELSE last_login END,
                networks = COALESCE($11, networks)
              WHERE tenant_id = $1 AND id = $2`,
            [
              tenantId,
              accountId,
              l?.typingProfile !== undefined,
              json(l?.typingProfile),
              l?.pointerProfile !== undefined,
              json(l?.pointerProfile),
              l?.countries ?? null,
              l?.languages ?? null,
              // an older login does not replace a newer last login
              !!l && (!acc?.lastLogin || acc.lastLogin.at <= (l.lastLogin?.at ?? 0)),
              json(l?.lastLogin),
              l?.networks ?? null,
            ],
          );
        }
        if (deviceId) {
          await m.query(
            `UPDATE account_devices SET status = 'trusted'
              WHERE tenant_id = $1 AND account_id = $2 AND device_id = $3 AND status <> 'fraud'`,
            [tenantId, accountId, deviceId],
          );
        }
      } else if (label === 'fraud' && deviceId) {
        await m.query(
          `UPDATE account_devices SET status = 'fraud' WHERE tenant_id = $1 AND account_id = $2 AND device_id = $3`,
          [tenantId, accountId, deviceId],
        );
        await m.query(`UPDATE devices SET status = 'fraud' WHERE tenant_id = $1 AND id = $2`, [tenantId, deviceId]);
      }
      return true;
    });
  }
}

function json(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}

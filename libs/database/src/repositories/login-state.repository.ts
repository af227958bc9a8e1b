import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { rowsOf } from './rows';
import { withTenant } from '../tenant-scope';

export interface AccountState {
  id: string;
  loginCount: number;
  trustedLogins: number;
  typingProfile: unknown | null;
  pointerProfile: unknown | null;
  countries: string[];
  languages: string[];
  /** networks (IPv4 /24, IPv6 /48) of trusted logins, most recently used last; empty before they were learned */
  networks: string[];
  lastLogin: { at: number; country: string | null; lat: number | null; lon: number | null } | null;
}

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
}

export interface RecordLogin {
  assessment: {
    id: string;
    idempotencyKey: string;
    bundleId: string | null;
    event: string;
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

export type RecordResult =
  | { state: 'recorded'; accountId: string; deviceId: string | null; deviceStatus: string | null }
  | { state: 'duplicate' }
  | { state: 'token-used'; by: string };

/** What the score job reads and writes: one query to load, one transaction to record. */
@Injectable()
export class LoginStateRepository {
  constructor(private readonly db: DataSource) {}

  async load(
    tenantId: string,
    userHash: string,
    device: { visitorId: string; storageId: string | null } | null,
    tokenId: string | null,
    ip: string | null = null,
  ): Promise<LoginState> {
    const [row] = await withTenant(this.db, tenantId, (m) => m.query(
      `WITH acc AS (
         SELECT id, login_count AS "loginCount", trusted_logins AS "trustedLogins", typing_profile AS "typingProfile",
                pointer_profile AS "pointerProfile", countries, languages, networks, last_login AS "lastLogin"
           FROM accounts WHERE tenant_id = $1 AND user_hash = $2),
       dev AS (
         SELECT id, visitor_id AS "visitorId", status, components, (visitor_id <> $3) AS "matchedByStorage"
           FROM devices WHERE tenant_id = $1 AND (visitor_id = $3 OR ($4::text IS NOT NULL AND storage_id = $4))
          ORDER BY (visitor_id = $3) DESC, last_seen_at DESC LIMIT 1)
       SELECT t.policy,
              (SELECT row_to_json(acc) FROM acc) AS account,
              (SELECT row_to_json(dev) FROM dev) AS device,
              (SELECT ad.status FROM account_devices ad JOIN acc ON ad.account_id = acc.id JOIN dev ON ad.device_id = dev.id) AS "linkStatus",
              (SELECT count(*)::int FROM account_devices ad JOIN dev ON ad.device_id = dev.id
                WHERE ad.tenant_id = $1 AND ad.account_id IS DISTINCT FROM (SELECT id FROM acc)) AS "otherAccounts",
              (SELECT assessment_id FROM token_uses WHERE tenant_id = $1 AND token_id = $5) AS "tokenUsedBy",
              (SELECT coalesce(json_agg(c), '[]'::json) FROM (
                 SELECT d.id, d.components, ad.status, (d.status = 'fraud') AS "deviceFraud"
                   FROM account_devices ad JOIN acc ON ad.account_id = acc.id JOIN devices d ON d.id = ad.device_id
                  WHERE ad.tenant_id = $1 ORDER BY ad.last_seen_at DESC LIMIT 20) c) AS "accountDevices",
              ($6::inet IS NOT NULL AND EXISTS (SELECT 1 FROM tor_exit_nodes WHERE ip = $6::inet)) AS tor
         FROM tenants t WHERE t.id = $1`,
      [tenantId, userHash, device?.visitorId ?? '', device?.storageId ?? null, tokenId, ip],
    ), { readOnly: true });
    if (!row) throw new Error(`tenant ${tenantId} does not exist`);
    return {
      policy: row.policy,
      account: row.account,
      device: row.device ? { ...row.device, linkStatus: row.linkStatus, otherAccounts: row.otherAccounts } : null,
      accountDevices: row.accountDevices ?? [],
      tor: row.tor === true,
      tokenUsedBy: row.tokenUsedBy,
    };
  }

  /**
   * Stores the assessment and what the login taught, atomically. Idempotent on the assessment's
   * idempotency key; refuses (and writes nothing) when the token was consumed by another login.
   */
  async record(tenantId: string, r: RecordLogin): Promise<RecordResult> {
    return withTenant(this.db, tenantId, async (m) => {
      if (r.tokenId) {
        const used = await m.query(
          `INSERT INTO token_uses (tenant_id, token_id, assessment_id) VALUES ($1, $2, $3)
           ON CONFLICT (tenant_id, token_id) DO UPDATE SET token_id = EXCLUDED.token_id RETURNING assessment_id AS "by"`,
          [tenantId, r.tokenId, r.assessment.id],
        );
        if (used[0].by !== r.assessment.id) return { state: 'token-used', by: used[0].by } as const;
      }
      const accountId = await this.upsertAccount(m, tenantId, r);
      let deviceId: string | null = null;
      let deviceStatus: string | null = null;
      if (r.device) {
        let dev: { id: string; status: string } | undefined;
        if (r.device.matchedDeviceId) {
          // The same device after a browser update: it takes the new fingerprint (unless another
          // device row already has it, then the login is recorded on that one as usual).
          [dev] = rowsOf<{ id: string; status: string }>(await m.query(
            `UPDATE devices SET visitor_id = $3, storage_id = COALESCE($4, storage_id), components = $5, last_seen_at = now()
              WHERE tenant_id = $1 AND id = $2 AND NOT EXISTS (SELECT 1 FROM devices o WHERE o.tenant_id = $1 AND o.visitor_id = $3)
              RETURNING id, status`,
            [tenantId, r.device.matchedDeviceId, r.device.visitorId, r.device.storageId, JSON.stringify(r.device.components)],
          ));
        }
        dev ??= (await m.query(
          `INSERT INTO devices (tenant_id, visitor_id, storage_id, components) VALUES ($1, $2, $3, $4)
           ON CONFLICT (tenant_id, visitor_id) DO UPDATE SET last_seen_at = now(),
             storage_id = COALESCE(EXCLUDED.storage_id, devices.storage_id), components = EXCLUDED.components
           RETURNING id, status`,
          [tenantId, r.device.visitorId, r.device.storageId, JSON.stringify(r.device.components)],
        ))[0];
        deviceId = dev!.id;
        const [link] = await m.query(
          `INSERT INTO account_devices (tenant_id, account_id, device_id, status, logins) VALUES ($1, $2, $3, $4, 1)
           ON CONFLICT (account_id, device_id) DO UPDATE SET last_seen_at = now(), logins = account_devices.logins + 1,
             status = CASE WHEN account_devices.status IN ('fraud', 'trusted') THEN account_devices.status
                           WHEN EXCLUDED.status = 'trusted' THEN 'trusted'
                           ELSE account_devices.status END
           RETURNING status`,
          [tenantId, accountId, deviceId, r.linkStatus],
        );
        deviceStatus = dev!.status === 'fraud' || link.status === 'fraud' ? 'fraud' : r.sharedDevice ? 'shared' : link.status;
      }
      const a = r.assessment;
      const inserted = await m.query(
        `INSERT INTO assessments (id, tenant_id, idempotency_key, account_id, device_id, bundle_id, event, status, decision,
           policy_decision, shadow, score, scores, reasons, device_status, ip, country, asn, user_agent, created_at, language)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
         ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id`,
        [a.id, tenantId, a.idempotencyKey, accountId, deviceId, a.bundleId, a.event, a.status, a.decision, a.policyDecision, a.shadow,
          a.score, JSON.stringify(a.scores), JSON.stringify(a.reasons), deviceStatus, a.ip, a.country, a.asn, a.userAgent, a.createdAt, a.language ?? null],
      );
      if (!inserted.length) {
        // Another delivery of the same job got here first: undo everything this one wrote.
        throw new DuplicateAssessment();
      }
      return { state: 'recorded', accountId, deviceId, deviceStatus } as const;
    }).catch((e: unknown) => {
      if (e instanceof DuplicateAssessment) return { state: 'duplicate' } as const;
      throw e;
    });
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
    label: 'legit' | 'fraud' | 'challenge_passed' | 'challenge_failed',
    learn?: (ctx: LabelLearningContext) => RecordLogin['learned'],
  ): Promise<boolean> {
    return withTenant(this.db, tenantId, async (m) => {
      // Two labels of one login applied at once must not both learn: the second waits here for the
      // first to commit, and its claim below then sees the first one applied.
      await m.query(`SELECT 1 FROM assessments WHERE tenant_id = $1 AND id = (SELECT assessment_id FROM feedback WHERE tenant_id = $1 AND id = $2) FOR UPDATE`, [
        tenantId,
        feedbackId,
      ]);
      const claimed = rowsOf<{ accountId: string; deviceId: string | null; bundleId: string | null; trustedAtScore: boolean; ip: string | null; country: string | null; language: string | null; createdAt: Date }>(
        await m.query(
          `UPDATE feedback f SET applied_at = now() FROM assessments a
            WHERE f.tenant_id = $1 AND f.id = $2 AND f.applied_at IS NULL AND a.tenant_id = f.tenant_id AND a.id = f.assessment_id
            RETURNING a.account_id AS "accountId", a.device_id AS "deviceId", a.bundle_id AS "bundleId",
                      (a.status = 'succeeded' AND a.policy_decision = 'allow'
                       OR EXISTS (SELECT 1 FROM feedback o WHERE o.tenant_id = f.tenant_id AND o.assessment_id = f.assessment_id AND o.id <> f.id
                                   AND o.applied_at IS NOT NULL AND o.label IN ('legit', 'challenge_passed'))) AS "trustedAtScore",
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
              `SELECT id, login_count AS "loginCount", trusted_logins AS "trustedLogins", typing_profile AS "typingProfile",
                      pointer_profile AS "pointerProfile", countries, languages, networks, last_login AS "lastLogin"
                 FROM accounts WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
              [tenantId, accountId],
            ),
          );
          const [bundle] = c.bundleId
            ? rowsOf<{ payload: unknown }>(await m.query(`SELECT payload FROM signal_bundles WHERE tenant_id = $1 AND id = $2`, [tenantId, c.bundleId]))
            : [];
          const l = learn && acc ? learn({ account: acc, bundle: bundle?.payload ?? null, ip: c.ip, country: c.country, language: c.language, at: new Date(c.createdAt).getTime() }) : null;
          await m.query(
            `UPDATE accounts SET trusted_logins = trusted_logins + 1,
                typing_profile = CASE WHEN $3 THEN $4::jsonb ELSE typing_profile END,
                pointer_profile = CASE WHEN $5 THEN $6::jsonb ELSE pointer_profile END,
                countries = COALESCE($7, countries), languages = COALESCE($8, languages),
                last_login = CASE WHEN $9 THEN $10::jsonb ELSE last_login END,
                networks = COALESCE($11, networks)
              WHERE tenant_id = $1 AND id = $2`,
            [tenantId, accountId, l?.typingProfile !== undefined, json(l?.typingProfile), l?.pointerProfile !== undefined, json(l?.pointerProfile),
              l?.countries ?? null, l?.languages ?? null,
              // an older login does not replace a newer last login
              !!l && (!acc?.lastLogin || acc.lastLogin.at <= (l.lastLogin?.at ?? 0)), json(l?.lastLogin),
              l?.networks ?? null],
          );
        }
        if (deviceId) {
          await m.query(`UPDATE account_devices SET status = 'trusted' WHERE tenant_id = $1 AND account_id = $2 AND device_id = $3 AND status <> 'fraud'`, [
            tenantId,
            accountId,
            deviceId,
          ]);
        }
      } else if (label === 'fraud' && deviceId) {
        await m.query(`UPDATE account_devices SET status = 'fraud' WHERE tenant_id = $1 AND account_id = $2 AND device_id = $3`, [tenantId, accountId, deviceId]);
        await m.query(`UPDATE devices SET status = 'fraud' WHERE tenant_id = $1 AND id = $2`, [tenantId, deviceId]);
      }
      return true;
    });
  }

  private async upsertAccount(m: EntityManager, tenantId: string, r: RecordLogin): Promise<string> {
    const l = r.learned;
    const rows = rowsOf<{ id: string }>(
      await m.query(
        `INSERT INTO accounts (tenant_id, user_hash, login_count, trusted_logins, typing_profile, pointer_profile, countries, languages, last_login, networks)
         VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $12)
         ON CONFLICT (tenant_id, user_hash) DO UPDATE SET last_seen_at = now(), login_count = accounts.login_count + 1,
           trusted_logins = accounts.trusted_logins + EXCLUDED.trusted_logins,
           typing_profile = CASE WHEN $9 THEN EXCLUDED.typing_profile ELSE accounts.typing_profile END,
           pointer_profile = CASE WHEN $10 THEN EXCLUDED.pointer_profile ELSE accounts.pointer_profile END,
           countries = CASE WHEN $11 THEN EXCLUDED.countries ELSE accounts.countries END,
           languages = CASE WHEN $11 THEN EXCLUDED.languages ELSE accounts.languages END,
           last_login = CASE WHEN $11 THEN EXCLUDED.last_login ELSE accounts.last_login END,
           networks = CASE WHEN $13 THEN EXCLUDED.networks ELSE accounts.networks END
         RETURNING id`,
        [tenantId, r.userHash, l ? 1 : 0, json(l?.typingProfile), json(l?.pointerProfile), l?.countries ?? [], l?.languages ?? [],
          json(l?.lastLogin), l?.typingProfile !== undefined, l?.pointerProfile !== undefined, l !== null, l?.networks ?? [], l?.networks !== undefined],
      ),
    );
    return rows[0].id;
  }
}

class DuplicateAssessment extends Error {}

function json(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}

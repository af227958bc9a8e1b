import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AdminRole } from './admin.repository';
import { rowsOf } from './rows';
import { type QueryRow, withTenant } from '../tenant-scope';

export interface AdminAuthRow {
  id: string;
  tenantId: string;
  email: string;
  role: AdminRole;
  passwordHash: string;
  totpSecret: string | null;
  totpPending: string | null;
  totpLastStep: string | null;
  mustChangePassword: boolean;
}

export interface AdminSessionRow {
  sessionId: string;
  tenantId: string;
  tenantName: string;
  adminId: string;
  email: string;
  role: AdminRole;
  totpEnabled: boolean;
  mustChangePassword: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface TeamMemberRow {
  id: string;
  email: string;
  role: AdminRole;
  totpEnabled: boolean;
  mustChangePassword: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}

export interface AuditEntry {
  adminId: string | null;
  actor: string;
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
}

const ADMIN_COLUMNS = `id, tenant_id AS "tenantId", email, role, password_hash AS "passwordHash",
  totp_secret AS "totpSecret", totp_pending AS "totpPending", totp_last_step::text AS "totpLastStep",
  must_change_password AS "mustChangePassword"`;

/**
 * Console identities: admins, their server-side sessions (only a hash of the token is stored) and
 * the audit log. Every method is tenant-scoped except the login lookup by e-mail, which is the
 * entry point that discovers the tenant (like ApiKeyRepository.findActiveByPrefix).
 */
@Injectable()
export class AdminAuthRepository {
  constructor(private readonly db: DataSource) {}

  /** One statement as the tenant (row-level security), read-only. */
  private read<T = QueryRow[]>(tenantId: string, sql: string, params: unknown[]): Promise<T> {
    return withTenant(this.db, tenantId, (m) => m.query(sql, params), { readOnly: true });
  }

  /** One statement as the tenant (row-level security). */
  private write<T = QueryRow[]>(tenantId: string, sql: string, params: unknown[]): Promise<T> {
    return withTenant(this.db, tenantId, (m) => m.query(sql, params));
  }

  /** Login entry point: the admins with this e-mail (an address may be an admin of several tenants). */
  async findByEmailForLogin(email: string): Promise<AdminAuthRow[]> {
    // Crosses tenants by design: the SECURITY DEFINER function kizuki_admin_login_lookup (row-level security).
    return this.db.query(
      `SELECT id, tenant_id AS "tenantId", email, role, password_hash AS "passwordHash", totp_secret AS "totpSecret",
              totp_pending AS "totpPending", totp_last_step AS "totpLastStep",
              must_change_password AS "mustChangePassword"
         FROM kizuki_admin_login_lookup($1)`,
      [email],
    );
  }

  /** Admins whose TOTP seeds are still in clear (stored before sealing): only the clear values. */
  async findUnsealedTotp(
    limit: number,
  ): Promise<{ id: string; tenantId: string; totpSecret: string | null; totpPending: string | null }[]> {
    // Crosses tenants by design: the SECURITY DEFINER function kizuki_admin_totp_unsealed (row-level security).
    return this.db.query(
      `SELECT id, tenant_id AS "tenantId", totp_secret AS "totpSecret", totp_pending AS "totpPending"
         FROM kizuki_admin_totp_unsealed($1)`,
      [limit],
    );
  }

  /**
   * Replaces a clear seed with its sealed form, only if it is still that clear seed (another api may have sealed it
   * first).
   */
  async sealTotpColumn(
    tenantId: string,
    adminId: string,
    column: 'totp_secret' | 'totp_pending',
    clear: string,
    sealed: string,
  ): Promise<void> {
    await this.write(tenantId, `UPDATE admins SET ${column} = $4 WHERE tenant_id = $1 AND id = $2 AND ${column} = $3`, [
      tenantId,
      adminId,
      clear,
      sealed,
    ]);
  }

  async findById(tenantId: string, adminId: string): Promise<AdminAuthRow | null> {
    const [row] = await this.read<AdminAuthRow[]>(
      tenantId,
      `SELECT ${ADMIN_COLUMNS} FROM admins WHERE tenant_id = $1 AND id = $2`,
      [tenantId, adminId],
    );
    return row ?? null;
  }

  async createSession(
    tenantId: string,
    s: { adminId: string; tokenHash: string; expiresAt: Date; ip: string | null; userAgent: string | null },
  ): Promise<{ id: string }> {
    const [row] = await this.write<{ id: string }[]>(
      tenantId,
      `INSERT INTO admin_sessions (tenant_id, admin_id, token_hash, expires_at, ip, user_agent)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [tenantId, s.adminId, s.tokenHash, s.expiresAt, s.ip, s.userAgent?.slice(0, 300) ?? null],
    );
    await this.write(tenantId, `UPDATE admins SET last_login_at = now() WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      s.adminId,
    ]);
    return row;
  }

  /**
   * Session entry point: by token hash (the token names its tenant). Unexpired, unrevoked, and not
   * idle for longer than idleMs; null otherwise.
   */
  async findSessionByTokenHash(tokenHash: string, idleMs: number): Promise<AdminSessionRow | null> {
    // Crosses tenants by design: the SECURITY DEFINER function kizuki_admin_session_lookup (row-level security).
    const [row] = await this.db.query(
      `SELECT session_id AS "sessionId", tenant_id AS "tenantId", tenant_name AS "tenantName", admin_id AS "adminId",
              email, role, totp_enabled AS "totpEnabled", must_change_password AS "mustChangePassword",
              created_at AS "createdAt", last_seen_at AS "lastSeenAt", expires_at AS "expiresAt"
         FROM kizuki_admin_session_lookup($1, $2)`,
      [tokenHash, idleMs],
    );
    return row ?? null;
  }

  async touchSession(tenantId: string, sessionId: string): Promise<void> {
    await this.write(tenantId, `UPDATE admin_sessions SET last_seen_at = now() WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      sessionId,
    ]);
  }

  async revokeSession(tenantId: string, sessionId: string): Promise<void> {
    await this.write(
      tenantId,
      `UPDATE admin_sessions SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL`,
      [tenantId, sessionId],
    );
  }

  /** Ends every session of an admin (password change, role change, removal), except `keep`. */
  async revokeAdminSessions(tenantId: string, adminId: string, keep: string | null = null): Promise<void> {
    await this.write(
      tenantId,
      `UPDATE admin_sessions SET revoked_at = now()
        WHERE tenant_id = $1 AND admin_id = $2 AND revoked_at IS NULL AND id IS DISTINCT FROM $3`,
      [tenantId, adminId, keep],
    );
  }

  async setPassword(tenantId: string, adminId: string, passwordHash: string, mustChange: boolean): Promise<void> {
    await this.write(
      tenantId,
      `UPDATE admins SET password_hash = $3, must_change_password = $4 WHERE tenant_id = $1 AND id = $2`,
      [tenantId, adminId, passwordHash, mustChange],
    );
  }

  async setTotpPending(tenantId: string, adminId: string, secret: string | null): Promise<void> {
    await this.write(tenantId, `UPDATE admins SET totp_pending = $3 WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      adminId,
      secret,
    ]);
  }

  async enableTotp(tenantId: string, adminId: string, secret: string, step: number): Promise<void> {
    await this.write(
      tenantId,
      `UPDATE admins SET totp_secret = $3, totp_pending = NULL, totp_last_step = $4 WHERE tenant_id = $1 AND id = $2`,
      [tenantId, adminId, secret, step],
    );
  }

  async disableTotp(tenantId: string, adminId: string): Promise<void> {
    await this.write(
      tenantId,
      `UPDATE admins SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, adminId],
    );
  }

  /** Records the TOTP time step just used; false if it (or a later one) was already used: a replay. */
  async claimTotpStep(tenantId: string, adminId: string, step: number): Promise<boolean> {
    const rows = rowsOf(
      await this.write(
        tenantId,
        `UPDATE admins SET totp_last_step = $3
          WHERE tenant_id = $1 AND id = $2 AND (totp_last_step IS NULL OR totp_last_step < $3)
          RETURNING id`,
        [tenantId, adminId, step],
      ),
    );
    return rows.length === 1;
  }

  async listTeam(tenantId: string): Promise<TeamMemberRow[]> {
    return this.read(
      tenantId,
      `SELECT id, email, role, (totp_secret IS NOT NULL) AS "totpEnabled", must_change_password AS "mustChangePassword",
              last_login_at AS "lastLoginAt", created_at AS "createdAt"
         FROM admins WHERE tenant_id = $1 ORDER BY created_at`,
      [tenantId],
    );
  }

  /** A new admin; null when the e-mail is already an admin of this tenant. */
  async createMember(
    tenantId: string,
    m: { email: string; role: AdminRole; passwordHash: string },
  ): Promise<{ id: string } | null> {
    const [row] = await this.write<{ id: string }[]>(
      tenantId,
      `INSERT INTO admins (tenant_id, email, role, password_hash, must_change_password)
       VALUES ($1, lower($2), $3, $4, true)
       ON CONFLICT (tenant_id, email) DO NOTHING RETURNING id`,
      [tenantId, m.email, m.role, m.passwordHash],
    );
    return row ?? null;
  }

  async setRole(tenantId: string, adminId: string, role: AdminRole): Promise<{ before: AdminRole } | null> {
    const rows = rowsOf<{ before: AdminRole }>(
      await this.write(
        tenantId,
        `UPDATE admins a SET role = $3 FROM admins old
          WHERE a.tenant_id = $1 AND a.id = $2 AND old.id = a.id
          RETURNING old.role AS before`,
        [tenantId, adminId, role],
      ),
    );
    return rows[0] ?? null;
  }

  async removeMember(tenantId: string, adminId: string): Promise<{ email: string; role: AdminRole } | null> {
    const rows = rowsOf<{ email: string; role: AdminRole }>(
      await this.write(tenantId, `DELETE FROM admins WHERE tenant_id = $1 AND id = $2 RETURNING email, role`, [
        tenantId,
        adminId,
      ]),
    );
    return rows[0] ?? null;
  }

  async countAdmins(tenantId: string): Promise<number> {
    const [row] = await this.read(
      tenantId,
      `SELECT count(*)::int AS n FROM admins WHERE tenant_id = $1 AND role = 'admin'`,
      [tenantId],
    );
    return row.n;
  }

  async audit(tenantId: string, e: AuditEntry): Promise<void> {
    await this.write(
      tenantId,
      `INSERT INTO audit_log (tenant_id, admin_id, actor, action, target_type, target_id, before, after, ip)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        tenantId,
        e.adminId,
        e.actor,
        e.action,
        e.targetType,
        e.targetId ?? null,
        json(e.before),
        json(e.after),
        e.ip ?? null,
      ],
    );
  }

  async listAudit(tenantId: string, limit: number, before?: { createdAt: string; id: string }): Promise<unknown[]> {
    return this.read(
      tenantId,
      `SELECT id, actor, action, target_type AS "targetType", target_id AS "targetId", before, after, host(ip) AS ip,
              created_at AS "createdAt"
         FROM audit_log
        WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [tenantId, before?.createdAt ?? null, before?.id ?? null, limit],
    );
  }
}

function json(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}

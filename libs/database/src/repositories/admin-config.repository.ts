import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ListKind, ListName } from './list.repository';
import { rowsOf } from './rows';
import { type QueryRow, withTenant } from '../tenant-scope';

export interface ListEntryRow {
  id: string;
  list: ListName;
  kind: ListKind;
  value: string;
  comment: string | null;
  expiresAt: Date | null;
  createdAt: Date;
  expired: boolean;
}

export interface ApiKeyListRow {
  id: string;
  kind: 'publishable' | 'secret';
  prefix: string;
  label: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  replacedBy: string | null;
  active: boolean;
}

const KEY_COLUMNS = `id, kind, prefix, label, created_at AS "createdAt", expires_at AS "expiresAt",
  revoked_at AS "revokedAt", last_used_at AS "lastUsedAt", replaced_by AS "replacedBy",
  (revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())) AS active`;

/** What an admin configures: lists, policy, API keys. Tenant-scoped, every method. */
@Injectable()
export class AdminConfigRepository {
  constructor(private readonly db: DataSource) {}

  /** One statement as the tenant (row-level security), read-only. */
  private read<T = QueryRow[]>(tenantId: string, sql: string, params: unknown[]): Promise<T> {
    return withTenant(this.db, tenantId, (m) => m.query(sql, params), { readOnly: true });
  }

  /** One statement as the tenant (row-level security). */
  private write<T = QueryRow[]>(tenantId: string, sql: string, params: unknown[]): Promise<T> {
    return withTenant(this.db, tenantId, (m) => m.query(sql, params));
  }

  async listEntries(tenantId: string): Promise<ListEntryRow[]> {
    return this.read(
      tenantId,
      `SELECT id, list, kind, value, comment, expires_at AS "expiresAt", created_at AS "createdAt",
              (expires_at IS NOT NULL AND expires_at <= now()) AS expired
         FROM list_entries WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT 5000`,
      [tenantId],
    );
  }

  /** PostgreSQL's own verdict on a CIDR value (the type the scoring query casts it to). */
  async isValidCidr(value: string): Promise<boolean> {
    try {
      await this.db.query(`SELECT $1::cidr`, [value]);
      return true;
    } catch {
      return false;
    }
  }

  async findEntry(tenantId: string, id: string): Promise<ListEntryRow | null> {
    const [row] = await this.read<ListEntryRow[]>(
      tenantId,
      `SELECT id, list, kind, value, comment, expires_at AS "expiresAt", created_at AS "createdAt", false AS expired
         FROM list_entries WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return row ?? null;
  }

  async deleteEntry(tenantId: string, id: string): Promise<ListEntryRow | null> {
    const rows = rowsOf<ListEntryRow>(
      await this.write(
        tenantId,
        `DELETE FROM list_entries WHERE tenant_id = $1 AND id = $2
         RETURNING id, list, kind, value, comment, expires_at AS "expiresAt"`,
        [tenantId, id],
      ),
    );
    return rows[0] ?? null;
  }

  async policy(tenantId: string): Promise<Record<string, unknown>> {
    const [row] = await this.read(tenantId, `SELECT policy FROM tenants WHERE id = $1`, [tenantId]);
    return row?.policy ?? {};
  }

  async setPolicy(tenantId: string, policy: Record<string, unknown>): Promise<void> {
    await this.write(tenantId, `UPDATE tenants SET policy = $2 WHERE id = $1`, [tenantId, JSON.stringify(policy)]);
  }

  /** Where the tenant's publishable keys may collect from: web origins and mobile app ids. */
  async sources(tenantId: string): Promise<{ origins: string[]; appIds: string[] }> {
    const [row] = await this.read(tenantId, `SELECT origins, app_ids AS "appIds" FROM tenants WHERE id = $1`, [
      tenantId,
    ]);
    return { origins: row?.origins ?? [], appIds: row?.appIds ?? [] };
  }

  async setSources(tenantId: string, sources: { origins: string[]; appIds: string[] }): Promise<void> {
    await this.write(tenantId, `UPDATE tenants SET origins = $2, app_ids = $3 WHERE id = $1`, [
      tenantId,
      sources.origins,
      sources.appIds,
    ]);
  }

  async apiKeys(tenantId: string): Promise<ApiKeyListRow[]> {
    return this.read(tenantId, `SELECT ${KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at DESC`, [
      tenantId,
    ]);
  }

  async findApiKey(tenantId: string, id: string): Promise<ApiKeyListRow | null> {
    const [row] = await this.read<ApiKeyListRow[]>(
      tenantId,
      `SELECT ${KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return row ?? null;
  }

  async createApiKey(
    tenantId: string,
    k: { kind: 'publishable' | 'secret'; prefix: string; hash: string; label: string | null },
  ): Promise<ApiKeyListRow> {
    const [row] = await this.write<ApiKeyListRow[]>(
      tenantId,
      `INSERT INTO api_keys (tenant_id, kind, prefix, hash, label) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${KEY_COLUMNS}`,
      [tenantId, k.kind, k.prefix, k.hash, k.label],
    );
    return row;
  }

  /** Rotation: a new key of the same kind; the old one keeps working until `overlapUntil`. */
  async rotateApiKey(
    tenantId: string,
    id: string,
    k: { prefix: string; hash: string },
    overlapUntil: Date,
  ): Promise<ApiKeyListRow | null> {
    return withTenant(this.db, tenantId, async (m) => {
      const [old] = await m.query(
        `SELECT kind, label FROM api_keys
          WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
            FOR UPDATE`,
        [tenantId, id],
      );
      if (!old) return null;
      const [created] = await m.query(
        `INSERT INTO api_keys (tenant_id, kind, prefix, hash, label) VALUES ($1, $2, $3, $4, $5)
         RETURNING ${KEY_COLUMNS}`,
        [tenantId, old.kind, k.prefix, k.hash, old.label],
      );
      await m.query(
        `UPDATE api_keys SET expires_at = least(coalesce(expires_at, $3), $3), replaced_by = $4
          WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id, overlapUntil, created.id],
      );
      return created;
    });
  }

  async revokeApiKey(tenantId: string, id: string): Promise<boolean> {
    const rows = rowsOf(
      await this.write(
        tenantId,
        `UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING id`,
        [tenantId, id],
      ),
    );
    return rows.length === 1;
  }
}

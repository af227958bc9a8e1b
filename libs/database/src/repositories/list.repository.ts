import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withTenant } from '../tenant-scope';

export type ListName = 'allow' | 'deny';
export type ListKind = 'ip' | 'cidr' | 'device' | 'user' | 'asn' | 'country';

export interface ListProbe {
  ip: string | null;
  deviceId: string | null;
  userHash: string;
  asn: number | null;
  country: string | null;
}

export interface ListMatchRow {
  list: ListName;
  kind: ListKind;
  value: string;
  comment: string | null;
}

@Injectable()
export class ListRepository {
  constructor(private readonly db: DataSource) {}

  /** Unexpired entries of this tenant that match the login. CIDR values are validated on insert. */
  async matches(tenantId: string, p: ListProbe): Promise<ListMatchRow[]> {
    return withTenant(this.db, tenantId, (m) => m.query(
      `SELECT list, kind, value, comment FROM list_entries
        WHERE tenant_id = $1 AND (expires_at IS NULL OR expires_at > now()) AND (
              (kind = 'ip' AND value = $2)
           OR (kind = 'cidr' AND $2::inet IS NOT NULL AND $2::inet <<= value::cidr)
           OR (kind = 'device' AND value = $3)
           OR (kind = 'user' AND value = $4)
           OR (kind = 'asn' AND value = $5)
           OR (kind = 'country' AND value = $6))`,
      [tenantId, p.ip, p.deviceId, p.userHash, p.asn === null ? null : String(p.asn), p.country],
    ), { readOnly: true });
  }

  async add(tenantId: string, e: { list: ListName; kind: ListKind; value: string; comment?: string | null; expiresAt?: Date | null }): Promise<{ id: string }> {
    const [row] = await withTenant(this.db, tenantId, (m) => m.query(
      `INSERT INTO list_entries (tenant_id, list, kind, value, comment, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant_id, list, kind, value) DO UPDATE SET comment = EXCLUDED.comment, expires_at = EXCLUDED.expires_at
       RETURNING id`,
      [tenantId, e.list, e.kind, e.value, e.comment ?? null, e.expiresAt ?? null],
    ));
    return row;
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withTenant } from '../tenant-scope';

export type ListName = 'allow' | 'deny';
export type ListKind = 'ip' | 'cidr' | 'device' | 'user' | 'asn' | 'country';

/** A list entry that matches a login (found by libs/database/sql/kizuki_score_load_many.sql). */
export interface ListMatchRow {
  list: ListName;
  kind: ListKind;
  value: string;
  comment: string | null;
}

@Injectable()
export class ListRepository {
  constructor(private readonly db: DataSource) {}

  async add(
    tenantId: string,
    e: { list: ListName; kind: ListKind; value: string; comment?: string | null; expiresAt?: Date | null },
  ): Promise<{ id: string }> {
    const [row] = await withTenant(this.db, tenantId, (m) =>
      m.query(
        `INSERT INTO list_entries (tenant_id, list, kind, value, comment, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (tenant_id, list, kind, value)
         DO UPDATE SET comment = EXCLUDED.comment, expires_at = EXCLUDED.expires_at
         RETURNING id`,
        [tenantId, e.list, e.kind, e.value, e.comment ?? null, e.expiresAt ?? null],
      ),
    );
    return row;
  }
}

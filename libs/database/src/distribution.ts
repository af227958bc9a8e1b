// How Kizuki's tables would be spread over a sharded PostgreSQL (Citus): every tenant table is
// distributed by tenant_id, so each of its keys holds tenant_id and a tenant's rows, and every
// query of the score path, live on one shard. The tables below are the exceptions, each declared
// with its reason (docs/operations.md, "Past one PostgreSQL server"). tenantKeyViolations() checks
// a migrated database against this; test/e2e/schema-distribution.e2e-spec.ts runs it.

/** Small tables replicated to every node: read before the tenant is known, or shared by all tenants. */
export const REFERENCE_TABLES: Readonly<Record<string, string>> = {
  tenants: 'the distribution key itself; every tenant table refers to it, or to an account or device of it',
  api_keys: 'each request finds its key by prefix before the tenant is known',
  admins: 'a console sign-in finds the admin by email before the tenant is known',
  admin_sessions: 'a console request finds its session by token hash before the tenant is known',
  tor_exit_nodes: 'network data shared by all tenants',
  // about 1 M rows (the imported corpus, replaced whole): a copy on each node keeps a lookup local
  breached_password_ranges: 'the breached-password corpus shared by all tenants',
  breached_password_corpus: 'which corpus is loaded (one row)',
};

/** Bookkeeping of the schema itself, kept on the coordinator only. */
export const LOCAL_TABLES: Readonly<Record<string, string>> = {
  kizuki_migrations: 'migrations run',
  kizuki_sql_functions: 'SQL function files applied, by checksum',
};

export interface QueryRunnerLike {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

const TABLES = `
  SELECT c.relname AS name,
         EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'
                   AND a.attnotnull AND NOT a.attisdropped) AS "hasTenant"
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition`;
// unique indexes include those behind PRIMARY KEY and UNIQUE constraints
const UNIQUE_KEYS = `
  SELECT c.relname AS "table", i.indexrelid::regclass::text AS name, i.indisprimary AS "primary",
         ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(num, ord)
                 JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.num ORDER BY k.ord) AS columns
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = current_schema() AND i.indisunique AND c.relkind IN ('r', 'p') AND NOT c.relispartition`;
const FOREIGN_KEYS = `
  SELECT c.relname AS "table", k.conname AS name, f.relname AS "references",
         ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY x(num, ord)
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = x.num ORDER BY x.ord) AS columns,
         ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY x(num, ord)
                 JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = x.num ORDER BY x.ord) AS "referenced"
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = current_schema() AND k.contype = 'f' AND NOT c.relispartition`;

/**
 * What keeps the schema from being distributed by tenant_id, one line per problem (none: it can be):
 * a table neither declared nor holding tenant_id; a tenant table's primary or unique key without
 * tenant_id; a foreign key of a tenant table that does not carry tenant_id to the row it refers to
 * (or to a reference table); a reference table referring to a distributed one.
 */
export async function tenantKeyViolations(
  db: QueryRunnerLike,
  declared: { reference: Record<string, string>; local: Record<string, string> } = {
    reference: REFERENCE_TABLES,
    local: LOCAL_TABLES,
  },
): Promise<string[]> {
  const tables = (await db.query(TABLES)) as { name: string; hasTenant: boolean }[];
  const keys = (await db.query(UNIQUE_KEYS)) as { table: string; name: string; primary: boolean; columns: string[] }[];
  const fks = (await db.query(FOREIGN_KEYS)) as {
    table: string;
    name: string;
    references: string;
    columns: string[];
    referenced: string[];
  }[];
  const isDeclared = (t: string) => t in declared.reference || t in declared.local;
  const distributed = new Set(tables.filter((t) => !isDeclared(t.name)).map((t) => t.name));
  const out: string[] = [];
  for (const t of tables) {
    if (isDeclared(t.name)) continue;
    if (!t.hasTenant) out.push(`${t.name}: no tenant_id NOT NULL column, and not a declared reference table`);
    if (!keys.some((k) => k.table === t.name && k.primary)) out.push(`${t.name}: no primary key`);
  }
  for (const k of keys) {
    if (distributed.has(k.table) && !k.columns.includes('tenant_id'))
      out.push(
        `${k.table}: ${k.primary ? 'primary' : 'unique'} key ${k.name} (${k.columns.join(', ')}) lacks tenant_id`,
      );
  }
  for (const f of fks) {
    const what = `${f.table}: foreign key ${f.name} (${f.columns.join(', ')}) → ${f.references}`;
    if (distributed.has(f.table)) {
      if (f.references in declared.reference) continue;
      const at = f.columns.indexOf('tenant_id');
      if (at < 0) out.push(`${what} lacks tenant_id`);
      else if (f.referenced[at] !== 'tenant_id') out.push(`${what} does not match tenant_id to tenant_id`);
    } else if (distributed.has(f.references)) {
      out.push(`${what}: a reference or local table refers to a distributed one`);
    }
  }
  return out.sort();
}

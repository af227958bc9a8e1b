import type { MigrationInterface, QueryRunner } from 'typeorm';
import { canonicalIp, parseCidr } from '../libs/scoring/src/network/ip';
import { LOAD as LOAD_BEFORE } from './1764490800000-partition-locks';

// IP addresses compared as text: a deny-listed 203.0.113.50 missed the same client reported as
// ::ffff:203.0.113.50 (how a dual-stack socket reports IPv4), a CIDR entry missed mapped forms, and
// 2001:4860:0:0:0:0:0:8888 was not the stored 2001:4860::8888. The api now canonicalises every
// address where it enters (libs/scoring/src/network/ip.ts); this migration
// - compares list entries as inet in kizuki_score_load, against the canonical inet of p_ip (so a
//   job queued by an older api with a mapped address matches too), Tor exits the same way;
// - rewrites what is stored: mapped IPv4 in the inet columns becomes IPv4 (the dashboard's top IPs
//   group by it), and list values become their canonical text (a duplicate that then equals
//   another entry of the same list is removed, the canonical one kept).
// down() restores 1764490800000's kizuki_score_load; rewritten rows stay rewritten (same addresses).
export class CanonicalIp1764490900000 implements MigrationInterface {
  name = 'CanonicalIp1764490900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(CANONICAL_FUNCTION);
    await q.query(LOAD);
    for (const table of ['signal_bundles', 'assessments', 'admin_sessions', 'audit_log']) {
      await q.query(`UPDATE ${table} SET ip = kizuki_ip_canonical(ip) WHERE ip <<= '::ffff:0.0.0.0/96'`);
    }
    await q.query(`INSERT INTO tor_exit_nodes (ip) SELECT kizuki_ip_canonical(ip) FROM tor_exit_nodes WHERE ip <<= '::ffff:0.0.0.0/96' ON CONFLICT DO NOTHING`);
    await q.query(`DELETE FROM tor_exit_nodes WHERE ip <<= '::ffff:0.0.0.0/96'`);

    const rows: { id: string; tenant_id: string; list: string; kind: 'ip' | 'cidr'; value: string }[] = await q.query(
      `SELECT id, tenant_id, list, kind, value FROM list_entries WHERE kind IN ('ip', 'cidr') ORDER BY created_at, id`,
    );
    const taken = new Set(rows.map((r) => `${r.tenant_id}|${r.list}|${r.kind}|${r.value}`));
    for (const r of rows) {
      const block = r.kind === 'cidr' ? parseCidr(r.value) : null;
      // a stored block with host bits (IPv6 ones were let through) becomes its network: cidr refuses it
      const value = r.kind === 'ip' ? canonicalIp(r.value) : block && `${block.network}/${block.bits}`;
      if (!value || value === r.value) continue;
      const key = `${r.tenant_id}|${r.list}|${r.kind}|${value}`;
      if (taken.has(key)) {
        await q.query(`DELETE FROM list_entries WHERE id = $1`, [r.id]);
      } else {
        await q.query(`UPDATE list_entries SET value = $2 WHERE id = $1`, [r.id, value]);
        taken.add(key);
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(LOAD_BEFORE);
    await q.query(`DROP FUNCTION kizuki_ip_canonical(inet)`);
  }
}

const CANONICAL_FUNCTION = `
  -- canonicalIp of libs/scoring for inet values: IPv4 mapped into IPv6 (::ffff:a.b.c.d) is IPv4
  -- (inet compares families apart: '::ffff:1.2.3.4' is not '1.2.3.4'); a mapped block of at least
  -- 96 bits is the IPv4 block
  CREATE OR REPLACE FUNCTION kizuki_ip_canonical(p inet) RETURNS inet
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog AS $fn$
      SELECT CASE WHEN family(p) = 6 AND masklen(p) >= 96 AND p <<= '::ffff:0.0.0.0/96'::inet
                  THEN set_masklen('0.0.0.0'::inet + (p - '::ffff:0.0.0.0'::inet), masklen(p) - 96)
                  ELSE p END
  $fn$;
`;

const LOAD = replaceOnce(
  replaceOnce(
    replaceOnce(
      LOAD_BEFORE,
      `        v_existing json;\n`,
      `        v_existing json;\n        -- the client as one inet (list entries and Tor exits are compared as inet, not as text)\n        v_ip inet := kizuki_ip_canonical(p_ip::inet);\n`,
    ),
    `'tor', (p_ip IS NOT NULL AND EXISTS (SELECT 1 FROM tor_exit_nodes WHERE ip = p_ip::inet)),`,
    `'tor', (v_ip IS NOT NULL AND EXISTS (SELECT 1 FROM tor_exit_nodes WHERE ip = v_ip)),`,
  ),
  `                     (kind = 'ip' AND value = p_ip)
                  OR (kind = 'cidr' AND p_ip IS NOT NULL AND p_ip::inet <<= value::cidr)`,
  `                     -- CASE: a value is cast only for its own kind
                     (kind IN ('ip', 'cidr') AND v_ip IS NOT NULL
                      AND CASE kind WHEN 'ip' THEN value::inet = v_ip ELSE v_ip <<= value::cidr END)`,
);

/** Replaces the one occurrence of `find`; fails loudly if the earlier text does not hold it exactly once. */
function replaceOnce(text: string, find: string, by: string): string {
  const at = text.indexOf(find);
  if (at < 0 || text.indexOf(find, at + 1) >= 0) throw new Error(`migration 1764490900000: expected one "${find}" in the earlier function body`);
  return text.slice(0, at) + by + text.slice(at + find.length);
}

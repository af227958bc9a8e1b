import type { MigrationInterface, QueryRunner } from 'typeorm';

// TOTP seeds were stored in clear in admins.totp_secret / totp_pending. They are sealed now
// (libs/crypto sealSecret, key from KIZUKI_SECRET), which a migration cannot do: it has no master
// secret. The api seals the clear ones left when it starts; this function lets it find them across
// tenants (row-level security), and returns nothing but those rows' ids and clear values.
export class SealedTotpSecrets1764491000000 implements MigrationInterface {
  name = 'SealedTotpSecrets1764491000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION kizuki_admin_totp_unsealed(p_limit integer)
        RETURNS TABLE (id uuid, tenant_id uuid, totp_secret text, totp_pending text)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
          SELECT id, tenant_id,
                 CASE WHEN totp_secret LIKE 'v1.%' THEN NULL ELSE totp_secret END,
                 CASE WHEN totp_pending LIKE 'v1.%' THEN NULL ELSE totp_pending END
            FROM admins
           WHERE (totp_secret IS NOT NULL AND totp_secret NOT LIKE 'v1.%')
              OR (totp_pending IS NOT NULL AND totp_pending NOT LIKE 'v1.%')
           ORDER BY id LIMIT p_limit
      $$;
      REVOKE ALL ON FUNCTION kizuki_admin_totp_unsealed(integer) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION kizuki_admin_totp_unsealed(integer) TO kizuki_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS kizuki_admin_totp_unsealed(integer)`);
  }
}

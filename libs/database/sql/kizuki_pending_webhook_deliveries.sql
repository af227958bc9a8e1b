-- Deliveries written but never queued (Redis down at that moment), across tenants (SECURITY DEFINER):
-- ids only, bounded. The worker's sweep re-queues each in its tenant's scope.
CREATE OR REPLACE FUNCTION kizuki_pending_webhook_deliveries(p_before timestamp with time zone, p_limit integer)
RETURNS TABLE(tenant_id uuid, id uuid, endpoint_id uuid)
LANGUAGE sql
STABLE SECURITY DEFINER
SET search_path TO 'pg_catalog', 'public'
AS $fn$
  SELECT d.tenant_id, d.id, d.endpoint_id FROM webhook_deliveries d
   WHERE d.status = 'pending' AND d.updated_at < p_before
   ORDER BY d.updated_at LIMIT least(greatest(p_limit, 0), 1000)
$fn$;
REVOKE ALL ON FUNCTION kizuki_pending_webhook_deliveries(timestamp with time zone, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kizuki_pending_webhook_deliveries(timestamp with time zone, integer) TO kizuki_app;

/**
 * The rows in console_hours' shape that make up a dashboard range, for the parameters
 * ($1 tenant, $2 from, $3 the first whole hour, $4 the roll-up's watermark, $5 to): the raw rows of
 * a partial first hour and of the minutes after the watermark (kizuki_console_hours), the rolled-up
 * hours between, and, when the chart's buckets are days, the whole UTC days of console_days in
 * place of their 24 hours (a 30-day range: ~30 rows, not 720). A day without its row (not merged
 * yet, purged, or not a calendar day of the session's time zone, whose buckets it would straddle)
 * is read from its hours, so the answer is the hours' answer either way. Without `topIps` the rolled-up
 * rows' top IP lists are not read (null: the dashboard takes its top IPs from the IP summary snapshot).
 */
export function consoleRangeSql(bucket: 'hour' | 'day', { topIps = true } = {}): string {
  const raw = (from: string, to: string) => `SELECT * FROM kizuki_console_hours($1, ${from}, ${to})`;
  const cols = `total, allow, challenge, deny, failed, events, reasons, countries, asns,
    ${topIps ? 'top_ips' : 'NULL::jsonb AS top_ips'}, users, ips`;
  if (bucket === 'hour') {
    return `${raw('$2', '$3')}
      UNION ALL SELECT hour, ${cols} FROM console_hours WHERE tenant_id = $1 AND hour >= $3 AND hour < $4
      UNION ALL ${raw('$4', '$5')}`;
  }
  const days = `SELECT day, ${cols} FROM console_days d
     WHERE d.tenant_id = $1 AND d.day >= $3 AND d.day + interval '24 hours' <= $4 AND date_trunc('day', d.day) = d.day`;
  return `${raw('$2', '$3')}
    UNION ALL ${days}
    UNION ALL SELECT hour, ${cols} FROM console_hours h WHERE h.tenant_id = $1 AND h.hour >= $3 AND h.hour < $4
      AND NOT EXISTS (${days} AND d.day = date_trunc('day', h.hour, 'UTC'))
    UNION ALL ${raw('$4', '$5')}`;
}

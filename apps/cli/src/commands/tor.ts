import { readFile } from 'node:fs/promises';
import { canonicalIp } from '@kizuki/scoring';
import type { DataSource } from 'typeorm';

/**
 * Addresses of a Tor exit list: one IP per line (the bulk exit list), or the exit-addresses
 * format ("ExitAddress 192.0.2.1 2026-01-01 00:00:00"), in canonical text (canonicalIp). Comments (#)
 * and other words are ignored.
 */
export function parseTorList(text: string): string[] {
  const out = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    for (const word of line.split(/\s+/)) {
      const ip = canonicalIp(word);
      if (ip) out.add(ip);
    }
  }
  return [...out];
}

/** Replaces the Tor exit list (shared by all tenants) with the file's addresses, atomically. */
export async function loadTorList(db: DataSource, file: string): Promise<{ loaded: number }> {
  const ips = parseTorList(await readFile(file, 'utf8'));
  if (!ips.length) throw new Error(`${file}: no IP addresses found`);
  await db.transaction(async (m) => {
    await m.query(`DELETE FROM tor_exit_nodes`);
    for (let i = 0; i < ips.length; i += 5000) {
      await m.query(`INSERT INTO tor_exit_nodes (ip) SELECT unnest($1::inet[]) ON CONFLICT DO NOTHING`, [
        ips.slice(i, i + 5000),
      ]);
    }
  });
  return { loaded: ips.length };
}

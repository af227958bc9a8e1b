import { isIP } from 'node:net';
import type { AdminRole } from '@kizuki/database';

/** Viewers see truncated IPs: 203.0.113.x, 2001:db8:85a3::x. Others see them whole. */
export function maskIp(ip: string | null | undefined, role: AdminRole): string | null {
  if (!ip) return null;
  if (role !== 'viewer') return ip;
  const [addr, bits] = ip.split('/');
  const v = isIP(addr);
  if (v === 4) return `${addr.split('.').slice(0, 3).join('.')}.x${bits ? `/${bits}` : ''}`;
  if (v === 6) {
    const groups = addr.split('::')[0].split(':').filter(Boolean).slice(0, 3);
    return `${groups.join(':')}::x${bits ? `/${bits}` : ''}`;
  }
  return 'x';
}

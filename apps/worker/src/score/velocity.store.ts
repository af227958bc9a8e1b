import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type IORedis from 'ioredis';
import { KizukiConfig } from '@kizuki/config';
import { createRedis } from '@kizuki/queue';
import type { VelocityCounts } from '@kizuki/scoring';

export interface VelocityEvent {
  tenantId: string;
  assessmentId: string;
  userHash: string;
  deviceId: string | null;
  ip: string;
  asn: number | null;
  failed: boolean;
  now: number;
  bruteForceWindowMs: number;
  /** credential-stuffing window (policy.stuffing.windowMinutes) */
  stuffingWindowMs: number;
}

/**
 * Sliding-window counters shared by every worker, in one Redis round trip (a pipeline of sorted
 * set operations). Members are assessment ids or user hashes, so a retried job counts once.
 */
@Injectable()
export class VelocityStore implements OnApplicationShutdown {
  private readonly redis: IORedis;
  private readonly prefix: string;

  constructor(config: KizukiConfig) {
    this.redis = createRedis(config.REDIS_URL, 'worker');
    this.prefix = `${config.KIZUKI_REDIS_PREFIX}:vel`;
  }

  async record(e: VelocityEvent): Promise<VelocityCounts> {
    const w = e.stuffingWindowMs;
    const k = (...parts: (string | number)[]) => `${this.prefix}:${e.tenantId}:${parts.join(':')}`;
    const counters: { key: string; member: string | null; window: number; field: keyof VelocityCounts }[] = [
      { field: 'accountFailures', key: k('af', e.userHash), member: e.failed ? e.assessmentId : null, window: e.bruteForceWindowMs },
      { field: 'accountDeviceFailures', key: k('adf', e.userHash, e.deviceId ?? '-'), member: e.failed && e.deviceId ? e.assessmentId : null, window: e.bruteForceWindowMs },
      { field: 'ipAccounts', key: k('ipa', e.ip), member: e.userHash, window: w },
      { field: 'ipFailures', key: k('ipf', e.ip), member: e.failed ? e.assessmentId : null, window: w },
      { field: 'ipLogins', key: k('ipl', e.ip), member: e.assessmentId, window: w },
      { field: 'deviceAccounts', key: k('dva', e.deviceId ?? '-'), member: e.deviceId ? e.userHash : null, window: w },
      { field: 'asnAccounts', key: k('asa', e.asn ?? '-'), member: e.asn !== null ? e.userHash : null, window: w },
      { field: 'asnLogins', key: k('asl', e.asn ?? '-'), member: e.asn !== null ? e.assessmentId : null, window: w },
      { field: 'asnFailures', key: k('asf', e.asn ?? '-'), member: e.asn !== null && e.failed ? e.assessmentId : null, window: w },
    ];
    const pipeline = this.redis.pipeline();
    for (const c of counters) {
      pipeline.zremrangebyscore(c.key, '-inf', e.now - c.window);
      if (c.member) pipeline.zadd(c.key, e.now, c.member);
      pipeline.zcard(c.key);
      pipeline.pexpire(c.key, c.window);
    }
    const results = (await pipeline.exec()) ?? [];
    const counts = {} as VelocityCounts;
    let i = 0;
    for (const c of counters) {
      i += c.member ? 2 : 1;
      const [err, value] = results[i];
      if (err) throw err;
      counts[c.field] = Number(value);
      i += 2;
    }
    return counts;
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}

import { Injectable } from '@nestjs/common';
import { RedisConnections, type RedisClient } from '@kizuki/queue';
import type { SignupCounts, VelocityCounts } from '@kizuki/scoring';

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
  /** a registration: also counted as an account opened from its device, IP, network and ASN */
  signup?: {
    /** the IP's network (networkPrefix: IPv4 /24, IPv6 /48), null if none */
    network: string | null;
    windowMs: number;
    deviceWindowMs: number;
  };
}

/**
 * One Lua call updates every counter: for each key, drop what left its window, add this login's
 * member (if any), count, and keep the key as long as its window. Was a pipeline of 36 commands
 * (each parsed and dispatched by Redis, each built by ioredis): the worker's and Redis's largest
 * cost per login after PostgreSQL (bench/load.ts). The keys share the prefix's hash tag, so the
 * script runs unchanged on Redis Cluster.
 */
const VELOCITY_SCRIPT = `
local now = tonumber(ARGV[1])
local out = {}
for i, key in ipairs(KEYS) do
  local member = ARGV[2 * i]
  local window = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if member ~= '' then redis.call('ZADD', key, now, member) end
  out[i] = redis.call('ZCARD', key)
  redis.call('PEXPIRE', key, window)
end
return out`;

type RedisWithVelocity = RedisClient & { kizukiVelocity(...args: (string | number)[]): Promise<number[]> };

/**
 * Sliding-window counters shared by every worker, in one Redis round trip (one script). Members
 * are assessment ids or user hashes, so a retried job counts once.
 */
@Injectable()
export class VelocityStore {
  private readonly redis: RedisWithVelocity;
  private readonly prefix: string;

  constructor(connections: RedisConnections) {
    // retries while Redis restarts, like the score job around it
    const redis = connections.bullmq;
    redis.defineCommand('kizukiVelocity', { lua: VELOCITY_SCRIPT });
    this.redis = redis as RedisWithVelocity;
    this.prefix = `${connections.prefix}:vel`;
  }

  async record(e: VelocityEvent): Promise<VelocityCounts> {
    const w = e.stuffingWindowMs;
    const k = (...parts: (string | number)[]) => `${this.prefix}:${e.tenantId}:${parts.join(':')}`;
    const counters: {
      key: string;
      member: string | null;
      window: number;
      field: Exclude<keyof VelocityCounts, 'signup'>;
    }[] = [
      {
        field: 'accountFailures',
        key: k('af', e.userHash),
        member: e.failed ? e.assessmentId : null,
        window: e.bruteForceWindowMs,
      },
      {
        field: 'accountDeviceFailures',
        key: k('adf', e.userHash, e.deviceId ?? '-'),
        member: e.failed && e.deviceId ? e.assessmentId : null,
        window: e.bruteForceWindowMs,
      },
      { field: 'ipAccounts', key: k('ipa', e.ip), member: e.userHash, window: w },
      { field: 'ipFailures', key: k('ipf', e.ip), member: e.failed ? e.assessmentId : null, window: w },
      { field: 'ipLogins', key: k('ipl', e.ip), member: e.assessmentId, window: w },
      { field: 'deviceAccounts', key: k('dva', e.deviceId ?? '-'), member: e.deviceId ? e.userHash : null, window: w },
      { field: 'asnAccounts', key: k('asa', e.asn ?? '-'), member: e.asn !== null ? e.userHash : null, window: w },
      { field: 'asnLogins', key: k('asl', e.asn ?? '-'), member: e.asn !== null ? e.assessmentId : null, window: w },
      {
        field: 'asnFailures',
        key: k('asf', e.asn ?? '-'),
        member: e.asn !== null && e.failed ? e.assessmentId : null,
        window: w,
      },
    ];
    // accounts opened, by source: only registrations are counted (and read) here
    const su = e.signup;
    const signups: { key: string; member: string | null; window: number; field: keyof SignupCounts }[] = su
      ? [
          {
            field: 'device',
            key: k('sud', e.deviceId ?? '-'),
            member: e.deviceId ? e.userHash : null,
            window: su.deviceWindowMs,
          },
          { field: 'ip', key: k('sui', e.ip), member: e.userHash, window: su.windowMs },
          {
            field: 'network',
            key: k('sun', su.network ?? '-'),
            member: su.network ? e.userHash : null,
            window: su.windowMs,
          },
          {
            field: 'asn',
            key: k('sua', e.asn ?? '-'),
            member: e.asn !== null ? e.userHash : null,
            window: su.windowMs,
          },
        ]
      : [];
    const all = [...counters, ...signups];
    const args: (string | number)[] = [all.length, ...all.map((c) => c.key), e.now];
    for (const c of all) args.push(c.member ?? '', c.window);
    const values = await this.redis.kizukiVelocity(...args);
    const counts = {} as VelocityCounts;
    counters.forEach((c, i) => (counts[c.field] = Number(values[i])));
    if (su) {
      const signup = {} as SignupCounts;
      signups.forEach((c, i) => (signup[c.field] = Number(values[counters.length + i])));
      counts.signup = signup;
    }
    return counts;
  }
}

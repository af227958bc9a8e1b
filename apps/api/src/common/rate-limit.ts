import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RedisClient } from '@kizuki/queue';
import type { Observable } from 'rxjs';
import { KizukiConfig } from '@kizuki/config';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import { ApiError } from './api-error';
import { ClientIpResolver } from './client-ip';
import { withDeadline } from './deadline';
import { isCollectRoute } from './route';

/**
 * Fixed-window counters, every key of one check in one round trip: INCR, PEXPIRE on the first hit
 * of a window, and the window's remaining time when a key is over its limit. The keys share the
 * prefix's hash tag, so the script runs unchanged on Redis Cluster.
 */
const SCRIPT = `
local window = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, window) end
  if n > tonumber(ARGV[i + 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = window end
    if ttl > wait then wait = ttl end
  end
end
return wait`;

/** Decrements counters that still exist and are above 0 (never creates a key without expiry). */
const REFUND_SCRIPT = `
for _, key in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', key) or '0')
  if n > 0 then redis.call('DECR', key) end
end
return 0`;

/** Redis must answer within this, or the request goes on uncounted (fail open). */
const REDIS_BUDGET_MS = 150;

export const Errors429 = {
  rateLimited: (retryAfter: number) =>
    new ApiError(
      429,
      'RATE_LIMITED',
      'Too many requests. Slow down and retry after the number of seconds in Retry-After.',
      { retryAfter },
      {
        'Retry-After': String(retryAfter),
      },
    ),
};

type RedisWithScript = RedisClient & {
  kizukiRateLimit(numKeys: number, ...args: (string | number)[]): Promise<number>;
  kizukiRateRefund(numKeys: number, ...keys: string[]): Promise<number>;
};

export interface RateCheck {
  key: string;
  /** 0 turns the check off. */
  limit: number;
}

/** In-memory counters (used only while Redis cannot answer) are capped at this many keys. */
const LOCAL_MAX_KEYS = 10_000;

/**
 * Rate limits of the public API, shared by every api process through Redis:
 * - per API key (RATE_LIMIT_PER_KEY per RATE_LIMIT_WINDOW_SECONDS) on every authenticated /v1 call;
 * - per client IP (RATE_LIMIT_PER_IP) on /v1/collect, which browsers call directly. Risk calls come
 *   from the customer's backend, one IP for all its users: they are limited per key only.
 * When Redis is down or slow the request is not counted (fail open, logged at most once a
 * minute): /v1/risk must keep answering during a Redis outage, and collect fails on its own.
 * Console sign-in and password changes count through the same limiter (AdminSessionService),
 * with their own window and in-memory counting when Redis cannot answer.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private lastWarn = 0;
  private defined = false;
  private readonly local = new Map<string, { n: number; until: number }>();

  /** `redis` null: count in memory only (an app without a queue connection). */
  constructor(
    private readonly config: KizukiConfig,
    private readonly redis: RedisClient | null,
  ) {}

  /**
   * Counts one attempt against every check at once, before the work it guards, and answers the
   * seconds to wait when a counter is over its limit, else 0. Parallel attempts cannot slip past:
   * each is counted atomically and only the first `limit` of a window pass.
   * `windowSeconds` defaults to RATE_LIMIT_WINDOW_SECONDS. When Redis cannot answer, 'open' lets the
   * attempt through uncounted (the public API must keep answering); 'local' counts it in this
   * process's memory instead (console sign-in must never become unthrottled). A caller that can
   * wait gives Redis a longer `redisBudgetMs`: an attempt counted only in memory while Redis was
   * merely slow is an attempt Redis never saw.
   */
  async hit(
    checks: RateCheck[],
    options: { windowSeconds?: number; whenRedisFails?: 'open' | 'local'; redisBudgetMs?: number } = {},
  ): Promise<number> {
    const active = checks.filter((c) => c.limit > 0);
    if (!active.length) return 0;
    const windowMs = (options.windowSeconds ?? this.config.RATE_LIMIT_WINDOW_SECONDS) * 1000;
    try {
      if (!this.redis) throw new Error('no Redis');
      const r = this.script();
      const keys = active.map((c) => this.redisKey(c.key));
      const waitMs = await withDeadline(
        r.kizukiRateLimit(keys.length, ...keys, windowMs, ...active.map((c) => c.limit)),
        options.redisBudgetMs ?? REDIS_BUDGET_MS,
        'rate limit',
      );
      return waitMs > 0 ? Math.max(1, Math.ceil(Number(waitMs) / 1000)) : 0;
    } catch (e) {
      if (Date.now() - this.lastWarn > 60_000) {
        this.lastWarn = Date.now();
        const how = options.whenRedisFails === 'local' ? 'counting in this process only' : 'failing open';
        this.logger.warn({ msg: `rate limit: Redis unavailable (${how})`, err: String(e) });
      }
      return options.whenRedisFails === 'local' ? this.hitLocal(active, windowMs) : 0;
    }
  }

  /** Takes back one counted attempt per key (an attempt that turned out legitimate). */
  async refund(keys: string[]): Promise<void> {
    for (const k of keys) {
      const c = this.local.get(k);
      if (c && c.n > 0) c.n--;
    }
    if (!this.redis || !keys.length) return;
    await withDeadline(
      this.script().kizukiRateRefund(keys.length, ...keys.map((k) => this.redisKey(k))),
      REDIS_BUDGET_MS,
      'rate refund',
    ).catch(() => undefined);
  }

  /** Starts the keys' windows afresh. */
  async reset(keys: string[]): Promise<void> {
    for (const k of keys) this.local.delete(k);
    if (!this.redis || !keys.length) return;
    await withDeadline(this.redis.del(...keys.map((k) => this.redisKey(k))), REDIS_BUDGET_MS, 'rate reset').catch(
      () => undefined,
    );
  }

  private redisKey(key: string): string {
    return `${this.config.KIZUKI_REDIS_PREFIX}:rl:${key}`;
  }

  private hitLocal(checks: RateCheck[], windowMs: number): number {
    const now = Date.now();
    let waitMs = 0;
    for (const { key, limit } of checks) {
      let c = this.local.get(key);
      if (!c || c.until <= now) {
        c = { n: 0, until: now + windowMs };
        this.local.set(key, c);
        if (this.local.size > LOCAL_MAX_KEYS) this.local.delete(this.local.keys().next().value as string);
      }
      c.n++;
      if (c.n > limit) waitMs = Math.max(waitMs, c.until - now);
    }
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0;
  }

  /** Callers check that there is a Redis connection first. */
  private script(): RedisWithScript {
    const redis = this.redis as RedisWithScript;
    if (!this.defined) {
      redis.defineCommand('kizukiRateLimit', { lua: SCRIPT });
      redis.defineCommand('kizukiRateRefund', { lua: REFUND_SCRIPT });
      this.defined = true;
    }
    return redis;
  }
}

/** Runs after the API-key guards: counts the call against its key (and, for collect, its IP). */
export class RateLimitInterceptor implements NestInterceptor {
  private readonly ips: ClientIpResolver;

  constructor(
    private readonly config: KizukiConfig,
    private readonly limiter: RateLimiter,
  ) {
    this.ips = new ClientIpResolver(config.TRUSTED_PROXIES);
  }

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { tenant?: AuthenticatedTenant }>();
    const tenant = req.tenant;
    if (!tenant?.keyPrefix) return next.handle();
    const checks = [{ key: `k:${tenant.keyPrefix}`, limit: this.config.RATE_LIMIT_PER_KEY }];
    if (isCollectRoute(req)) {
      const ip = this.ips.resolve(req.socket.remoteAddress, req.headers['x-forwarded-for']) ?? 'unknown';
      checks.push({ key: `ip:${ip}`, limit: this.config.RATE_LIMIT_PER_IP });
    }
    const wait = await this.limiter.hit(checks);
    if (wait > 0) throw Errors429.rateLimited(wait);
    return next.handle();
  }
}

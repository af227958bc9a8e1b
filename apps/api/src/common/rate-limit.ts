import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type IORedis from 'ioredis';
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

/** Redis must answer within this, or the request goes on uncounted (fail open). */
const REDIS_BUDGET_MS = 150;

export const Errors429 = {
  rateLimited: (retryAfter: number) =>
    new ApiError(429, 'RATE_LIMITED', 'Too many requests. Slow down and retry after the number of seconds in Retry-After.', { retryAfter }, {
      'Retry-After': String(retryAfter),
    }),
};

type RedisWithScript = IORedis & { kizukiRateLimit(numKeys: number, ...args: (string | number)[]): Promise<number> };

/**
 * Rate limits of the public API, shared by every api process through Redis:
 * - per API key (RATE_LIMIT_PER_KEY per RATE_LIMIT_WINDOW_SECONDS) on every authenticated /v1 call;
 * - per client IP (RATE_LIMIT_PER_IP) on /v1/collect, which browsers call directly. Risk calls come
 *   from the customer's backend, one IP for all its users: they are limited per key only.
 * When Redis is down or slow the request is not counted (fail open, logged at most once a
 * minute): /v1/risk must keep answering during a Redis outage, and collect fails on its own.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private lastWarn = 0;
  private defined = false;

  constructor(
    private readonly config: KizukiConfig,
    private readonly redis: IORedis,
  ) {}

  /** Seconds to wait when a counter is over its limit, else 0 (also when Redis cannot answer). */
  async hit(checks: { key: string; limit: number }[]): Promise<number> {
    const active = checks.filter((c) => c.limit > 0);
    if (!active.length) return 0;
    const windowMs = this.config.RATE_LIMIT_WINDOW_SECONDS * 1000;
    try {
      const r = this.script();
      const keys = active.map((c) => `${this.config.KIZUKI_REDIS_PREFIX}:rl:${c.key}`);
      const waitMs = await withDeadline(r.kizukiRateLimit(keys.length, ...keys, windowMs, ...active.map((c) => c.limit)), REDIS_BUDGET_MS, 'rate limit');
      return waitMs > 0 ? Math.max(1, Math.ceil(Number(waitMs) / 1000)) : 0;
    } catch (e) {
      if (Date.now() - this.lastWarn > 60_000) {
        this.lastWarn = Date.now();
        this.logger.warn({ msg: 'rate limit not enforced: Redis unavailable (failing open)', err: String(e) });
      }
      return 0;
    }
  }

  private script(): RedisWithScript {
    if (!this.defined) {
      this.redis.defineCommand('kizukiRateLimit', { lua: SCRIPT });
      this.defined = true;
    }
    return this.redis as RedisWithScript;
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

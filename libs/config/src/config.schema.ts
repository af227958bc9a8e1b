import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { parseRedisUrl } from './redis-url';

/** Environment strings to numbers; unset or empty keeps the default. @IsInt/@IsNumber then judge them. */
const toNumber = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/**
 * Every environment variable Kizuki reads, validated once at boot. A bad value stops the process
 * with the variable's name (fail fast), never a half-configured service.
 */
export class KizukiConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/kizuki';

  /**
   * A read replica of DATABASE_URL for the admin console's reads (login lists and details,
   * dashboard, IP summary, back-test). Unset: the console reads the primary.
   */
  @ValidateIf((c: KizukiConfig) => c.DATABASE_READ_URL !== '')
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_READ_URL must be a postgres:// URL' })
  DATABASE_READ_URL = '';

  /**
   * One Redis server, or with REDIS_CLUSTER=true some seed nodes of a Redis Cluster:
   * `redis://[[user]:password@]h1:p1,h2:p2,h3:p3` (parseRedisUrl; checked in loadConfig).
   */
  @IsString()
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** REDIS_URL names a Redis Cluster (its seed nodes) instead of one server. */
  @Transform(({ value }: { value: unknown }) => value === true || value === 'true' || value === '1')
  @IsBoolean()
  REDIS_CLUSTER = false;

  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** Master secret: signs request tokens, derives per-tenant HMAC keys for user ids. */
  @IsString()
  @MinLength(32, { message: 'KIZUKI_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)' })
  KIZUKI_SECRET!: string;

  /** BullMQ and Redis key prefix. The braces are a Redis Cluster hash tag: keep them. */
  @IsString()
  @Matches(/^\{[A-Za-z0-9:_-]+\}$/, { message: 'KIZUKI_REDIS_PREFIX must be a hash tag like {kizuki}' })
  KIZUKI_REDIS_PREFIX = '{kizuki}';

  /**
   * Where a risk call is scored. `worker` (the design card's path): the api queues a score job and
   * waits for a worker's answer. `inline`: the api scores it itself and answers without the queue
   * hop (each api process then loads the geo-IP/ASN databases, ≈ 200 MB); the workers still score
   * what an api sheds or could not finish in time, and do everything else. bench/load.ts measures
   * both (docs/benchmarks.md); docs/operations.md says when to choose which.
   */
  @IsIn(['worker', 'inline'])
  RISK_SCORING: 'worker' | 'inline' = 'worker';

  /** How long /v1/risk waits for its score (the worker's, or its own inline) before answering the fallback decision. */
  @Transform(toNumber)
  @IsInt()
  @Min(50)
  @Max(10000)
  RISK_TIMEOUT_MS = 800;

  /**
   * Risk calls one api process waits on (or, inline, scores) at once. Past it a call is answered
   * at once with the fallback (degraded) and its login scored by a worker behind live traffic: under
   * a burst beyond what can be scored, callers get fast answers instead of waiting out
   * RISK_TIMEOUT_MS.
   */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(100000)
  RISK_MAX_IN_FLIGHT = 64;

  /**
   * RISK_SCORING=inline only: shedding under overload. When the api's event loop is busier than
   * this (0–1; 1 turns shedding by load off) and its inline scores take longer than
   * RISK_INLINE_TARGET_MS on average, a share of risk calls, rising with the excess, is answered
   * degraded and scored by a worker: its own scoring must not starve the requests it parses
   * (bench/load.ts at 1,000/s). RISK_MAX_IN_FLIGHT applies as well.
   */
  @Transform(toNumber)
  @IsNumber()
  @Min(0.5)
  @Max(1)
  RISK_INLINE_MAX_LOOP_UTILIZATION = 0.9;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(10000)
  RISK_INLINE_TARGET_MS = 40;

  /** Lifetime of the SDK's request token. */
  @Transform(toNumber)
  @IsInt()
  @Min(10)
  @Max(3600)
  TOKEN_TTL_SECONDS = 600;

  /** Comma-separated IPs/CIDRs of reverse proxies whose X-Forwarded-For is believed. */
  @IsOptional()
  @IsString()
  TRUSTED_PROXIES = '';

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(256)
  WORKER_CONCURRENCY = 16;

  /** Ingest jobs one worker runs at once; they are written to PostgreSQL in batches of up to this many. */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(1024)
  WORKER_INGEST_CONCURRENCY = 64;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /**
   * JSON file with the demo tenant's keys ({tenantId, publishableKey, secretKey}); enables /demo.
   * Written by npm start.
   */
  @IsOptional()
  @IsString()
  KIZUKI_DEMO_FILE = '';

  /** Where the built SDK and console are (dist/ of the repo by default). */
  @IsOptional()
  @IsString()
  KIZUKI_STATIC_DIR = '';

  /** Where end users reach this Kizuki (https://kizuki.example.com): the base of "was this you?" links. */
  @Matches(/^(https?:\/\/[^/\s]+)?$/, {
    message: 'KIZUKI_PUBLIC_URL must be an http(s) origin without a path, like https://kizuki.example.com',
  })
  KIZUKI_PUBLIC_URL = '';

  /** Lifetime of "was this you?" links in the risk answer. */
  @Transform(toNumber)
  @IsInt()
  @Min(300)
  @Max(30 * 24 * 3600)
  LINK_TTL_SECONDS = 7 * 24 * 3600;

  /** Port of the worker's own Prometheus endpoint (GET /metrics); 0 turns it off. */
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT = 0;

  /** When set, GET /metrics (api and worker) requires `Authorization: Bearer <token>`. */
  @IsOptional()
  @IsString()
  METRICS_TOKEN = '';

  /**
   * Development only: lets webhooks target private, loopback and link-local addresses (a receiver
   * on your laptop). Off by default: such targets are refused (SSRF).
   */
  @Transform(({ value }: { value: unknown }) => value === true || value === 'true' || value === '1')
  @IsBoolean()
  WEBHOOKS_ALLOW_PRIVATE_TARGETS = false;

  /**
   * The PostgreSQL role the api and worker act as (SET at connect time): it owns no table, so
   * row-level security binds it. `none` keeps the login role (when DATABASE_URL's user is itself
   * a non-owner member of kizuki_app).
   */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'DATABASE_APP_ROLE must be a plain role name (or none)' })
  DATABASE_APP_ROLE = 'kizuki_app';

  /**
   * Requests per API key per window (all /v1 routes); 0 turns the limit off. Counted in Redis, shared by every
   * api process.
   */
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  RATE_LIMIT_PER_KEY = 12000;

  /**
   * Requests per client IP per window on /v1/collect, and failed key checks per IP on every /v1 route;
   * 0 turns it off.
   */
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  RATE_LIMIT_PER_IP = 1200;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(3600)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  /** How often the worker's retention job purges expired signals and assessments. */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  RETENTION_EVERY_MINUTES = 60;

  /** Rows deleted per statement by the retention job (bounded batches keep locks and WAL small). */
  @Transform(toNumber)
  @IsInt()
  @Min(10)
  @Max(100000)
  RETENTION_BATCH_SIZE = 5000;

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

export class ConfigError extends Error {}

/** Reads and validates the environment. Throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): KizukiConfig {
  const known = Object.keys(new KizukiConfigDefaults());
  const picked: Record<string, string> = {};
  for (const key of known) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const config = plainToInstance(KizukiConfig, picked, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true, forbidNonWhitelisted: true });
  const lines = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
  if (typeof config.REDIS_URL === 'string') {
    try {
      parseRedisUrl(config.REDIS_URL, config.REDIS_CLUSTER === true);
    } catch (e) {
      lines.push(`REDIS_URL: ${(e as Error).message}`);
    }
  }
  if (lines.length) {
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return config;
}

// Instantiated only to list the variable names (defaults do not matter here).
class KizukiConfigDefaults extends KizukiConfig {
  override KIZUKI_SECRET = '';
}

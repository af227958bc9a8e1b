import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { deleteRedisPrefix } from './redis-prefix';
import { Client } from 'pg';
import { loadConfig, type KizukiConfig } from '@kizuki/config';
import { createDataSource, migrateDatabase } from '@kizuki/database';
import { createApiApp } from '../../apps/api/src/app.factory';
import { createWorkerApp } from '../../apps/worker/src/worker.factory';
import { QueueWorkersService } from '../../apps/worker/src/jobs/queue-workers.service';
import { createTenant, type CreatedTenant } from '../../apps/cli/src/commands/tenants';

const ADMIN_URL = process.env.KIZUKI_TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A whole Kizuki for one test file: its own PostgreSQL database (migrated), its own Redis key
 * prefix, a real api listening on a free port and a real worker. stop() removes every trace.
 */
export class KizukiEnv {
  api!: NestFastifyApplication;
  worker: INestApplicationContext | null = null;
  baseUrl = '';
  readonly config: KizukiConfig;
  private readonly dbName: string;

  /** `databasePort`: reach PostgreSQL through another port (e.g. a proxy a test can cut). */
  constructor(overrides: Record<string, string> = {}, options: { databasePort?: number } = {}) {
    const id = randomBytes(5).toString('hex');
    this.dbName = `kizuki_test_${id}`;
    const url = new URL(ADMIN_URL);
    url.pathname = `/${this.dbName}`;
    if (options.databasePort) url.port = String(options.databasePort);
    this.config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: url.toString(),
      REDIS_URL,
      KIZUKI_SECRET: randomBytes(32).toString('hex'),
      KIZUKI_REDIS_PREFIX: `{kztest-${id}}`,
      LOG_LEVEL: 'error',
      PORT: '0',
      HOST: '127.0.0.1',
      WORKER_CONCURRENCY: '4',
      ...overrides,
    });
  }

  async start(): Promise<this> {
    await adminQuery(`CREATE DATABASE ${this.dbName}`);
    const db = createDataSource({ url: this.config.DATABASE_URL, poolSize: 2 });
    await db.initialize();
    await migrateDatabase(db);
    await db.destroy();
    this.api = await createApiApp(this.config, { logger: false });
    await this.api.listen(0, '127.0.0.1');
    this.baseUrl = await this.api.getUrl();
    this.baseUrl = this.baseUrl.replace('[::1]', '127.0.0.1');
    await this.startWorker();
    return this;
  }

  async startWorker(): Promise<void> {
    if (!this.worker) this.worker = await createWorkerApp(this.config, { logger: false });
  }

  /** Stops the worker as a crash would: in-flight and queued jobs stay in Redis. */
  async killWorker(): Promise<void> {
    if (!this.worker) return;
    await this.worker.get(QueueWorkersService).kill();
    await this.worker.close();
    this.worker = null;
  }

  /** The origin a tenant made here registers unless told otherwise: collects must send it. */
  static readonly ORIGIN = 'https://shop.example';

  async createTenant(name: string, origins: string[] = [KizukiEnv.ORIGIN]): Promise<CreatedTenant> {
    const db = createDataSource({ url: this.config.DATABASE_URL, poolSize: 1 });
    await db.initialize();
    try {
      return await createTenant(db, name, origins);
    } finally {
      await db.destroy();
    }
  }

  /** Runs SQL on this env's database (for assertions). */
  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    const c = new Client({ connectionString: this.config.DATABASE_URL });
    await c.connect();
    try {
      return (await c.query(text, params)).rows as T[];
    } finally {
      await c.end();
    }
  }

  async stop(): Promise<void> {
    await this.killWorker().catch(() => undefined);
    await this.api?.close().catch(() => undefined);
    await adminQuery(`DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`);
    await deleteRedisPrefix(REDIS_URL, this.config.KIZUKI_REDIS_PREFIX);
  }

  async post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers; ms: number }> {
    const started = performance.now();
    const res = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers, ms: performance.now() - started };
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const res = await fetch(this.baseUrl + path, { headers });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
}

async function adminQuery(sql: string): Promise<void> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

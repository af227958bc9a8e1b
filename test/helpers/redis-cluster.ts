import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import IORedis from 'ioredis';
import { until } from './until';

const run = promisify(execFile);

/** Whether `redis-server` and `redis-cli` are on the PATH (tests that need them skip otherwise). */
export function redisServerAvailable(): boolean {
  return ['redis-server', 'redis-cli'].every((bin) => !spawnSync(bin, ['--version']).error);
}

/**
 * A Redis Cluster of its own on loopback: `primaries` primaries with one replica each, every node
 * a daemonized redis-server with its files in a temporary directory, a low cluster-node-timeout
 * so a killed primary's replica takes over within seconds. stop() kills them all and removes
 * the directory.
 */
export class LocalRedisCluster {
  readonly ports: number[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'kizuki-redis-cluster-'));
  private readonly killed = new Set<number>();

  constructor(
    private readonly primaryCount = 3,
    private readonly nodeTimeoutMs = 2000,
  ) {}

  /** The seed nodes as Kizuki reads them (REDIS_URL with REDIS_CLUSTER=true). */
  get url(): string {
    return `redis://${this.ports.map((p) => `127.0.0.1:${p}`).join(',')}`;
  }

  async start(): Promise<this> {
    for (let i = 0; i < this.primaryCount * 2; i++) this.ports.push(await clusterPort(this.ports));
    for (const port of this.ports) {
      await run('redis-server', [
        '--port', String(port),
        '--bind', '127.0.0.1',
        '--cluster-enabled', 'yes',
        '--cluster-config-file', join(this.dir, `nodes-${port}.conf`),
        '--cluster-node-timeout', String(this.nodeTimeoutMs),
        '--save', '',
        '--appendonly', 'no',
        '--maxmemory-policy', 'noeviction',
        '--dir', this.dir,
        '--pidfile', join(this.dir, `redis-${port}.pid`),
        '--logfile', join(this.dir, `redis-${port}.log`),
        '--daemonize', 'yes',
      ]); // prettier-ignore
    }
    for (const port of this.ports) await until(() => this.ask(port, (r) => r.ping()), 10_000, `redis ${port}`);
    await run('redis-cli', [
      '--cluster', 'create', ...this.ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas', '1', '--cluster-yes',
    ]); // prettier-ignore
    // ready: every node sees all slots served, and every primary has a replica in sync
    await until(
      async () => {
        for (const port of this.ports) {
          if (!/cluster_state:ok/.test(await this.ask(port, (r) => r.cluster('INFO') as Promise<string>))) return false;
        }
        const linked = await Promise.all(this.ports.map((p) => this.ask(p, (r) => r.info('replication'))));
        return linked.filter((info) => /master_link_status:up/.test(info)).length === this.primaryCount;
      },
      30_000,
      'the cluster to form',
    );
    return this;
  }

  /** The port of the primary that serves `key`'s hash slot now. */
  async primaryOf(key: string): Promise<number> {
    const alive = this.ports.find((p) => !this.killed.has(p)) as number;
    const slot = await this.ask(alive, (r) => r.cluster('KEYSLOT', key) as Promise<number>);
    const range = (await this.slots()).find((s) => slot >= s.from && slot <= s.to);
    if (!range) throw new Error(`no primary serves slot ${slot}`);
    return range.primary;
  }

  /** The ports of the primaries serving slots now. */
  async primaries(): Promise<number[]> {
    return [...new Set((await this.slots()).map((s) => s.primary))].sort();
  }

  /** CLUSTER SLOTS as a living node sees it: each range and the port of its primary. */
  private async slots(): Promise<{ from: number; to: number; primary: number }[]> {
    const alive = this.ports.find((p) => !this.killed.has(p)) as number;
    const slots = await this.ask(alive, (r) => r.cluster('SLOTS'));
    return slots.map(([from, to, primary]) => ({ from, to, primary: Number(primary[1]) }));
  }

  /** Every key one node holds (a test's cluster is small). */
  keys(port: number): Promise<string[]> {
    return this.ask(port, (r) => r.keys('*'));
  }

  /** SIGKILL, as a crash: no shutdown, no last writes. */
  kill(port: number): void {
    process.kill(this.pid(port), 'SIGKILL');
    this.killed.add(port);
  }

  /** Waits until a node other than `port` serves `key`'s slot and the cluster says ok again. */
  async failedOver(key: string, port: number, timeoutMs = 30_000): Promise<number> {
    return until(
      async () => {
        const primary = await this.primaryOf(key);
        if (primary === port) return false;
        const info = await this.ask(primary, (r) => r.cluster('INFO') as Promise<string>);
        return /cluster_state:ok/.test(info) ? primary : false;
      },
      timeoutMs,
      `a replica to take over from ${port}`,
    );
  }

  async stop(): Promise<void> {
    for (const port of this.ports) {
      if (this.killed.has(port)) continue;
      try {
        process.kill(this.pid(port), 'SIGKILL');
      } catch {
        // never started, or gone already
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private pid(port: number): number {
    return Number(readFileSync(join(this.dir, `redis-${port}.pid`), 'utf8').trim());
  }

  private async ask<T>(port: number, command: (r: IORedis) => Promise<T>): Promise<T> {
    const redis = new IORedis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return await command(redis);
    } finally {
      redis.disconnect();
    }
  }
}

/**
 * A port for a cluster node: it and its cluster bus port (+10000) free now, both below the
 * ephemeral range (32768–60999) other tests' free ports come from, random so that runs at once
 * do not pick the same, and not one this cluster already has.
 */
async function clusterPort(taken: number[]): Promise<number> {
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * 12_000);
    if (taken.includes(port) || taken.includes(port + 10_000) || taken.includes(port - 10_000)) continue;
    if ((await canListen(port)) && (await canListen(port + 10_000))) return port;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

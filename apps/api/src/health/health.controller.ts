import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { withDeadline } from '../common/deadline';
import { ProducerService } from '../queue/producer.service';

const CHECK_TIMEOUT_MS = 1000;

@Controller('health')
export class HealthController {
  constructor(
    private readonly db: DataSource,
    private readonly producer: ProducerService,
  ) {}

  /** Liveness: the process answers. */
  @Get()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: each dependency, and why it is not ready. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const [postgres, redis] = await Promise.all([
      check(() => this.db.query('SELECT 1')),
      check(() => this.producer.ping()),
    ]);
    const ok = postgres.status === 'up' && redis.status === 'up';
    reply.status(ok ? 200 : 503);
    return { status: ok ? 'ready' : 'not_ready', checks: { postgres, redis } };
  }
}

async function check(fn: () => Promise<unknown>): Promise<{ status: 'up' | 'down'; latencyMs: number; error?: string }> {
  const started = Date.now();
  try {
    await withDeadline(fn(), CHECK_TIMEOUT_MS, 'check');
    return { status: 'up', latencyMs: Date.now() - started };
  } catch (e) {
    return { status: 'down', latencyMs: Date.now() - started, error: String((e as Error).message ?? e).slice(0, 200) };
  }
}

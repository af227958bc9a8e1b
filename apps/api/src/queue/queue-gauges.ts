import { Injectable } from '@nestjs/common';
import { QueueName, RedisConnections } from '@kizuki/queue';

/** Jobs per queue and state, for the queue-depth gauges of /metrics. */
@Injectable()
export class QueueGauges {
  constructor(private readonly redis: RedisConnections) {}

  async jobCounts(): Promise<Record<string, Record<string, number>>> {
    const entries = await Promise.all(
      Object.values(QueueName).map(
        async (name) =>
          [
            name,
            await this.redis
              .queue(name, 'commands')
              .getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'),
          ] as const,
      ),
    );
    return Object.fromEntries(entries);
  }
}

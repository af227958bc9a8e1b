import type { Queue } from 'bullmq';
import { QueueName, type RedisConnections } from '@kizuki/queue';
import { QueueGauges } from './queue-gauges';

describe('QueueGauges', () => {
  it('counts the jobs of every queue by state, on the fail-fast connection', async () => {
    const queue = jest.fn(
      (name: QueueName, role: string) =>
        ({
          getJobCounts: jest.fn(async (...states: string[]) =>
            Object.fromEntries(states.map((s) => [s, `${role}:${name}`.length])),
          ),
        }) as unknown as Queue,
    );
    const counts = await new QueueGauges({ queue } as unknown as RedisConnections).jobCounts();
    expect(Object.keys(counts).sort()).toEqual(Object.values(QueueName).sort());
    expect(counts[QueueName.Score]).toEqual(
      Object.fromEntries(
        ['waiting', 'active', 'delayed', 'failed', 'prioritized'].map((s) => [s, `commands:${QueueName.Score}`.length]),
      ),
    );
  });

  it('fails when Redis does (the metrics endpoint reports it)', async () => {
    const queue = () => ({ getJobCounts: jest.fn().mockRejectedValue(new Error('Redis down')) }) as unknown as Queue;
    await expect(new QueueGauges({ queue } as unknown as RedisConnections).jobCounts()).rejects.toThrow('Redis down');
  });
});

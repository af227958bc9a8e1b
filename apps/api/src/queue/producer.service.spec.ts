import { Logger } from '@nestjs/common';
import type { OutboxRepository } from '@kizuki/database';
import { JobName } from '@kizuki/queue';
import { ProducerService } from './producer.service';

// The last resort of a degraded risk answer's job: PostgreSQL refused it too, so it waits in memory.
describe('ProducerService: a job neither Redis nor the outbox took', () => {
  const tenantId = '11111111-1111-4111-8111-111111111111';
  const data = { tenantId, assessmentId: 'a1' } as never;
  const make = (put: jest.Mock) => {
    const p = Object.create(ProducerService.prototype) as ProducerService;
    Object.assign(p, { outbox: { put } as unknown as OutboxRepository, deferred: new Map(), puts: new Set(), pendingAdds: new Map(), flushing: false, logger: new Logger('test') });
    return p;
  };
  const flush = (p: ProducerService) => (p as unknown as { flushDeferred(): Promise<void> }).flushDeferred();
  afterEach(() => jest.restoreAllMocks());

  it('keeps its priority in memory, and moves to the outbox once PostgreSQL answers while Redis still does not', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const put = jest.fn().mockRejectedValueOnce(new Error('PostgreSQL down')).mockResolvedValue(undefined);
    const p = make(put);
    const add = jest.spyOn(p, 'add').mockRejectedValue(new Error('Redis down'));
    p.addLater(JobName.ScoreLogin, data, 'score:a1', 10);
    await new Promise((r) => setImmediate(r));
    expect(p.deferredCount).toBe(1);

    await flush(p);
    expect(add).toHaveBeenCalledWith(JobName.ScoreLogin, data, 'score:a1', 10);
    expect(put).toHaveBeenLastCalledWith(tenantId, { jobId: 'score:a1', name: JobName.ScoreLogin, data, priority: 10 });
    expect(p.deferredCount).toBe(0);
    clearInterval((p as unknown as { deferTimer?: NodeJS.Timeout }).deferTimer);
  });

  it('stays in memory while neither answers', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const p = make(jest.fn().mockRejectedValue(new Error('PostgreSQL down')));
    jest.spyOn(p, 'add').mockRejectedValue(new Error('Redis down'));
    p.addLater(JobName.ScoreLogin, data, 'score:a1');
    await new Promise((r) => setImmediate(r));
    await flush(p);
    expect(p.deferredCount).toBe(1);
    clearInterval((p as unknown as { deferTimer?: NodeJS.Timeout }).deferTimer);
  });

  it('refuses an outbox row naming no job, alone (not its batch, not the process)', async () => {
    const p = make(jest.fn());
    await expect(p.add('no-such-job' as JobName, data, 'x')).rejects.toThrow(/unknown job/);
  });
});

import { Logger } from '@nestjs/common';
import { KeyedBatcher, type OutboxRepository } from '@kizuki/database';
import { JobName } from '@kizuki/queue';
import { ProducerService } from './producer.service';

// The last resort of a degraded risk answer's job: PostgreSQL refused it too, so it waits in memory.
describe('ProducerService: a job neither Redis nor the outbox took', () => {
  const tenantId = '11111111-1111-4111-8111-111111111111';
  const data = { tenantId, assessmentId: 'a1' } as never;
  // `put` stands for one job's write: the outbox's batched write calls it for each of its jobs
  const make = (put: jest.Mock, putMany: jest.Mock = jest.fn(async (t: string, jobs: unknown[]) => { for (const j of jobs) await put(t, j); })) => {
    const p = Object.create(ProducerService.prototype) as ProducerService;
    const outbox = { put, putMany } as unknown as OutboxRepository;
    const outboxWrites = new KeyedBatcher((t: string, jobs: never[]) => outbox.putMany(t, jobs), 500, 0);
    Object.assign(p, { outbox, outboxWrites, deferred: new Map(), puts: new Set(), pendingAdds: new Map(), flushing: false, logger: new Logger('test') });
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

  it('hands what waited in memory to the outbox in one write per tenant, not one each', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    let postgresUp = false;
    const put = jest.fn(async (_t: string, _job: unknown) => {
      if (!postgresUp) throw new Error('PostgreSQL down');
    });
    const putMany = jest.fn(async (t: string, jobs: { jobId: string }[]) => {
      for (const j of jobs) await put(t, j);
    });
    const p = make(put, putMany);
    jest.spyOn(p, 'add').mockRejectedValue(new Error('Redis down'));
    for (const id of ['score:a1', 'score:a2', 'score:a3']) p.addLater(JobName.ScoreLogin, data, id);
    await new Promise((r) => setTimeout(r, 10));
    expect(p.deferredCount).toBe(3);

    postgresUp = true;
    putMany.mockClear();
    await flush(p);
    expect(putMany).toHaveBeenCalledTimes(1);
    expect(putMany.mock.calls[0][1].map((j) => j.jobId)).toEqual(['score:a1', 'score:a2', 'score:a3']);
    expect(p.deferredCount).toBe(0);
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

  it('writes the jobs of one moment per tenant in one outbox write, and only a job PostgreSQL refuses waits in memory', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const other = '22222222-2222-4222-8222-222222222222';
    const put = jest.fn(async (_t: string, job: { jobId: string }) => {
      if (job.jobId === 'score:bad') throw new Error('row refused');
    });
    const putMany = jest.fn(async (t: string, jobs: { jobId: string }[]) => {
      for (const j of jobs) await put(t, j);
    });
    const p = make(put, putMany);
    p.addLater(JobName.ScoreLogin, data, 'score:a1');
    p.addLater(JobName.ScoreLogin, { tenantId: other, assessmentId: 'b1' } as never, 'score:b1');
    p.addLater(JobName.ScoreLogin, data, 'score:a2', 10);
    p.addLater(JobName.ScoreLogin, data, 'score:bad');
    await new Promise((r) => setTimeout(r, 20));
    // one write per tenant first; the refused batch again job by job
    expect(putMany.mock.calls.slice(0, 2).map(([t, jobs]: [string, { jobId: string }[]]) => [t, jobs.map((j) => j.jobId)])).toEqual([
      [tenantId, ['score:a1', 'score:a2', 'score:bad']],
      [other, ['score:b1']],
    ]);
    expect(putMany.mock.calls.slice(2).map(([, jobs]: [string, { jobId: string }[]]) => jobs.map((j) => j.jobId))).toEqual([['score:a1'], ['score:a2'], ['score:bad']]);
    expect(putMany.mock.calls[0][1][1]).toEqual({ jobId: 'score:a2', name: JobName.ScoreLogin, data, priority: 10 });
    expect(p.deferredCount).toBe(1);
    clearInterval((p as unknown as { deferTimer?: NodeJS.Timeout }).deferTimer);
  });

  it('refuses an outbox row naming no job, alone (not its batch, not the process)', async () => {
    const p = make(jest.fn());
    await expect(p.add('no-such-job' as JobName, data, 'x')).rejects.toThrow(/unknown job/);
  });
});

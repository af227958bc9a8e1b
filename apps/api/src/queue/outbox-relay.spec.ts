import { Logger } from '@nestjs/common';
import type { OutboxRepository } from '@kizuki/database';
import { JobName, type RedisConnections } from '@kizuki/queue';
import type { JobProducer } from './job-producer';
import { OutboxRelay } from './outbox-relay';

// The outbox keeps the jobs of degraded answers; memory is the last resort when PostgreSQL refuses too.
describe('OutboxRelay', () => {
  const tenantId = '11111111-1111-4111-8111-111111111111';
  const data = { tenantId, assessmentId: 'a1' } as never;
  const relays: OutboxRelay[] = [];
  // `put` stands for one job's write: the outbox's batched write calls it for each of its jobs
  type Fakes = { putMany?: jest.Mock; add?: jest.Mock; claim?: jest.Mock; status?: string };
  const make = (put: jest.Mock, fakes: Fakes = {}) => {
    const putMany =
      fakes.putMany ??
      jest.fn(async (t: string, jobs: unknown[]) => {
        for (const j of jobs) await put(t, j);
      });
    const add = fakes.add ?? jest.fn().mockRejectedValue(new Error('Redis down'));
    const claim = fakes.claim ?? jest.fn().mockResolvedValue([]);
    const done = jest.fn(async (ids: string[]) => ids.length);
    const status = fakes.status ?? 'ready';
    const outbox = { putMany, claim, done } as unknown as OutboxRepository;
    const relay = new OutboxRelay({ add } as unknown as JobProducer, outbox, {
      commands: { status },
    } as unknown as RedisConnections);
    relays.push(relay);
    return { relay, add, putMany, claim, done };
  };
  // outbox writes are gathered for 10 ms
  const afterWindow = () => new Promise((r) => setTimeout(r, 30));
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    // stops the timers (and the deferred jobs' retries, which the fakes refuse)
    await Promise.all(relays.splice(0).map((r) => r.onApplicationShutdown()));
    jest.restoreAllMocks();
  });

  it('keeps its priority in memory and moves to the outbox once PostgreSQL answers while Redis does not', async () => {
    const put = jest.fn().mockRejectedValueOnce(new Error('PostgreSQL down')).mockResolvedValue(undefined);
    const { relay, add } = make(put);
    relay.addLater(JobName.ScoreLogin, data, 'score:a1', 10);
    await afterWindow();
    expect(relay.deferredCount).toBe(1);

    await relay.flushDeferred();
    expect(add).toHaveBeenCalledWith(JobName.ScoreLogin, data, 'score:a1', 10);
    expect(put).toHaveBeenLastCalledWith(tenantId, { jobId: 'score:a1', name: JobName.ScoreLogin, data, priority: 10 });
    expect(relay.deferredCount).toBe(0);
  });

  it('hands what waited in memory to the outbox in one write per tenant, not one each', async () => {
    let postgresUp = false;
    const put = jest.fn(async (_t: string, _job: unknown) => {
      if (!postgresUp) throw new Error('PostgreSQL down');
    });
    const putMany = jest.fn(async (t: string, jobs: { jobId: string }[]) => {
      for (const j of jobs) await put(t, j);
    });
    const { relay } = make(put, { putMany });
    for (const id of ['score:a1', 'score:a2', 'score:a3']) relay.addLater(JobName.ScoreLogin, data, id);
    await afterWindow();
    expect(relay.deferredCount).toBe(3);

    postgresUp = true;
    putMany.mockClear();
    await relay.flushDeferred();
    expect(putMany).toHaveBeenCalledTimes(1);
    expect(putMany.mock.calls[0][1].map((j) => j.jobId)).toEqual(['score:a1', 'score:a2', 'score:a3']);
    expect(relay.deferredCount).toBe(0);
  });

  it('stays in memory while neither answers', async () => {
    const { relay } = make(jest.fn().mockRejectedValue(new Error('PostgreSQL down')));
    relay.addLater(JobName.ScoreLogin, data, 'score:a1');
    await afterWindow();
    await relay.flushDeferred();
    expect(relay.deferredCount).toBe(1);
  });

  it("writes a moment's jobs in one outbox write per tenant; only jobs PostgreSQL refuses wait in memory", async () => {
    const other = '22222222-2222-4222-8222-222222222222';
    const put = jest.fn(async (_t: string, job: { jobId: string }) => {
      if (job.jobId === 'score:bad') throw new Error('row refused');
    });
    const putMany = jest.fn(async (t: string, jobs: { jobId: string }[]) => {
      for (const j of jobs) await put(t, j);
    });
    const { relay } = make(put, { putMany });
    relay.addLater(JobName.ScoreLogin, data, 'score:a1');
    relay.addLater(JobName.ScoreLogin, { tenantId: other, assessmentId: 'b1' } as never, 'score:b1');
    relay.addLater(JobName.ScoreLogin, data, 'score:a2', 10);
    relay.addLater(JobName.ScoreLogin, data, 'score:bad');
    await afterWindow();
    // one write per tenant first; the refused batch again job by job
    expect(
      putMany.mock.calls.slice(0, 2).map(([t, jobs]: [string, { jobId: string }[]]) => [t, jobs.map((j) => j.jobId)]),
    ).toEqual([
      [tenantId, ['score:a1', 'score:a2', 'score:bad']],
      [other, ['score:b1']],
    ]);
    expect(
      putMany.mock.calls.slice(2).map(([, jobs]: [string, { jobId: string }[]]) => jobs.map((j) => j.jobId)),
    ).toEqual([['score:a1'], ['score:a2'], ['score:bad']]);
    expect(putMany.mock.calls[0][1][1]).toEqual({ jobId: 'score:a2', name: JobName.ScoreLogin, data, priority: 10 });
    expect(relay.deferredCount).toBe(1);
  });

  it('relays claimed jobs while Redis takes them, marking done only the ones it took', async () => {
    const job = (id: string, priority: number | null = null) => ({
      jobId: id,
      name: JobName.ScoreLogin,
      data,
      priority,
    });
    const claim = jest
      .fn()
      .mockResolvedValueOnce([job('score:a1'), job('score:a2', 10)])
      .mockResolvedValueOnce([job('score:a3'), job('score:a4')]);
    const add = jest.fn(async (_n: string, _d: unknown, id: string) => {
      if (id === 'score:a4') throw new Error('Redis refused');
      return {};
    });
    const { relay, done } = make(jest.fn(), { claim, add });
    await expect(relay.relayOutbox()).resolves.toBe(3);
    expect(add).toHaveBeenCalledWith(JobName.ScoreLogin, data, 'score:a2', 10);
    expect(add).toHaveBeenCalledWith(JobName.ScoreLogin, data, 'score:a1', undefined);
    expect(done.mock.calls).toEqual([[['score:a1', 'score:a2']], [['score:a3']]]);
    // a round Redis refused part of ends the relay: the lease brings the rest back later
    expect(claim).toHaveBeenCalledTimes(2);
  });

  it('does not claim outbox jobs while Redis is not ready', async () => {
    const { relay, claim } = make(jest.fn(), { status: 'reconnecting' });
    await expect(relay.relayOutbox()).resolves.toBe(0);
    expect(claim).not.toHaveBeenCalled();
  });

  it('says a failed relay once a minute, not every second', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { relay } = make(jest.fn(), { claim: jest.fn().mockRejectedValue(new Error('PostgreSQL down')) });
    await expect(relay.relayOutbox()).resolves.toBe(0);
    await expect(relay.relayOutbox()).resolves.toBe(0);
    expect(warn.mock.calls.filter(([m]) => (m as { msg: string }).msg === 'outbox relay failed')).toHaveLength(1);
  });
});

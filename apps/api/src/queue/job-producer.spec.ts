import type { Queue } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, JobName, QueueName, type RedisConnections } from '@kizuki/queue';
import { JobProducer } from './job-producer';

// Job adds on faked queue handles: what leaves in which pipeline, with which options.
describe('JobProducer', () => {
  const data = { tenantId: 't1', assessmentId: 'a1' } as never;
  const make = (
    addBulk: jest.Mock = jest.fn(async (jobs: { opts: { jobId: string } }[]) =>
      jobs.map((j) => ({ id: j.opts.jobId })),
    ),
  ) => {
    const queues = new Map<string, { addBulk: jest.Mock }>();
    const redis = {
      queue: jest.fn((name: QueueName, role: string) => {
        expect(role).toBe('commands');
        const q = { addBulk };
        queues.set(name, q);
        return q as unknown as Queue;
      }),
    } as unknown as RedisConnections;
    return { producer: new JobProducer(redis), addBulk, queues };
  };
  const nextTurn = () => new Promise((r) => setImmediate(r));

  it('opens a handle on every queue at once (the first call does not pay for it)', () => {
    const { queues } = make();
    expect([...queues.keys()].sort()).toEqual(Object.values(QueueName).sort());
  });

  it("pipelines one turn's adds per queue, each with the default options, its own and its priority", async () => {
    const { producer, addBulk } = make();
    const adds = [
      producer.add(JobName.ScoreLogin, data, 'score:a1'),
      producer.add(JobName.ScoreLogin, data, 'score:a2', 10),
      producer.add(JobName.ApplyFeedback, data, 'feedback:f1'),
    ];
    expect(addBulk).not.toHaveBeenCalled();
    await expect(Promise.all(adds)).resolves.toEqual([{ id: 'score:a1' }, { id: 'score:a2' }, { id: 'feedback:f1' }]);
    expect(addBulk).toHaveBeenCalledTimes(1); // score and feedback jobs share the score queue
    expect(addBulk.mock.calls[0][0]).toEqual([
      { name: JobName.ScoreLogin, data, opts: { ...DEFAULT_JOB_OPTIONS, jobId: 'score:a1' } },
      { name: JobName.ScoreLogin, data, opts: { ...DEFAULT_JOB_OPTIONS, jobId: 'score:a2', priority: 10 } },
      { name: JobName.ApplyFeedback, data, opts: { ...DEFAULT_JOB_OPTIONS, jobId: 'feedback:f1' } },
    ]);
    producer.add(JobName.ScoreLogin, data, 'score:a3');
    await nextTurn();
    expect(addBulk).toHaveBeenCalledTimes(2);
  });

  it('cuts a burst into pipelines of MAX_BATCH', async () => {
    const { producer, addBulk } = make();
    await Promise.all(
      Array.from({ length: JobProducer.MAX_BATCH * 2 + 1 }, (_, i) =>
        producer.add(JobName.ScoreLogin, data, `score:${i}`),
      ),
    );
    expect(addBulk.mock.calls.map(([jobs]) => jobs.length)).toEqual([JobProducer.MAX_BATCH, JobProducer.MAX_BATCH, 1]);
  });

  it('fails every add of a pipeline Redis refused, and only those', async () => {
    const addBulk = jest
      .fn()
      .mockRejectedValueOnce(new Error('Redis down'))
      .mockImplementation(async (jobs: unknown[]) => jobs.map(() => ({})));
    const { producer } = make(addBulk);
    const refused = [
      producer.add(JobName.ScoreLogin, data, 'score:a1'),
      producer.add(JobName.ScoreLogin, data, 'score:a2'),
    ];
    await expect(Promise.allSettled(refused)).resolves.toEqual([
      { status: 'rejected', reason: new Error('Redis down') },
      { status: 'rejected', reason: new Error('Redis down') },
    ]);
    await expect(producer.add(JobName.ScoreLogin, data, 'score:a3')).resolves.toEqual({});
  });

  it('refuses an outbox row naming no job, alone (not its batch, not the process)', async () => {
    const { producer } = make();
    const good = producer.add(JobName.ScoreLogin, data, 'score:a1');
    await expect(producer.add('no-such-job' as JobName, data, 'x')).rejects.toThrow(/unknown job/);
    await expect(good).resolves.toEqual({ id: 'score:a1' });
  });

  it('lets a flush hook add jobs that leave in the same pipeline', async () => {
    const { producer, addBulk } = make();
    producer.onFlush(() => void producer.add(JobName.ScoreLogin, data, 'score:hook'));
    await producer.add(JobName.ScoreLogin, data, 'score:a1');
    expect(addBulk).toHaveBeenCalledTimes(1);
    expect(addBulk.mock.calls[0][0].map((j: { opts: { jobId: string } }) => j.opts.jobId)).toEqual([
      'score:a1',
      'score:hook',
    ]);
  });
});

import { EventEmitter } from 'node:events';
import { Job, type Queue } from 'bullmq';
import type { KizukiConfig } from '@kizuki/config';
import type { RedisConnections } from '@kizuki/queue';
import { ScoreWaiter } from './score-waiter';

// Waiting for a score job on faked queue events and a faked score queue.
describe('ScoreWaiter', () => {
  const answer = { decision: 'allow' };
  const make = (getJobState: jest.Mock = jest.fn().mockResolvedValue('waiting'), scoring = 'worker') => {
    const events = new EventEmitter();
    const queue = { getJobState } as unknown as Queue;
    const redis = { queue: jest.fn(() => queue), queueEvents: jest.fn(() => events) } as unknown as RedisConnections;
    return { waiter: new ScoreWaiter({ RISK_SCORING: scoring } as KizukiConfig, redis), events, redis, getJobState };
  };
  afterEach(() => jest.restoreAllMocks());

  it('answers with the completed event of its job, and stops listening', async () => {
    const { waiter, events, getJobState } = make();
    const result = waiter.waitForScore('score:a1', 1000);
    events.emit('completed:score:a2', { returnvalue: { decision: 'deny' } });
    events.emit('completed:score:a1', { returnvalue: answer });
    await expect(result).resolves.toBe(answer);
    expect(events.eventNames()).toEqual([]);
    expect(getJobState).not.toHaveBeenCalled();
  });

  it('fails with the failed event of its job', async () => {
    const { waiter, events } = make();
    const result = waiter.waitForScore('score:a1', 1000);
    events.emit('failed:score:a1', { failedReason: 'database down' });
    await expect(result).rejects.toThrow('database down');
  });

  it('looks a duplicated job up once: finished long ago, it answers with the stored result', async () => {
    const { waiter, events, getJobState } = make(jest.fn().mockResolvedValue('completed'));
    jest.spyOn(Job, 'fromId').mockResolvedValue({ returnvalue: answer } as unknown as Job);
    const result = waiter.waitForScore('score:a1', 1000);
    events.emit('duplicated:score:a1');
    events.emit('duplicated:score:a1');
    await expect(result).resolves.toBe(answer);
    expect(getJobState).toHaveBeenCalledTimes(1);
  });

  it('looks once after checkAfterMs without news (an event lost), then keeps listening', async () => {
    const { waiter, events, getJobState } = make();
    const result = waiter.waitForScore('score:a1', 1000, 5);
    await new Promise((r) => setTimeout(r, 20));
    expect(getJobState).toHaveBeenCalledTimes(1);
    events.emit('completed:score:a1', { returnvalue: answer });
    await expect(result).resolves.toBe(answer);
  });

  it('gives up after its timeout, and a Redis error in the lookup is a rejection, not a crash', async () => {
    const { waiter } = make();
    await expect(waiter.waitForScore('score:a1', 10, 1000)).rejects.toThrow(/not finished after 10 ms/);
    const broken = make(jest.fn().mockRejectedValue(new Error('Connection is closed')));
    await expect(broken.waiter.waitForScore('score:a1', 1000, 1)).rejects.toThrow('Connection is closed');
  });

  it('inline, reads no events at all (and cannot wait)', async () => {
    const { waiter, redis } = make(undefined, 'inline');
    expect(redis.queueEvents).not.toHaveBeenCalled();
    await expect(waiter.waitForScore('score:a1', 1000)).rejects.toThrow(/RISK_SCORING=worker/);
  });
});

import type { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import { Job, type Queue } from 'bullmq';
import { KizukiConfig } from '@kizuki/config';
import { QueueName, RedisConnections, type JobName, type JobResults } from '@kizuki/queue';

type ScoreResult = JobResults[JobName.ScoreLogin];

/** Waits for score jobs' answers (RISK_SCORING=worker): every api reads the score queue's whole event stream. */
@Injectable()
export class ScoreWaiter {
  private readonly scoreQueue: Queue;
  /** Per-job event names (`completed:<id>`) are emitted by QueueEvents but not in its typings. */
  private readonly events?: EventEmitter;

  constructor(config: KizukiConfig, redis: RedisConnections) {
    this.scoreQueue = redis.queue(QueueName.Score, 'commands');
    // Inline, the api scores for itself and never waits on a job: parsing the events of the jobs
    // it sheds (several per job) was api CPU spent for nothing, at the very moment it sheds.
    if (config.RISK_SCORING === 'worker') this.events = redis.queueEvents(QueueName.Score) as unknown as EventEmitter;
  }

  /**
   * Starts waiting for a score job's result *before* the job is added (its id is deterministic),
   * so its `completed` event cannot slip past: no state check per call. Two cases still need a look
   * at Redis, done once: the id already existed (BullMQ says `duplicated`: a retried call whose
   * job may have finished long ago), and `checkAfterMs` passing without news (an event lost while
   * the events connection was being set up or had dropped).
   * Not BullMQ's job.waitUntilFinished(): its check runs in an async Promise executor, so a Redis
   * error there (Redis restarting, enableOfflineQueue off) became an unhandled rejection that killed
   * the api (found by bench/chaos.ts).
   */
  waitForScore(jobId: string, timeoutMs: number, checkAfterMs = 200): Promise<ScoreResult> {
    const events = this.events;
    if (!events) return Promise.reject(new Error('waitForScore needs RISK_SCORING=worker'));
    return new Promise<ScoreResult>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(checkTimer);
        events.off(`completed:${jobId}`, onCompleted);
        events.off(`failed:${jobId}`, onFailed);
        events.off(`duplicated:${jobId}`, check);
        fn();
      };
      const onCompleted = (args: { returnvalue: unknown }) => settle(() => resolve(args.returnvalue as ScoreResult));
      const onFailed = (args: { failedReason: string }) => settle(() => reject(new Error(args.failedReason)));
      let checked = false;
      function check(): void {
        if (checked || settled) return;
        checked = true;
        lookup().catch((e: unknown) => settle(() => reject(e instanceof Error ? e : new Error(String(e)))));
      }
      const lookup = async () => {
        // State first, then the job: read the other way round, a job finishing in between looked
        // completed with no result yet (found by bench/load.ts at 1,000 req/s).
        const state = await this.scoreQueue.getJobState(jobId);
        // not added yet, waiting, active or removed: the events will tell
        if (state !== 'completed' && state !== 'failed') return;
        const job = await Job.fromId<unknown, ScoreResult>(this.scoreQueue, jobId);
        if (state === 'completed' && job?.returnvalue) settle(() => resolve(job.returnvalue));
        else if (state === 'failed') settle(() => reject(new Error(job?.failedReason || `job ${jobId} failed`)));
      };
      const timer = setTimeout(
        () => settle(() => reject(new Error(`job ${jobId} not finished after ${timeoutMs} ms`))),
        timeoutMs,
      );
      const checkTimer = setTimeout(check, Math.min(checkAfterMs, timeoutMs));
      events.on(`completed:${jobId}`, onCompleted);
      events.on(`failed:${jobId}`, onFailed);
      events.on(`duplicated:${jobId}`, check);
    });
  }
}

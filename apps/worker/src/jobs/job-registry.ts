import { JobName } from '@kizuki/queue';
import type { JobHandler } from './job-handler';

/**
 * Start-up check (immich's job.repository): every job name has exactly one handler, so a job can
 * neither be silently dropped nor handled twice.
 */
export function buildJobRegistry(handlers: JobHandler[]): Map<JobName, JobHandler> {
  const registry = new Map<JobName, JobHandler>();
  for (const handler of handlers) {
    if (registry.has(handler.jobName)) throw new Error(`Two handlers for job ${handler.jobName}`);
    registry.set(handler.jobName, handler);
  }
  const missing = Object.values(JobName).filter((name) => !registry.has(name));
  if (missing.length) throw new Error(`No handler for job(s): ${missing.join(', ')}`);
  return registry;
}

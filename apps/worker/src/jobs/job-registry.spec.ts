import { JobName } from '@kizuki/queue';
import type { JobHandler } from './job-handler';
import { buildJobRegistry } from './job-registry';

const handler = (jobName: JobName): JobHandler => ({ jobName, handle: async () => ({}) as never });

describe('buildJobRegistry', () => {
  it('maps every job name to its handler', () => {
    const registry = buildJobRegistry(Object.values(JobName).map(handler));
    expect([...registry.keys()].sort()).toEqual(Object.values(JobName).sort());
  });

  it('refuses a job without a handler', () => {
    expect(() => buildJobRegistry([handler(JobName.IngestBundle)])).toThrow(/No handler for job\(s\): .*ScoreLoginJob/);
  });

  it('refuses two handlers for one job', () => {
    expect(() => buildJobRegistry([...Object.values(JobName).map(handler), handler(JobName.ScoreLogin)])).toThrow(
      /Two handlers/,
    );
  });
});

import { Logger } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { FeedbackRepository } from '@kizuki/database';
import { JobName, jobIds } from '@kizuki/queue';
import type { JobProducer } from '../queue/job-producer';
import { FeedbackService } from './feedback.service';

const tenantId = '11111111-1111-4111-8111-111111111111';

function make() {
  const repo = { record: jest.fn().mockResolvedValue({ id: 'fb1' }) };
  const producer = { add: jest.fn().mockResolvedValue(undefined) };
  const moduleRef = { get: jest.fn(() => producer as unknown as JobProducer) };
  const service = new FeedbackService(repo as unknown as FeedbackRepository, moduleRef as unknown as ModuleRef);
  service.onModuleInit();
  return { repo, producer, service };
}

describe('FeedbackService: /v1/feedback and the console label alike', () => {
  afterEach(() => jest.restoreAllMocks());

  it('records the label in the tenant, then queues ApplyFeedback under its deterministic id', async () => {
    const { repo, producer, service } = make();
    expect(await service.record(tenantId, 'as1', 'legit', 'console')).toEqual({ id: 'fb1' });
    expect(repo.record).toHaveBeenCalledWith(tenantId, 'as1', 'legit', 'console');
    const data = { tenantId, feedbackId: 'fb1', assessmentId: 'as1', label: 'legit' };
    expect(producer.add).toHaveBeenCalledWith(JobName.ApplyFeedback, data, jobIds.feedback('fb1'));
  });

  it('queues nothing for an assessment the tenant does not have', async () => {
    const { repo, producer, service } = make();
    repo.record.mockResolvedValueOnce(null);
    expect(await service.record(tenantId, 'as1', 'fraud', 'api')).toBeNull();
    expect(producer.add).not.toHaveBeenCalled();
  });

  it('answers 503 (retry) when the label is recorded but the job cannot be queued', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { producer, service } = make();
    producer.add.mockRejectedValueOnce(new Error('Redis down'));
    await expect(service.record(tenantId, 'as1', 'fraud', 'api')).rejects.toMatchObject({ status: 503 });
  });
});

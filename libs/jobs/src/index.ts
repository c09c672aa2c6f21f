export * from './job-runner';
export { InProcessJobRunner } from './in-process-job-runner';
export { BullMqJobRunner, type BullMqJobRunnerOptions } from './bullmq-job-runner';

import type { JobRunner } from './job-runner';
import { BullMqJobRunner } from './bullmq-job-runner';
import { InProcessJobRunner } from './in-process-job-runner';

/** BullMQ when a Redis URL is configured, otherwise the in-process runner of the all-in-one. */
export function createJobRunner(redisUrl: string | null, options: { prefix?: string; onError?: (error: unknown) => void } = {}): JobRunner {
  return redisUrl ? new BullMqJobRunner({ redisUrl, ...options }) : new InProcessJobRunner();
}

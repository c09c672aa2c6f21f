import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import Redis from 'ioredis';
import {
  assertJobId, KEEP_COMPLETED, KEEP_FAILED, NonRetryableJobError,
  type JobFinished, type JobHandler, type JobInfo, type JobOptions, type JobProgress, type JobRunner, type JobState,
  type JobTemplate, type QueueCounts, type ScheduleSpec,
} from './job-runner';

export interface BullMqJobRunnerOptions {
  redisUrl: string;
  /** Key prefix in Redis: several deployments (or test runs) can share one Redis. */
  prefix?: string;
  /** Reports connection and worker errors (they must not crash the process). */
  onError?: (error: unknown) => void;
}

const KNOWN_STATES: readonly string[] = ['waiting', 'delayed', 'active', 'completed', 'failed'];
const toJobState = (state: string): JobState =>
  KNOWN_STATES.includes(state) ? (state as JobState) : state === 'prioritized' || state === 'waiting-children' ? 'waiting' : 'unknown';

/**
 * Jobs on Redis through BullMQ 6: queues shared by every planner process,
 * daily schedules as BullMQ job schedulers (`upsertJobScheduler`, a cron
 * pattern in the city's time zone), retries with exponential backoff, and
 * failed jobs kept (the newest 5,000 per queue).
 */
export class BullMqJobRunner implements JobRunner {
  readonly kind = 'bullmq' as const;
  private readonly connection: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Map<string, { worker: Worker; connection: Redis }>();
  private readonly listeners: Array<(event: JobFinished) => void> = [];
  private readonly prefix: string;
  private readonly onError: (error: unknown) => void;

  constructor(private readonly options: BullMqJobRunnerOptions) {
    this.prefix = options.prefix ?? 'vulgraad';
    this.onError = options.onError ?? (() => undefined);
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', this.onError);
  }

  async process<T, R>(queue: string, handler: JobHandler<T, R>, options: { concurrency?: number } = {}): Promise<void> {
    if (this.workers.has(queue)) throw new Error(`queue "${queue}" already has a handler`);
    // Workers block on their connection: each gets its own, without a per-request retry limit (BullMQ requires it).
    const connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
    connection.on('error', this.onError);
    const worker = new Worker(
      queue,
      async (job: Job) => {
        try {
          return await handler({
            id: job.id as string,
            name: job.name,
            queue,
            data: job.data as T,
            attemptsMade: job.attemptsMade,
            updateProgress: (progress: JobProgress) => job.updateProgress(progress),
          });
        } catch (error) {
          if (error instanceof NonRetryableJobError) throw new UnrecoverableError(error.message);
          throw error;
        }
      },
      { connection, prefix: this.prefix, concurrency: Math.max(1, options.concurrency ?? 1) },
    );
    worker.on('error', this.onError);
    worker.on('completed', (job: Job) => this.emit(job, queue, 'completed', true));
    worker.on('failed', (job: Job | undefined, error: Error) => {
      if (!job) return;
      const attempts = job.opts.attempts ?? 1;
      const final = job.attemptsMade >= attempts || error instanceof UnrecoverableError || error.name === 'UnrecoverableError';
      this.emit(job, queue, 'failed', final, error.message);
    });
    this.workers.set(queue, { worker, connection });
    await worker.waitUntilReady();
  }

  async add<T>(queue: string, name: string, data: T, options: JobOptions): Promise<{ id: string; created: boolean }> {
    assertJobId(options.jobId);
    const q = this.queue(queue);
    if (await q.getJob(options.jobId)) return { id: options.jobId, created: false };
    await q.add(name, data, {
      jobId: options.jobId,
      attempts: Math.max(1, options.attempts ?? 1),
      backoff: { type: 'exponential', delay: options.backoffMs ?? 1000 },
      delay: options.delayMs && options.delayMs > 0 ? options.delayMs : undefined,
      removeOnComplete: { count: KEEP_COMPLETED },
      removeOnFail: { count: KEEP_FAILED },
    });
    return { id: options.jobId, created: true };
  }

  async schedule<T>(queue: string, schedulerId: string, spec: ScheduleSpec, template: JobTemplate<T>): Promise<void> {
    assertJobId(schedulerId);
    const repeat =
      'everyMs' in spec
        ? { every: spec.everyMs }
        : { pattern: `${spec.dailyAtMin % 60} ${Math.floor(spec.dailyAtMin / 60) % 24} * * *`, tz: spec.timeZone };
    await this.queue(queue).upsertJobScheduler(schedulerId, repeat, {
      name: template.name,
      data: template.data,
      opts: {
        attempts: Math.max(1, template.attempts ?? 1),
        backoff: { type: 'exponential', delay: template.backoffMs ?? 1000 },
        removeOnComplete: { count: KEEP_COMPLETED },
        removeOnFail: { count: KEEP_FAILED },
      },
    });
  }

  async unschedule(queue: string, schedulerId: string): Promise<boolean> {
    return this.queue(queue).removeJobScheduler(schedulerId);
  }

  async schedules(queue: string): Promise<Array<{ id: string; nextMs: number | null }>> {
    const list = await this.queue(queue).getJobSchedulers(0, -1, true);
    return list.map((s) => ({ id: s.key, nextMs: s.next ?? null }));
  }

  async getJob(queue: string, id: string): Promise<JobInfo | null> {
    // State first, then the job's data: read the other way round, a job completing in between shows as
    // completed without its result.
    const q = this.queue(queue);
    const state = await q.getJobState(id);
    const job = await q.getJob(id);
    return job ? this.info(job as Job, queue, toJobState(state)) : null;
  }

  async failed(queue: string, limit = 100): Promise<JobInfo[]> {
    const jobs = (await this.queue(queue).getFailed(0, limit - 1)) as Job[];
    return Promise.all(jobs.map((job) => this.info(job, queue, 'failed')));
  }

  async retry(queue: string, id: string): Promise<boolean> {
    const job = (await this.queue(queue).getJob(id)) as Job | undefined;
    if (!job || (await job.getState()) !== 'failed') return false;
    await job.retry('failed');
    return true;
  }

  async counts(queue: string): Promise<QueueCounts> {
    const c = await this.queue(queue).getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    return { waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 };
  }

  onFinished(listener: (event: JobFinished) => void): void {
    this.listeners.push(listener);
  }

  /** Lets running jobs finish, then closes workers, queues and connections. */
  async close(): Promise<void> {
    for (const { worker } of this.workers.values()) await worker.close().catch(this.onError);
    for (const q of this.queues.values()) await q.close().catch(this.onError);
    await Promise.allSettled([...[...this.workers.values()].map((w) => w.connection.quit()), this.connection.quit()]);
    this.workers.clear();
    this.queues.clear();
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      q.on('error', this.onError);
      this.queues.set(name, q);
    }
    return q;
  }

  private async info(job: Job, queue: string, knownState?: JobState): Promise<JobInfo> {
    const state = knownState ?? (await job.getState());
    return {
      id: job.id as string,
      name: job.name,
      queue,
      data: job.data,
      state: toJobState(state),
      attemptsMade: job.attemptsMade,
      progress: job.progress as JobProgress,
      failedReason: job.failedReason || null,
      result: job.returnvalue,
      createdAtMs: job.timestamp,
      finishedAtMs: job.finishedOn ?? null,
    };
  }

  private emit(job: Job, queue: string, outcome: 'completed' | 'failed', final: boolean, error?: string): void {
    const durationMs = job.finishedOn && job.processedOn ? job.finishedOn - job.processedOn : 0;
    const event: JobFinished = { queue, id: job.id as string, name: job.name, outcome, final, durationMs, error };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not fail the worker.
      }
    }
  }
}

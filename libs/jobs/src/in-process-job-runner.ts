import { nextDailyOccurrence } from '@vulgraad/time';
import {
  assertJobId, backoffDelayMs, KEEP_COMPLETED, KEEP_FAILED, NonRetryableJobError,
  type JobContext, type JobFinished, type JobHandler, type JobInfo, type JobOptions, type JobProgress, type JobRunner,
  type JobTemplate, type QueueCounts, type ScheduleSpec,
} from './job-runner';

interface JobRecord {
  id: string;
  name: string;
  queue: string;
  data: unknown;
  state: JobInfo['state'];
  attempts: number;
  backoffMs: number;
  attemptsMade: number;
  progress: JobProgress;
  failedReason: string | null;
  result: unknown;
  createdAtMs: number;
  finishedAtMs: number | null;
  timer: NodeJS.Timeout | null;
}

interface QueueState {
  jobs: Map<string, JobRecord>;
  handler: JobHandler<unknown, unknown> | null;
  concurrency: number;
  active: number;
  schedulers: Map<string, { timer: NodeJS.Timeout | null; nextMs: number | null }>;
}

/**
 * The job runner of the all-in-one process (no Redis): the same semantics
 * as the BullMQ runner, held in memory. Jobs do not survive a restart;
 * the planner re-creates its schedules at start-up and the daily job id
 * makes a re-run harmless.
 */
export class InProcessJobRunner implements JobRunner {
  readonly kind = 'in-process' as const;
  private readonly queues = new Map<string, QueueState>();
  private readonly listeners: Array<(event: JobFinished) => void> = [];
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly now: () => number = Date.now) {}

  async process<T, R>(queue: string, handler: JobHandler<T, R>, options: { concurrency?: number } = {}): Promise<void> {
    const q = this.queue(queue);
    if (q.handler) throw new Error(`queue "${queue}" already has a handler`);
    q.handler = handler as JobHandler<unknown, unknown>;
    q.concurrency = Math.max(1, options.concurrency ?? 1);
    this.pump(queue);
  }

  async add<T>(queue: string, name: string, data: T, options: JobOptions): Promise<{ id: string; created: boolean }> {
    assertJobId(options.jobId);
    if (this.closed) throw new Error('job runner is closed');
    const q = this.queue(queue);
    if (q.jobs.has(options.jobId)) return { id: options.jobId, created: false };
    const job: JobRecord = {
      id: options.jobId, name, queue, data, state: 'waiting', attempts: Math.max(1, options.attempts ?? 1),
      backoffMs: options.backoffMs ?? 1000, attemptsMade: 0, progress: 0, failedReason: null, result: undefined,
      createdAtMs: this.now(), finishedAtMs: null, timer: null,
    };
    q.jobs.set(job.id, job);
    if (options.delayMs && options.delayMs > 0) this.delay(job, options.delayMs);
    else this.pump(queue);
    return { id: job.id, created: true };
  }

  async schedule<T>(queue: string, schedulerId: string, spec: ScheduleSpec, template: JobTemplate<T>): Promise<void> {
    assertJobId(schedulerId);
    await this.unschedule(queue, schedulerId);
    const q = this.queue(queue);
    const entry: { timer: NodeJS.Timeout | null; nextMs: number | null } = { timer: null, nextMs: null };
    q.schedulers.set(schedulerId, entry);
    const arm = (): void => {
      if (this.closed || q.schedulers.get(schedulerId) !== entry) return;
      const now = this.now();
      const next = 'everyMs' in spec ? now + spec.everyMs : nextDailyOccurrence(now, spec.dailyAtMin, spec.timeZone);
      entry.nextMs = next;
      entry.timer = setTimeout(() => {
        void this.add(queue, template.name, template.data, {
          jobId: `${schedulerId}-${next}`, attempts: template.attempts, backoffMs: template.backoffMs,
        }).catch(() => undefined);
        arm();
      }, Math.max(0, next - now));
      entry.timer.unref();
    };
    arm();
  }

  async unschedule(queue: string, schedulerId: string): Promise<boolean> {
    const q = this.queue(queue);
    const entry = q.schedulers.get(schedulerId);
    if (!entry) return false;
    if (entry.timer) clearTimeout(entry.timer);
    q.schedulers.delete(schedulerId);
    return true;
  }

  async schedules(queue: string): Promise<Array<{ id: string; nextMs: number | null }>> {
    return [...this.queue(queue).schedulers].map(([id, s]) => ({ id, nextMs: s.nextMs }));
  }

  async getJob(queue: string, id: string): Promise<JobInfo | null> {
    const job = this.queues.get(queue)?.jobs.get(id);
    return job ? info(job) : null;
  }

  async failed(queue: string, limit = 100): Promise<JobInfo[]> {
    const jobs = [...(this.queues.get(queue)?.jobs.values() ?? [])].filter((j) => j.state === 'failed');
    return jobs.sort((a, b) => (b.finishedAtMs ?? 0) - (a.finishedAtMs ?? 0)).slice(0, limit).map(info);
  }

  async retry(queue: string, id: string): Promise<boolean> {
    const job = this.queues.get(queue)?.jobs.get(id);
    if (!job || job.state !== 'failed') return false;
    job.state = 'waiting';
    job.attemptsMade = 0;
    job.failedReason = null;
    job.finishedAtMs = null;
    this.pump(queue);
    return true;
  }

  async counts(queue: string): Promise<QueueCounts> {
    const counts: QueueCounts = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 };
    for (const job of this.queues.get(queue)?.jobs.values() ?? []) if (job.state !== 'unknown') counts[job.state]++;
    return counts;
  }

  onFinished(listener: (event: JobFinished) => void): void {
    this.listeners.push(listener);
  }

  /** Stops schedules and timers and waits for running jobs to end. */
  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queues.values()) {
      for (const s of q.schedulers.values()) if (s.timer) clearTimeout(s.timer);
      q.schedulers.clear();
      for (const job of q.jobs.values()) if (job.timer) clearTimeout(job.timer);
    }
    await Promise.allSettled([...this.running]);
  }

  private queue(name: string): QueueState {
    let q = this.queues.get(name);
    if (!q) {
      q = { jobs: new Map(), handler: null, concurrency: 1, active: 0, schedulers: new Map() };
      this.queues.set(name, q);
    }
    return q;
  }

  private delay(job: JobRecord, ms: number): void {
    job.state = 'delayed';
    job.timer = setTimeout(() => {
      job.timer = null;
      if (job.state !== 'delayed') return;
      job.state = 'waiting';
      this.pump(job.queue);
    }, ms);
    job.timer.unref();
  }

  private pump(queueName: string): void {
    const q = this.queue(queueName);
    if (!q.handler || this.closed) return;
    for (const job of q.jobs.values()) {
      if (q.active >= q.concurrency) return;
      if (job.state !== 'waiting') continue;
      q.active++;
      job.state = 'active';
      const run = this.run(q, job).finally(() => {
        q.active--;
        this.running.delete(run);
        this.pump(queueName);
      });
      this.running.add(run);
    }
  }

  private async run(q: QueueState, job: JobRecord): Promise<void> {
    const started = performance.now();
    const context: JobContext<unknown> = {
      id: job.id, name: job.name, queue: job.queue, data: job.data, attemptsMade: job.attemptsMade,
      updateProgress: async (progress) => {
        job.progress = progress;
      },
    };
    try {
      job.result = await (q.handler as JobHandler<unknown, unknown>)(context);
      job.attemptsMade++;
      job.state = 'completed';
      job.finishedAtMs = this.now();
      this.emit({ queue: job.queue, id: job.id, name: job.name, outcome: 'completed', final: true, durationMs: performance.now() - started });
      this.trim(q, 'completed', KEEP_COMPLETED);
    } catch (error) {
      job.attemptsMade++;
      const message = error instanceof Error ? error.message : String(error);
      job.failedReason = message;
      const final = error instanceof NonRetryableJobError || job.attemptsMade >= job.attempts || this.closed;
      this.emit({ queue: job.queue, id: job.id, name: job.name, outcome: 'failed', final, durationMs: performance.now() - started, error: message });
      if (final) {
        job.state = 'failed';
        job.finishedAtMs = this.now();
        this.trim(q, 'failed', KEEP_FAILED);
      } else {
        this.delay(job, backoffDelayMs(job.backoffMs, job.attemptsMade));
      }
    }
  }

  private emit(event: JobFinished): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not fail the job.
      }
    }
  }

  private trim(q: QueueState, state: 'completed' | 'failed', keep: number): void {
    const finished = [...q.jobs.values()].filter((j) => j.state === state);
    for (let k = 0; k < finished.length - keep; k++) q.jobs.delete(finished[k].id);
  }
}

function info(job: JobRecord): JobInfo {
  return {
    id: job.id, name: job.name, queue: job.queue, data: job.data, state: job.state, attemptsMade: job.attemptsMade,
    progress: job.progress, failedReason: job.failedReason, result: job.result, createdAtMs: job.createdAtMs, finishedAtMs: job.finishedAtMs,
  };
}

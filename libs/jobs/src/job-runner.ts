/**
 * Background jobs behind one interface, so the planner runs the same on
 * BullMQ (Redis, several workers and processes) and in the all-in-one
 * process without Redis. Both implementations keep the same promises:
 * - a job id is an idempotency key: adding an id that exists (waiting,
 *   running, done or failed) adds nothing;
 * - a failing job is retried with exponential backoff (`backoffMs`,
 *   doubled per attempt) until `attempts` are used, unless it throws a
 *   `NonRetryableJobError`; then it stays in the failed list, visible
 *   with its reason, until retried by hand;
 * - handlers report progress; schedules add a job at fixed times.
 */

/** How one job runs. */
export interface JobOptions {
  /** Idempotency key; no `:` (BullMQ reserves it). */
  jobId: string;
  /** Attempts in all, the first included (default 1). */
  attempts?: number;
  /** Delay before the first retry, milliseconds; doubled for each further retry (default 1000). */
  backoffMs?: number;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
}

/** When a scheduler adds its job: at a fixed interval, or every day at a local time. */
export type ScheduleSpec = { everyMs: number } | { dailyAtMin: number; timeZone: string };

/** What a scheduler adds each time. */
export interface JobTemplate<T> {
  name: string;
  data: T;
  attempts?: number;
  backoffMs?: number;
}

/** A job as its handler sees it. */
export interface JobContext<T> {
  id: string;
  name: string;
  queue: string;
  data: T;
  /** Attempts made before this one. */
  attemptsMade: number;
  /** Reports progress (a share 0..100 or a small object) where operators and metrics can see it. */
  updateProgress(progress: JobProgress): Promise<void>;
}

export type JobProgress = number | Record<string, string | number | boolean | null>;
export type JobHandler<T = unknown, R = unknown> = (job: JobContext<T>) => Promise<R>;
export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'unknown';

/** A job as stored, for status pages and tests. */
export interface JobInfo {
  id: string;
  name: string;
  queue: string;
  data: unknown;
  state: JobState;
  attemptsMade: number;
  progress: JobProgress;
  failedReason: string | null;
  result: unknown;
  createdAtMs: number;
  finishedAtMs: number | null;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

/** Sent when a job attempt ends, for metrics. `final` is false for a failure that will be retried. */
export interface JobFinished {
  queue: string;
  id: string;
  name: string;
  outcome: 'completed' | 'failed';
  final: boolean;
  durationMs: number;
  error?: string;
}

/** A job runner: BullMQ on Redis or the in-process one. */
export interface JobRunner {
  readonly kind: 'bullmq' | 'in-process';
  /** Starts handling a queue's jobs. One handler per queue per runner. */
  process<T, R>(queue: string, handler: JobHandler<T, R>, options?: { concurrency?: number }): Promise<void>;
  /** Adds a job unless one with its id exists; `created` says which. */
  add<T>(queue: string, name: string, data: T, options: JobOptions): Promise<{ id: string; created: boolean }>;
  /** Creates or replaces a scheduler that adds a job from the template at every occurrence. */
  schedule<T>(queue: string, schedulerId: string, spec: ScheduleSpec, template: JobTemplate<T>): Promise<void>;
  unschedule(queue: string, schedulerId: string): Promise<boolean>;
  /** The schedulers of a queue and their next run, epoch ms. */
  schedules(queue: string): Promise<Array<{ id: string; nextMs: number | null }>>;
  getJob(queue: string, id: string): Promise<JobInfo | null>;
  /** Jobs that used up their attempts, newest first. */
  failed(queue: string, limit?: number): Promise<JobInfo[]>;
  /** Puts a failed job back in the queue for a fresh set of attempts. */
  retry(queue: string, id: string): Promise<boolean>;
  counts(queue: string): Promise<QueueCounts>;
  /** Listens to ended attempts (metrics, logs). */
  onFinished(listener: (event: JobFinished) => void): void;
  close(): Promise<void>;
}

/** Thrown by a handler when retrying cannot help (bad input): the job fails at once. */
export class NonRetryableJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonRetryableJobError';
  }
}

/** Names of BullMQ's own keys inside a queue: a job with such an id would overwrite one. */
const RESERVED_IDS = new Set([
  'wait', 'waiting', 'paused', 'meta', 'events', 'id', 'delayed', 'active', 'completed', 'failed', 'priority', 'prioritized',
  'stalled', 'stalled-check', 'limiter', 'marker', 'pc', 'repeat', 'de', 'metrics', 'waiting-children',
]);

/** Throws unless the id can be used by both runners. */
export function assertJobId(id: string): void {
  if (!id || id.includes(':') || /^\d+$/.test(id) || RESERVED_IDS.has(id)) {
    throw new RangeError(`job id must be non-empty, not all digits, not a queue key name and without ":", got "${id}"`);
  }
}

/** Delay before retry number `retry` (1 = first retry). */
export const backoffDelayMs = (backoffMs: number, retry: number): number => backoffMs * 2 ** Math.max(0, retry - 1);

/** Kept per queue: completed and failed jobs beyond these counts are forgotten, oldest first. */
export const KEEP_COMPLETED = 1000;
export const KEEP_FAILED = 5000;

import { NonRetryableJobError, type JobFinished, type JobRunner } from '../job-runner';

/** Polls until `check` holds (or fails after `timeoutMs`): the runners work asynchronously. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The behaviour both job runners promise, run against each: idempotent ids,
 * retries with backoff, failed jobs kept and retriable, progress, schedules.
 * `make` returns a fresh runner (with its own queue namespace).
 */
export function jobRunnerContract(make: () => JobRunner): void {
  let sut: JobRunner;
  let queue = '';
  let n = 0;
  beforeEach(() => {
    sut = make();
    queue = `contract-${++n}`;
  });
  afterEach(async () => sut.close());

  it('adds a job id once: a second add of the same id is ignored, also after the job completed', async () => {
    const seen: string[] = [];
    await sut.process<{ v: number }, number>(queue, async (job) => {
      seen.push(job.id);
      return job.data.v * 2;
    });
    expect(await sut.add(queue, 'plan', { v: 1 }, { jobId: 'plan|centre|2026-03-03|daily' })).toEqual({ id: 'plan|centre|2026-03-03|daily', created: true });
    expect((await sut.add(queue, 'plan', { v: 2 }, { jobId: 'plan|centre|2026-03-03|daily' })).created).toBe(false);
    await eventually(async () => (await sut.getJob(queue, 'plan|centre|2026-03-03|daily'))?.state === 'completed');
    expect((await sut.add(queue, 'plan', { v: 3 }, { jobId: 'plan|centre|2026-03-03|daily' })).created).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toEqual(['plan|centre|2026-03-03|daily']);
    expect((await sut.getJob(queue, 'plan|centre|2026-03-03|daily'))?.result).toBe(2);
  });

  it('retries a failing job with backoff until it succeeds, reporting every attempt', async () => {
    const events: JobFinished[] = [];
    sut.onFinished((e) => events.push(e));
    const attempts: number[] = [];
    await sut.process(queue, async (job) => {
      attempts.push(job.attemptsMade);
      if (job.attemptsMade < 2) throw new Error(`flaky ${job.attemptsMade}`);
      return 'ok';
    });
    await sut.add(queue, 'plan', {}, { jobId: 'retry-me', attempts: 3, backoffMs: 30 });
    await eventually(async () => (await sut.getJob(queue, 'retry-me'))?.state === 'completed');
    expect(attempts).toEqual([0, 1, 2]);
    await eventually(() => events.length === 3);
    expect(events.map((e) => [e.outcome, e.final])).toEqual([['failed', false], ['failed', false], ['completed', true]]);
  });

  it('keeps a job that used up its attempts in the failed list with its reason, and can retry it', async () => {
    let fail = true;
    await sut.process(queue, async () => {
      if (fail) throw new Error('matrix provider unreachable');
      return 'done';
    });
    await sut.add(queue, 'plan', { district: 'west' }, { jobId: 'always-fails', attempts: 2, backoffMs: 10 });
    await eventually(async () => (await sut.getJob(queue, 'always-fails'))?.state === 'failed');
    const failed = await sut.failed(queue);
    expect(failed.map((j) => [j.id, j.failedReason, j.attemptsMade])).toEqual([['always-fails', 'matrix provider unreachable', 2]]);
    expect((await sut.counts(queue)).failed).toBe(1);
    fail = false;
    expect(await sut.retry(queue, 'always-fails')).toBe(true);
    await eventually(async () => (await sut.getJob(queue, 'always-fails'))?.state === 'completed');
    expect(await sut.failed(queue)).toEqual([]);
  });

  it('fails at once without retrying when the handler says retrying cannot help', async () => {
    let calls = 0;
    await sut.process(queue, async () => {
      calls++;
      throw new NonRetryableJobError('district "nowhere" has no containers');
    });
    await sut.add(queue, 'plan', {}, { jobId: 'bad-input', attempts: 5, backoffMs: 10 });
    await eventually(async () => (await sut.getJob(queue, 'bad-input'))?.state === 'failed');
    expect(calls).toBe(1);
    expect((await sut.getJob(queue, 'bad-input'))?.failedReason).toMatch(/no containers/);
  });

  it('keeps the progress a handler reports', async () => {
    await sut.process(queue, async (job) => {
      await job.updateProgress({ step: 'solve', pct: 40 });
      return null;
    });
    await sut.add(queue, 'plan', {}, { jobId: 'progress' });
    await eventually(async () => (await sut.getJob(queue, 'progress'))?.state === 'completed');
    expect((await sut.getJob(queue, 'progress'))?.progress).toEqual({ step: 'solve', pct: 40 });
  });

  it('runs a delayed job only after its delay', async () => {
    await sut.process(queue, async () => 'late');
    await sut.add(queue, 'replan', {}, { jobId: 'replan-later', delayMs: 300 });
    expect((await sut.getJob(queue, 'replan-later'))?.state).toBe('delayed');
    await eventually(async () => (await sut.getJob(queue, 'replan-later'))?.state === 'completed');
  });

  it('adds jobs from a schedule until it is removed', async () => {
    const names: string[] = [];
    await sut.process(queue, async (job) => {
      names.push(job.name);
      return null;
    });
    await sut.schedule(queue, 'daily-centre', { everyMs: 150 }, { name: 'daily', data: { district: 'centre' } });
    expect((await sut.schedules(queue)).map((s) => s.id)).toEqual(['daily-centre']);
    await eventually(() => names.length >= 2);
    expect(await sut.unschedule(queue, 'daily-centre')).toBe(true);
    expect(await sut.schedules(queue)).toEqual([]);
    expect(new Set(names)).toEqual(new Set(['daily']));
  });

  it('refuses a job id BullMQ cannot store', async () => {
    await expect(sut.add(queue, 'plan', {}, { jobId: 'plan:centre' })).rejects.toThrow(/without ":"/);
    await expect(sut.add(queue, 'plan', {}, { jobId: 'delayed' })).rejects.toThrow(/queue key name/);
  });
}

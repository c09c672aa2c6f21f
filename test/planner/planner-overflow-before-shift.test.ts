import request from 'supertest';
import { background, startPlanner, type PlannerHarness } from './harness';
import { PLANNER_QUEUE } from '../../apps/planner/src/planner.tokens';

// Monday evening; the shift planned is Tuesday 2026-03-03, the next chance after it Wednesday.
describe('planner: a container that will overflow before the next shift', () => {
  let h: PlannerHarness;
  beforeAll(async () => {
    h = await startPlanner({
      name: 'overflow',
      nowIso: '2026-03-02T17:00:00Z',
      containers: [
        ...background(18),
        // 65 % now and +1 point an hour: full around 05:00 on Wednesday, before the next shift starts.
        { id: 'filling-fast', lng: 4.9, lat: 52.37, ratePctPerH: 1, fillNowPct: 65 },
        // Nearly empty and slow: waits.
        { id: 'nearly-empty', lng: 4.885, lat: 52.366, ratePctPerH: 0.1, fillNowPct: 4 },
      ],
    });
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  it('is always planned as a must stop by the daily job, and the plan is published', async () => {
    const { jobId } = await h.replans.requestDaily('residual', '2026-03-03');
    const job = await h.waitForJob(jobId);
    expect(job.failedReason).toBeNull();
    expect(job.result).toMatchObject({ status: 'published', version: 1, mustMissed: 0 });
    expect(job.progress).toMatchObject({ pct: 100 });

    const plan = await h.plans.published('centre', 'residual', '2026-03-03');
    const stops = plan?.routes.flatMap((r) => r.stops) ?? [];
    const stop = stops.find((s) => s.containerId === 'filling-fast');
    expect(stop?.why).toMatchObject({ category: 'must', fromHistoryOnly: false });
    expect(stop?.why?.overflowRisk).toBeGreaterThan(0.5);
    expect(stop?.why?.fillNowPct).toBeGreaterThan(55);
    expect(stops.find((s) => s.containerId === 'nearly-empty')).toBeUndefined();
    await h.waitForEvent('plan.published', (e) => e.planId === plan?.id && e.trigger === 'daily');
  }, 60_000);

  it('does not plan the shift twice when the daily job is added again', async () => {
    const again = await h.replans.requestDaily('residual', '2026-03-03');
    expect(again.created).toBe(false);
    expect(await h.plans.versions('centre', 'residual', '2026-03-03')).toHaveLength(1);
  }, 60_000);

  it('shows its queue and plans on /health and /metrics', async () => {
    const health = await request(h.app.getHttpServer()).get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'ok', database: true, jobRunner: 'bullmq' });
    expect(health.body.queue.completed).toBeGreaterThanOrEqual(1);
    const metrics = await request(h.app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/vulgraad_planner_plans_published_total\{trigger="daily"\} 1/);
    expect(metrics.text).toMatch(/vulgraad_planner_queue_jobs\{state="completed"\} [1-9]/);
    expect(metrics.text).toMatch(/vulgraad_planner_solve_seconds_count 1/);
    expect((await h.jobs.counts(PLANNER_QUEUE)).failed).toBe(0);
  }, 60_000);
});

import { background, startPlanner, type PlannerHarness } from '../planner/harness';

// The planner on BullMQ (the machine's Redis) and a scratch PostgreSQL, serving HTTP: after one
// daily plan its /metrics has the queue depth, the job's duration, the solve time and the plan's
// cost; live and ready answer 200 (ready checks the queue through Redis), and 503 once the
// database is gone.
describe('planner observability on BullMQ', () => {
  let h: PlannerHarness;
  let url: string;

  beforeAll(async () => {
    h = await startPlanner({ name: 'observability', nowIso: '2026-03-02T17:00:00Z', containers: background(12), runner: 'bullmq' });
    await h.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(h.app.getHttpServer().address() as { port: number }).port}`;
    const daily = await h.replans.requestDaily('residual', '2026-03-03');
    expect((await h.waitForJob(daily.jobId)).state).toBe('completed');
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  it('reports queue depth, job durations, solve time and plan cost', async () => {
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toMatch(/^vulgraad_planner_queue_jobs\{state="completed"\} [1-9]/m);
    expect(body).toMatch(/^vulgraad_planner_queue_jobs\{state="waiting"\} 0$/m);
    expect(body).toMatch(/^vulgraad_planner_job_seconds_count\{name="daily",outcome="completed"\} 1$/m);
    expect(body).toMatch(/^vulgraad_planner_solve_seconds_count 1$/m);
    expect(body).toMatch(/^vulgraad_planner_plan_cost\{district="fleet",fraction="residual"\} \d/m);
    expect(body).toMatch(/^vulgraad_planner_plans_published_total\{trigger="daily"\} 1$/m);
  });

  it('is live and ready with the queue reachable, and not ready once the database is gone', async () => {
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, queue: { status: 'up', runner: 'bullmq' } } });

    await h.scratch.drop();
    const down = await fetch(`${url}/health/ready`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'error', error: { database: { status: 'down' } }, info: { queue: { status: 'up' } } });
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    expect((await fetch(`${url}/health`)).status).toBe(503);
  });
});

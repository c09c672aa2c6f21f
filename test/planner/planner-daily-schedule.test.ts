import { PLANNER_QUEUE } from '../../apps/planner/src/planner.tokens';
import { background, startPlanner, type PlannerHarness } from './harness';

// The all-in-one's set-up: no Redis for jobs, the in-process runner; the planner starts at 18:00 local on a Monday.
describe('planner: the daily schedule on the in-process runner', () => {
  let h: PlannerHarness;
  beforeAll(async () => {
    h = await startPlanner({
      name: 'daily',
      nowIso: '2026-03-02T17:00:00Z',
      runner: 'in-process',
      schedules: true,
      containers: [...background(12), { id: 'filling-fast', lng: 4.9, lat: 52.37, ratePctPerH: 1, fillNowPct: 70 }],
    });
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  // One schedule per fraction: its shift is planned for the whole fleet, every district at once.
  it('creates a daily schedule per fraction before the cut-off', async () => {
    const schedules = await h.jobs.schedules(PLANNER_QUEUE);
    expect(schedules.map((s) => s.id)).toEqual(['daily|fleet|residual']);
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    expect(local.format(schedules[0].nextMs as number)).toBe('16:00');
  }, 60_000);

  it('plans the next shift at once when it starts after the daily time and the plan is missing', async () => {
    const job = await h.waitForJob('plan|fleet|residual|2026-03-03|daily');
    expect(job.result).toMatchObject({ status: 'published', version: 1, mustMissed: 0 });
    const plan = await h.plans.published('centre', 'residual', '2026-03-03');
    expect(plan?.routes.flatMap((r) => r.stops).some((s) => s.containerId === 'filling-fast' && s.why?.category === 'must')).toBe(true);
  }, 60_000);

  it('skips the daily run on a day before a day without collection', async () => {
    h.clock.set('2026-03-07T17:00:00Z'); // Saturday evening; no collection on Sunday
    await h.jobs.add(PLANNER_QUEUE, 'daily', { district: 'fleet', fraction: 'residual', trigger: 'daily' }, { jobId: 'daily-saturday' });
    const job = await h.waitForJob('daily-saturday');
    expect(job.result).toEqual({ status: 'skipped', reason: 'no residual collection tomorrow' });
  }, 60_000);
});

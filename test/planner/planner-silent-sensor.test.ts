import { background, startPlanner, type PlannerHarness } from './harness';

describe('planner: a silent sensor\'s container is planned from its history', () => {
  let h: PlannerHarness;
  beforeAll(async () => {
    h = await startPlanner({
      name: 'silent',
      nowIso: '2026-03-02T17:00:00Z',
      containers: [
        ...background(12),
        // Last heard 40 hours ago at 30 %, filling 1.2 points an hour: by now about 78 %, though no reading says so.
        { id: 'silent-sensor', lng: 4.893, lat: 52.369, ratePctPerH: 1.2, fillNowPct: 30, silentForH: 40 },
      ],
    });
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  it('plans it as a must, marked as forecast from history only', async () => {
    const { jobId } = await h.replans.requestDaily('residual', '2026-03-03');
    const job = await h.waitForJob(jobId);
    expect(job.result).toMatchObject({ status: 'published', mustMissed: 0 });
    const plan = await h.plans.published('centre', 'residual', '2026-03-03');
    const stops = plan?.routes.flatMap((r) => r.stops) ?? [];
    const silent = stops.find((s) => s.containerId === 'silent-sensor');
    expect(silent?.why).toMatchObject({ category: 'must', fromHistoryOnly: true });
    expect(silent?.why?.fillNowPct).toBeGreaterThan(60);
    for (const stop of stops.filter((s) => s.containerId?.startsWith('bg-'))) expect(stop.why?.fromHistoryOnly).toBe(false);
  }, 60_000);
});

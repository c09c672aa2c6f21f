import { background, startPlanner, type PlannerHarness } from './harness';

describe('planner: a locked stop stays, on its truck', () => {
  let h: PlannerHarness;
  beforeAll(async () => {
    h = await startPlanner({
      name: 'locked',
      nowIso: '2026-03-02T17:00:00Z',
      containers: [...background(18), { id: 'market-square', lng: 4.895, lat: 52.372, ratePctPerH: 0.1, fillNowPct: 8 }],
    });
    const daily = await h.replans.requestDaily('residual', '2026-03-03');
    await h.waitForJob(daily.jobId);
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  const stopsOf = async (vehicleId: string): Promise<string[]> => {
    const plan = await h.plans.published('centre', 'residual', '2026-03-03');
    return plan?.routes.find((r) => r.vehicleId === vehicleId)?.stops.flatMap((s) => (s.containerId ? [s.containerId] : [])) ?? [];
  };

  it('puts a nearly empty container the planner locked to truck-2 on truck-2 after the edit event', async () => {
    expect([...(await stopsOf('truck-1')), ...(await stopsOf('truck-2'))]).not.toContain('market-square');
    const edit = await h.edits.append({
      district: 'centre', shiftDate: '2026-03-03', containerId: 'market-square', action: 'lock', vehicleId: 'truck-2', reason: 'market tomorrow', by: 'anna',
    });
    await h.bus.publish('planner.edit', {
      editId: edit.id, district: 'centre', containerId: 'market-square', action: 'lock', vehicleId: 'truck-2', reason: edit.reason, by: 'anna', shiftDate: '2026-03-03',
    });
    const published = await h.waitForEvent('plan.published', (e) => e.version === 2);
    expect(published.trigger).toMatch(/^planner\.edit lock market-square by anna/);
    expect(await stopsOf('truck-2')).toContain('market-square');
    const plan = await h.plans.published('centre', 'residual', '2026-03-03');
    const stop = plan?.routes.flatMap((r) => r.stops).find((s) => s.containerId === 'market-square');
    expect(stop?.why).toMatchObject({ category: 'locked', plannerDecision: { action: 'lock', reason: 'market tomorrow', by: 'anna' } });
  }, 60_000);

  it('keeps it there through the next re-plan', async () => {
    const { jobId } = await h.replans.request('centre', 'residual', '2026-03-03', 'test re-plan');
    const job = await h.waitForJob(jobId);
    expect(job.result).toMatchObject({ status: 'published', version: 3 });
    expect(await stopsOf('truck-2')).toContain('market-square');
    expect(await stopsOf('truck-1')).not.toContain('market-square');
  }, 60_000);

  it('drops it again once the lock is cleared, with both decisions in the audit log', async () => {
    await h.edits.append({ district: 'centre', shiftDate: '2026-03-03', containerId: 'market-square', action: 'clear', reason: 'market cancelled', by: 'bram' });
    const { jobId } = await h.replans.request('centre', 'residual', '2026-03-03', 'test re-plan after clear');
    await h.waitForJob(jobId);
    expect([...(await stopsOf('truck-1')), ...(await stopsOf('truck-2'))]).not.toContain('market-square');
    expect((await h.edits.ofContainer('market-square')).map((e) => [e.action, e.by])).toEqual([['lock', 'anna'], ['clear', 'bram']]);
  }, 60_000);
});

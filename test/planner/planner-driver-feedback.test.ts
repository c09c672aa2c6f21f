import { PlannerMetrics } from '../../apps/planner/src/planner.metrics';
import { background, startPlanner, type PlannerHarness } from './harness';

describe('planner: drivers\' feedback', () => {
  let h: PlannerHarness;
  beforeAll(async () => {
    h = await startPlanner({
      name: 'feedback',
      nowIso: '2026-03-02T17:00:00Z',
      containers: background(18).map((c, i) => ({ ...c, ratePctPerH: 1, fillNowPct: 50 + (i % 3) * 5 })),
    });
    const daily = await h.replans.requestDaily('residual', '2026-03-03');
    await h.waitForJob(daily.jobId);
    h.clock.set('2026-03-03T07:30:00Z');
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  it('stores an emptying with the fill seen and marks the stop driven, without a re-plan', async () => {
    const plan = await h.plans.published('centre', 'residual', '2026-03-03');
    const stop = plan!.routes[0].stops.find((s) => s.kind === 'container')!;
    await h.bus.publish('driver.feedback', { containerId: stop.containerId as string, vehicleId: plan!.routes[0].vehicleId, kind: 'emptied', observedFillPct: 88, at: '2026-03-03T07:20:00Z' });
    const recorded = await h.waitForEvent('collection.recorded', (e) => e.containerId === stop.containerId);
    expect(recorded).toMatchObject({ observedFillPct: 88, source: 'driver', planId: plan!.id });
    const after = await h.plans.findById(plan!.id);
    expect(after?.routes[0].stops.find((s) => s.containerId === stop.containerId)?.doneAt).toBe('2026-03-03T07:20:00.000Z');
    expect((await h.plans.published('centre', 'residual', '2026-03-03'))?.version).toBe(1);
  }, 60_000);

  it('excludes a blocked container for the shift, with the driver in the audit log, and re-plans without it', async () => {
    const plan = await h.plans.published('centre', 'residual', '2026-03-03');
    const blocked = plan!.routes.flatMap((r) => r.stops).filter((s) => s.kind === 'container' && s.doneAt === null)[2];
    await h.bus.publish('driver.feedback', { containerId: blocked.containerId as string, vehicleId: 'truck-1', kind: 'blocked', note: 'car parked on the lid', at: '2026-03-03T07:30:00Z' });
    const published = await h.waitForEvent('plan.published', (e) => e.version === 2);
    expect(published.trigger).toBe(`driver.feedback blocked ${blocked.containerId}`);
    const after = await h.plans.published('centre', 'residual', '2026-03-03');
    expect(after?.routes.flatMap((r) => r.stops).some((s) => s.containerId === blocked.containerId)).toBe(false);
    const [edit] = await h.edits.ofContainer(blocked.containerId as string);
    expect(edit).toMatchObject({ action: 'exclude', by: 'driver:truck-1', reason: 'blocked reported by the driver: car parked on the lid', shiftDate: '2026-03-03' });
    await h.waitForEvent('planner.edit', (e) => e.editId === edit.id);
  }, 60_000);

  it('refuses a report about a container it does not know, without failing', async () => {
    await h.bus.publish('driver.feedback', { containerId: 'no-such-container', kind: 'emptied', at: '2026-03-03T07:40:00Z' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const metrics = await h.app.get(PlannerMetrics).registry.getSingleMetricAsString('vulgraad_planner_driver_feedback_total');
    expect(metrics).toMatch(/kind="rejected"\} 1/);
  }, 60_000);
});

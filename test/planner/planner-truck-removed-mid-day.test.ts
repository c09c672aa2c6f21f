import { VehiclesRepository } from '@vulgraad/database';
import { background, startPlanner, type PlannerHarness } from './harness';

describe('planner: a truck removed mid-day', () => {
  let h: PlannerHarness;
  beforeAll(async () => {
    h = await startPlanner({
      name: 'removed',
      nowIso: '2026-03-02T17:00:00Z',
      trucks: 3,
      // Fast fillers everywhere: many must stops, spread over the trucks.
      containers: background(24).map((c, i) => ({ ...c, ratePctPerH: 1 + (i % 3) * 0.2, fillNowPct: 45 + (i % 4) * 5 })),
    });
    const daily = await h.replans.requestDaily('residual', '2026-03-03');
    await h.waitForJob(daily.jobId);
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  it('re-plans so that the other trucks take its remaining must stops, and what it drove stays', async () => {
    const before = await h.plans.published('centre', 'residual', '2026-03-03');
    const musts = new Set(before?.routes.flatMap((r) => r.stops.filter((s) => s.why?.category === 'must').map((s) => s.containerId as string)));
    expect(musts.size).toBeGreaterThan(5);
    const route = before?.routes.find((r) => r.stops.filter((s) => s.kind === 'container').length >= 3);
    expect(route).toBeDefined();
    const removed = route!.vehicleId;
    const containerStops = route!.stops.filter((s) => s.kind === 'container');

    // Mid-morning: the truck emptied its first two stops, then broke down.
    h.clock.set(containerStops[1].departAt);
    for (const stop of containerStops.slice(0, 2)) {
      await h.bus.publish('driver.feedback', { containerId: stop.containerId as string, vehicleId: removed, kind: 'emptied', observedFillPct: 70, at: stop.departAt });
    }
    await h.waitForEvent('collection.recorded', (e) => e.containerId === containerStops[1].containerId);
    await new VehiclesRepository(h.scratch.db).setStatus(removed, 'out_of_service', 'hydraulics');
    await h.bus.publish('vehicle.status', { vehicleId: removed, district: 'centre', status: 'out_of_service', at: containerStops[1].departAt, reason: 'hydraulics' });
    const published = await h.waitForEvent('plan.published', (e) => e.version === 2);
    expect(published.trigger).toBe(`vehicle.status ${removed} out_of_service`);

    const after = await h.plans.published('centre', 'residual', '2026-03-03');
    const removedRoute = after?.routes.find((r) => r.vehicleId === removed);
    expect(removedRoute?.stops.map((s) => s.containerId)).toEqual(route!.stops.slice(0, removedRoute!.stops.length).map((s) => s.containerId));
    expect(removedRoute?.stops.every((s) => s.doneAt !== null)).toBe(true);
    const remaining = containerStops.slice(2).filter((s) => s.why?.category === 'must').map((s) => s.containerId as string);
    expect(remaining.length).toBeGreaterThan(0);
    const others = after!.routes.filter((r) => r.vehicleId !== removed).flatMap((r) => r.stops);
    for (const id of remaining) {
      const stop = others.find((s) => s.containerId === id);
      expect(stop).toBeDefined();
      expect(Date.parse(stop!.arriveAt)).toBeGreaterThanOrEqual(Date.parse(containerStops[1].departAt));
    }
    expect(after?.unassigned.filter((u) => u.category === 'must')).toEqual([]);
    const collections = await h.scratch.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM collections WHERE source = 'driver' AND vehicle_id = $1`, [removed]);
    expect(collections.rows[0].n).toBe(2);
  }, 60_000);
});

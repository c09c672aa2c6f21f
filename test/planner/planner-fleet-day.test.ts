import { FLEET_SCOPE } from '@vulgraad/contracts';
import { VehiclesRepository } from '@vulgraad/database';
import { checkPublishedDay } from '@vulgraad/planning';
import { background, startPlanner, type PlannerHarness } from './harness';

const DAY = '2026-03-03';
const CHECK = { timeZone: 'Europe/Amsterdam', defaultCompactionFactor: 3 };

// Three districts side by side, three trucks that may serve any of them: one fleet plan, one route per truck.
describe('planner: one day per truck across districts', () => {
  let h: PlannerHarness;
  beforeAll(async () => {
    h = await startPlanner({
      name: 'fleet',
      nowIso: '2026-03-02T17:00:00Z',
      trucks: 3,
      containers: background(30).map((c, i) => ({
        ...c, district: ['west', 'centre', 'east'][i % 3], ratePctPerH: 0.9 + (i % 4) * 0.2, fillNowPct: 40 + (i % 5) * 6,
      })),
    });
    const daily = await h.replans.requestDaily('residual', DAY);
    await h.waitForJob(daily.jobId);
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  it('publishes one fleet plan that every district finds, and a drivable day', async () => {
    const fleet = await h.plans.published(FLEET_SCOPE, 'residual', DAY);
    expect(fleet?.districts).toEqual(['centre', 'east', 'west']);
    for (const district of ['west', 'centre', 'east']) expect((await h.plans.published(district, 'residual', DAY))?.id).toBe(fleet?.id);
    const vehicles = fleet!.routes.map((r) => r.vehicleId);
    expect(new Set(vehicles).size).toBe(vehicles.length);
    expect(fleet!.routes.some((r) => (r.districts ?? []).length > 1)).toBe(true);
    const check = await checkPublishedDay(h.scratch.db, DAY, CHECK);
    expect(check.problems).toEqual([]);
    expect(check).toMatchObject({ plans: 1, doubleBooked: 0, overShift: 0, overloaded: 0, mustMissed: 0 });
  });

  it('after a breakdown re-plans what is not driven, keeps what was, and the day stays drivable', async () => {
    const before = (await h.plans.published(FLEET_SCOPE, 'residual', DAY))!;
    const route = before.routes.find((r) => r.stops.filter((s) => s.kind === 'container').length >= 3)!;
    const stops = route.stops.filter((s) => s.kind === 'container');
    h.clock.set(stops[1]!.departAt);
    for (const s of stops.slice(0, 2)) {
      await h.bus.publish('driver.feedback', { containerId: s.containerId as string, vehicleId: route.vehicleId, kind: 'emptied', observedFillPct: 70, at: s.departAt });
    }
    await h.waitForEvent('collection.recorded', (e) => e.containerId === stops[1]!.containerId);
    await new VehiclesRepository(h.scratch.db).setStatus(route.vehicleId, 'out_of_service', 'hydraulics');
    await h.bus.publish('vehicle.status', { vehicleId: route.vehicleId, district: null, status: 'out_of_service', at: stops[1]!.departAt, reason: 'hydraulics' });
    await h.waitForEvent('plan.published', (e) => e.version === 2);
    const after = (await h.plans.published(FLEET_SCOPE, 'residual', DAY))!;
    const broken = after.routes.find((r) => r.vehicleId === route.vehicleId)!;
    expect(broken.stops.every((s) => s.doneAt !== null)).toBe(true);
    for (const s of stops.slice(2)) {
      const elsewhere = after.routes.some((r) => r.stops.some((x) => x.containerId === s.containerId)) || after.unassigned.some((u) => u.containerId === s.containerId);
      if (s.why?.category === 'must') expect(elsewhere).toBe(true);
    }
    const check = await checkPublishedDay(h.scratch.db, DAY, CHECK);
    expect(check.problems).toEqual([]);
  });
});

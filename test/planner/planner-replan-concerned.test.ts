import { FLEET_SCOPE } from '@vulgraad/contracts';
import { VehiclesRepository } from '@vulgraad/database';
import { checkPublishedDay } from '@vulgraad/planning';
import { background, startPlanner, type PlannerHarness } from './harness';

const DAY = '2026-03-03';

// Two districts: truck-3 is bound to 'east' (its vehicle_ids), truck-1 and truck-2 serve 'west'. A planner's
// edit in east re-plans the trucks it concerns only: west's routes stay as published, and the day stays drivable.
describe('planner: a re-plan changes only the trucks it concerns', () => {
  let h: PlannerHarness;
  beforeAll(async () => {
    h = await startPlanner({
      name: 'concerned',
      nowIso: '2026-03-02T17:00:00Z',
      trucks: 3,
      containers: [
        ...background(30).map((c, i) => ({ ...c, district: i < 20 ? 'west' : 'east', ratePctPerH: 0.8 + (i % 4) * 0.2, fillNowPct: 40 + (i % 5) * 6 })),
        { id: 'east-quiet', lng: 4.9, lat: 52.385, ratePctPerH: 0.1, fillNowPct: 5, district: 'east' },
      ],
    });
    await h.settings.set('east', 'residual', { vehicleIds: ['truck-3'] }, 'anna');
    const daily = await h.replans.requestDaily('residual', DAY);
    await h.waitForJob(daily.jobId);
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  it('adds the container to east\'s truck and leaves west\'s routes as they were', async () => {
    const before = (await h.plans.published(FLEET_SCOPE, 'residual', DAY))!;
    expect(before.routes.find((r) => r.vehicleId === 'truck-3')?.districts).toEqual(['east']);
    // 07:30 local: a truck re-planned now could not leave its depot before now; those not concerned keep their 07:00 start.
    h.clock.set('2026-03-03T06:30:00Z');
    const edit = await h.edits.append({ district: 'east', shiftDate: DAY, containerId: 'east-quiet', action: 'add', vehicleId: null, reason: 'bulky waste', by: 'anna' });
    await h.bus.publish('planner.edit', { editId: edit.id, district: 'east', containerId: 'east-quiet', action: 'add', reason: edit.reason, by: 'anna', shiftDate: DAY });
    await h.waitForEvent('plan.published', (e) => e.version === 2);
    const after = (await h.plans.published(FLEET_SCOPE, 'residual', DAY))!;
    expect(after.routes.find((r) => r.vehicleId === 'truck-3')?.stops.some((s) => s.containerId === 'east-quiet')).toBe(true);
    const west = before.routes.filter((r) => r.vehicleId !== 'truck-3');
    expect(west.length).toBeGreaterThan(0);
    for (const route of west) {
      expect(Date.parse(route.startAt)).toBeLessThan(Date.parse('2026-03-03T06:30:00Z'));
      expect(after.routes.find((r) => r.vehicleId === route.vehicleId)?.stops).toEqual(route.stops);
    }
    expect(Date.parse(after.routes.find((r) => r.vehicleId === 'truck-3')!.startAt)).toBeGreaterThanOrEqual(Date.parse('2026-03-03T06:30:00Z'));
    const check = await checkPublishedDay(h.scratch.db, DAY, { timeZone: 'Europe/Amsterdam', defaultCompactionFactor: 3 });
    expect(check.problems).toEqual([]);
  }, 60_000);

  it('when east\'s only truck breaks down, lists east\'s musts as unplaced with the reason and leaves west\'s routes alone', async () => {
    const before = (await h.plans.published(FLEET_SCOPE, 'residual', DAY))!;
    h.clock.set('2026-03-03T07:00:00Z');
    await new VehiclesRepository(h.scratch.db).setStatus('truck-3', 'out_of_service', 'hydraulics');
    await h.bus.publish('vehicle.status', { vehicleId: 'truck-3', district: null, status: 'out_of_service', at: '2026-03-03T07:00:00Z', reason: 'hydraulics' });
    const published = await h.waitForEvent('plan.published', (e) => e.version === before.version + 1);
    expect(published.trigger).toBe('vehicle.status truck-3 out_of_service');
    const after = (await h.plans.published(FLEET_SCOPE, 'residual', DAY))!;
    expect(after.routes.find((r) => r.vehicleId === 'truck-3')).toBeUndefined();
    const east = before.routes.find((r) => r.vehicleId === 'truck-3')!.stops.filter((s) => s.why?.category === 'must');
    expect(east.length).toBeGreaterThan(0);
    for (const stop of east) expect(after.unassigned.find((u) => u.containerId === stop.containerId)?.reason).toMatch(/\S/);
    for (const route of before.routes.filter((r) => r.vehicleId !== 'truck-3')) {
      expect(after.routes.find((r) => r.vehicleId === route.vehicleId)?.stops).toEqual(route.stops);
    }
    const check = await checkPublishedDay(h.scratch.db, DAY, { timeZone: 'Europe/Amsterdam', defaultCompactionFactor: 3 });
    expect(check.problems).toEqual([]);
    expect(check.mustUnplaced).toBeGreaterThan(0);
  }, 60_000);
});

import type { Plan, PlanStop } from '@vulgraad/contracts';
import { ContainersRepository, createScratchDatabase, DepotsRepository, type ScratchDatabase, VehiclesRepository } from '@vulgraad/database';
import { checkPublishedDay, PlannerEditsRepository, PlansRepository } from '@vulgraad/planning';
import { testPostgresUrl } from '../support/services';

jest.setTimeout(60_000);

const DAY = '2026-03-03';
const OPTIONS = { timeZone: 'Europe/Amsterdam', defaultCompactionFactor: 3 };
const stop = (seq: number, kind: PlanStop['kind'], at: string, loadAfterL: number, containerId: string | null = null, fillPct = 80): PlanStop => ({
  seq, kind, containerId, disposalSiteId: null, lng: 4.88, lat: 52.37, arriveAt: `${DAY}T${at}:00.000Z`, departAt: `${DAY}T${at}:00.000Z`,
  loadAfterL, loadAfterKg: loadAfterL / 10, doneAt: null,
  why: containerId ? { category: 'must', fillNowPct: 70, predictedFillAtArrivalPct: fillPct, overflowRisk: 0.5, plannerDecision: null, fromHistoryOnly: false } : null,
});
const plan = (district: string, fraction: Plan['fraction'], routes: Array<{ vehicleId: string; stops: PlanStop[] }>, mustIds: string[] = [], unassigned: Plan['unassigned'] = []): Plan => ({
  id: 'x', district, fraction, shiftDate: DAY, version: 1, status: 'published', trigger: 'daily', createdAt: '2026-03-02T17:00:00Z', solveSeconds: 1,
  distanceM: 0, durationS: 0, unassigned, mustIds, districts: [district],
  routes: routes.map((r) => ({
    id: 'r', vehicleId: r.vehicleId, startAt: r.stops[0]!.arriveAt, endAt: r.stops.at(-1)!.departAt, distanceM: 0, durationS: 0, geometry: null, stops: r.stops,
  })),
});

// The check reads what was published with SQL of its own and does its own arithmetic.
describe('checkPublishedDay', () => {
  let scratch: ScratchDatabase;
  beforeEach(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'check_day', timescale: 'off' });
    const db = scratch.db;
    await new DepotsRepository(db).upsert({ id: 'depot-1', name: 'Depot', lng: 4.87, lat: 52.36, address: null });
    for (const id of ['truck-1', 'truck-2']) {
      await new VehiclesRepository(db).upsert({
        id, name: id, depotId: 'depot-1', capacityL: 1000, capacityKg: 10_000, fractions: ['residual', 'paper'], equipment: ['underground'],
        speedFactor: 1, costPerKm: 0, costPerHour: 0, shiftStartMin: 420, shiftEndMin: 930, maxRouteDurationS: null,
      });
    }
    await new ContainersRepository(db).upsert(
      ['c1', 'c2', 'c3', 'c4'].map((id) => ({ id, lng: 4.88, lat: 52.37, district: id === 'c4' ? 'north' : 'centre', wasteType: 'residual' as const, volumeL: 1500, depthMm: 2000 })),
    );
  });
  afterEach(async () => scratch?.drop());

  it('finds nothing wrong in a drivable day', async () => {
    const plans = new PlansRepository(scratch.db);
    await plans.publish(plan('centre', 'residual', [
      { vehicleId: 'truck-1', stops: [stop(0, 'depot_start', '07:00', 0), stop(1, 'container', '07:30', 400, 'c1'), stop(2, 'disposal', '08:00', 0), stop(3, 'container', '08:30', 400, 'c2'), stop(4, 'disposal', '09:00', 0), stop(5, 'depot_end', '09:30', 0)] },
    ], ['c1', 'c2', 'c3'], [{ containerId: 'c3', category: 'must', reason: 'capacity: no truck has room' }]));
    await plans.publish(plan('centre', 'paper', [{ vehicleId: 'truck-1', stops: [stop(0, 'depot_start', '10:00', 0), stop(1, 'depot_end', '11:00', 0)] }]));
    const sut = await checkPublishedDay(scratch.db, DAY, OPTIONS);
    expect(sut).toMatchObject({ plans: 2, routes: 2, stops: 2, doubleBooked: 0, overShift: 0, overloaded: 0, mustMissed: 0, mustUnplaced: 1, timeline: 0 });
  });

  it('counts a truck in two plans at once, a route past its shift, an overloaded trip and a lost must', async () => {
    const plans = new PlansRepository(scratch.db);
    await plans.publish(plan('centre', 'residual', [
      // 07:00 local is 06:00Z: this route ends 15:00Z = 16:00 local, past the 15:30 shift end; 2 x 400 L then 600 L in one 1,000 L trip.
      { vehicleId: 'truck-1', stops: [stop(0, 'depot_start', '06:30', 0), stop(1, 'container', '07:30', 400, 'c1'), stop(2, 'container', '08:00', 1200, 'c2'), stop(3, 'disposal', '09:00', 0), stop(4, 'depot_end', '15:00', 0)] },
    ], ['c1', 'c2', 'c3']));
    await plans.publish(plan('north', 'residual', [{ vehicleId: 'truck-1', stops: [stop(0, 'depot_start', '08:30', 0), stop(1, 'container', '09:00', 300, 'c4'), stop(2, 'disposal', '09:30', 0), stop(3, 'depot_end', '10:00', 0)] }]));
    await new PlannerEditsRepository(scratch.db).append({ district: 'north', shiftDate: DAY, containerId: 'c4', action: 'lock', vehicleId: null, reason: 'resident', by: 'anna' });
    const sut = await checkPublishedDay(scratch.db, DAY, OPTIONS);
    expect(sut).toMatchObject({ doubleBooked: 1, overShift: 1, overloaded: 1, mustMissed: 1 });
    expect(sut.problems.join('\n')).toMatch(/must missed: residual container c3/);
  });

  it('holds a route to its truck\'s shift of that weekday', async () => {
    // 2026-03-03 is a Tuesday: this truck works Mondays 07:00-15:30 and Tuesdays 07:00-09:00 (local) only.
    const v = (await new VehiclesRepository(scratch.db).findById('truck-2'))!;
    await new VehiclesRepository(scratch.db).upsert({ ...v, shiftByWeekday: { 1: [420, 930], 2: [420, 540] } });
    await new PlansRepository(scratch.db).publish(plan('centre', 'residual', [
      { vehicleId: 'truck-2', stops: [stop(0, 'depot_start', '06:00', 0), stop(1, 'container', '07:30', 100, 'c1'), stop(2, 'disposal', '08:30', 0), stop(3, 'depot_end', '09:00', 0)] },
    ]));
    const sut = await checkPublishedDay(scratch.db, DAY, OPTIONS);
    expect(sut.overShift).toBe(1);
  });

  it('counts a trip whose containers hold more than the truck, even when the stored loads say otherwise', async () => {
    const plans = new PlansRepository(scratch.db);
    // Two containers of 1,500 L at 100 %, compacted 3:1, are 1,000 L: with a third one the trip holds more than the body.
    await plans.publish(plan('centre', 'residual', [
      { vehicleId: 'truck-2', stops: [stop(0, 'depot_start', '07:00', 0), stop(1, 'container', '07:30', 100, 'c1', 100), stop(2, 'container', '08:00', 200, 'c2', 100), stop(3, 'container', '08:10', 300, 'c3', 100), stop(4, 'disposal', '09:00', 0), stop(5, 'depot_end', '09:30', 0)] },
    ]));
    const sut = await checkPublishedDay(scratch.db, DAY, OPTIONS);
    expect(sut.overloaded).toBe(1);
  });
});

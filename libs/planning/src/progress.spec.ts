import type { Plan, PlanStop } from '@vulgraad/contracts';
import { progressFromPlan } from './progress';

const T0 = Date.parse('2026-03-10T06:00:00.000Z');
const iso = (min: number): string => new Date(T0 + min * 60_000).toISOString();
const stop = (seq: number, kind: PlanStop['kind'], at: number, loadAfterL: number, done: boolean, lng = 4.9): PlanStop => ({
  seq, kind, containerId: kind === 'container' ? `c${seq}` : null, disposalSiteId: kind === 'disposal' ? 'aeb' : null, lng, lat: 52.37,
  arriveAt: iso(at), departAt: iso(at + 5), loadAfterL, loadAfterKg: loadAfterL * 0.6, why: null, doneAt: done ? iso(at + 5) : null,
}) as PlanStop;
const planOf = (stops: PlanStop[]): Plan => ({
  id: 'p', district: '*', fraction: 'residual', shiftDate: '2026-03-10', version: 1, status: 'published', trigger: 'daily', createdAt: iso(0), solveSeconds: 0,
  distanceM: 0, durationS: 0, unassigned: [], routes: [{ id: 'r', vehicleId: 't1', startAt: iso(0), endAt: iso(300), distanceM: 0, durationS: 0, geometry: null, stops }],
}) as Plan;

describe('progressFromPlan', () => {
  it('puts a truck with clusters still to drive at its last driven cluster, with that load', () => {
    const plan = planOf([stop(0, 'depot_start', 0, 0, true, 4.8), stop(1, 'container', 30, 100, true, 4.91), stop(2, 'container', 60, 200, false), stop(3, 'disposal', 120, 0, false, 4.95), stop(4, 'depot_end', 180, 0, false, 4.8)]);
    expect(progressFromPlan(plan, T0 + 45 * 60_000, () => 4)).toEqual([
      { vehicleId: 't1', position: { lng: 4.91, lat: 52.37 }, atMs: T0 + 45 * 60_000, loadL: 400, loadKg: 60, breakTaken: false },
    ]);
  });

  it('takes a truck under way to have unloaded when the unloading after its last driven cluster was due', () => {
    const plan = planOf([stop(0, 'depot_start', 0, 0, true, 4.8), stop(1, 'container', 30, 100, true, 4.91), stop(2, 'disposal', 60, 0, false, 4.95), stop(3, 'container', 90, 100, false), stop(4, 'depot_end', 180, 0, false, 4.8)]);
    expect(progressFromPlan(plan, T0 + 70 * 60_000, () => 4)).toEqual([
      { vehicleId: 't1', position: { lng: 4.95, lat: 52.37 }, atMs: T0 + 70 * 60_000, loadL: 0, loadKg: 0, breakTaken: false },
    ]);
    expect(progressFromPlan(plan, T0 + 50 * 60_000, () => 4)[0]).toMatchObject({ position: { lng: 4.91, lat: 52.37 }, loadL: 400 });
  });

  it('takes a truck whose clusters are all driven to have unloaded and gone home as planned', () => {
    const plan = planOf([stop(0, 'depot_start', 0, 0, true, 4.8), stop(1, 'container', 30, 100, true, 4.91), stop(2, 'break', 60, 100, false), stop(3, 'disposal', 120, 0, false, 4.95), stop(4, 'depot_end', 180, 0, false, 4.8)]);
    // Past its planned unloading: at the disposal site, empty.
    expect(progressFromPlan(plan, T0 + 150 * 60_000, () => 4)).toEqual([
      { vehicleId: 't1', position: { lng: 4.95, lat: 52.37 }, atMs: T0 + 150 * 60_000, loadL: 0, loadKg: 0, breakTaken: true },
    ]);
    // Past its planned return: at its depot, empty, free to go out again.
    expect(progressFromPlan(plan, T0 + 200 * 60_000, () => 4)).toEqual([
      { vehicleId: 't1', position: { lng: 4.8, lat: 52.37 }, atMs: T0 + 200 * 60_000, loadL: 0, loadKg: 0, breakTaken: true },
    ]);
    // Before its planned unloading: still at its last cluster with its load (the plan says it unloads next).
    expect(progressFromPlan(plan, T0 + 40 * 60_000, () => 4)[0]).toMatchObject({ position: { lng: 4.91, lat: 52.37 }, loadL: 400 });
  });
});

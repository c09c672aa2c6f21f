import type { PlanStop, TruckPosition } from '@vulgraad/contracts';
import { computeRouteProgress, progressShownKey, type StopOutcome } from './route-progress';
import { fillDropProof } from './proof-of-service';

const T0 = Date.parse('2026-03-02T07:00:00Z');
const min = (m: number): number => T0 + m * 60_000;
const stop = (seq: number, containerId: string | null, arriveMin: number, lng: number, kind: PlanStop['kind'] = 'container'): PlanStop => ({
  seq, kind, containerId, disposalSiteId: null, lng, lat: 52.37, arriveAt: new Date(min(arriveMin)).toISOString(), departAt: new Date(min(arriveMin + 2)).toISOString(),
  loadAfterL: 0, loadAfterKg: 0, why: null, doneAt: null,
});
// Four containers 0.01 degrees of longitude apart (about 680 m at this latitude), ten minutes apart in the plan.
const route = { vehicleId: 'truck-1', stops: [stop(0, null, 0, 4.9, 'depot_start'), stop(1, 'c1', 10, 4.91), stop(2, 'c2', 20, 4.92), stop(3, 'c3', 30, 4.93), stop(4, 'c4', 40, 4.94), stop(5, null, 60, 4.9, 'depot_end')] };
const options = { etaSpeedKmh: 30, lateAfterMin: 15 };
const base = { planId: 'p1', shiftDate: '2026-03-02', fraction: 'residual' as const, route };
const done = (containerId: string, atMin: number, doneHow: StopOutcome['doneHow'] = 'lift'): [string, StopOutcome] => [containerId, { containerId, status: 'done', doneHow, reason: null, atMs: min(atMin) }];

describe(computeRouteProgress.name, () => {
  it('counts container stops only and is neither ahead nor behind before anything is known', () => {
    const sut = computeRouteProgress({ ...base, outcomes: new Map(), position: null, nowMs: min(-30) }, options);
    expect(sut.total).toBe(4);
    expect(sut.stops.map((s) => [s.sequence, s.status])).toEqual([[1, 'planned'], [2, 'planned'], [3, 'planned'], [4, 'planned']]);
    expect(sut.behindMin).toBe(0);
    expect(sut.stops[0]!.eta).toBe(new Date(min(10)).toISOString());
    expect(sut.room).toBe('route:truck-1:2026-03-02');
  });

  it('puts the next stop at the drive from the truck and keeps the planned gaps after it: 4 minutes behind', () => {
    // The truck stands at c1's place at minute 22 with c1 done: c2 is ~680 m x 1.3 = ~884 m away, 1.8 min at 30 km/h.
    const position: TruckPosition = { vehicleId: 'truck-1', at: new Date(min(22)).toISOString(), lat: 52.37, lng: 4.91, speedKmh: 0, heading: 90 };
    const sut = computeRouteProgress({ ...base, outcomes: new Map([done('c1', 21)]), position, nowMs: min(22) }, options);
    expect(sut.done).toBe(1);
    const etaC2 = Date.parse(sut.stops[1]!.eta as string);
    expect((etaC2 - min(22)) / 60_000).toBeCloseTo(1.77, 1);
    expect(Date.parse(sut.stops[2]!.eta as string) - etaC2).toBe(10 * 60_000);
    expect(sut.behindMin).toBe(4);
    expect(sut.stops[0]).toMatchObject({ status: 'done', doneHow: 'lift', eta: null, doneAt: new Date(min(21)).toISOString() });
  });

  it('is ahead (negative) when the truck is early, and marks stops late past the tolerance', () => {
    const early = computeRouteProgress({ ...base, outcomes: new Map([done('c1', 2)]), position: { vehicleId: 'truck-1', at: new Date(min(3)).toISOString(), lat: 52.37, lng: 4.91, speedKmh: 20, heading: 90 }, nowMs: min(3) }, options);
    expect(early.behindMin).toBe(-15);
    expect(early.stops.filter((s) => s.status === 'late')).toHaveLength(0);
    const late = computeRouteProgress({ ...base, outcomes: new Map(), position: { vehicleId: 'truck-1', at: new Date(min(40)).toISOString(), lat: 52.37, lng: 4.9, speedKmh: 20, heading: 90 }, nowMs: min(40) }, options);
    expect(late.behindMin).toBeGreaterThan(30);
    expect(late.stops.every((s) => s.status === 'late')).toBe(true);
  });

  it('keeps a skipped stop with its reason and shifts the rest by the last done stop when the truck has not reported', () => {
    const skipped: [string, StopOutcome] = ['c2', { containerId: 'c2', status: 'skipped', doneHow: null, reason: 'blocked: parked car', atMs: min(25) }];
    const sut = computeRouteProgress({ ...base, outcomes: new Map([done('c1', 18, 'driver'), skipped]), position: null, nowMs: min(26) }, options);
    expect(sut.stops[1]).toMatchObject({ status: 'skipped', reason: 'blocked: parked car', eta: null });
    expect(sut.skipped).toBe(1);
    // c1 was 8 minutes late, so c3 (planned minute 30) is expected at 38.
    expect(sut.stops[2]!.eta).toBe(new Date(min(38)).toISOString());
    expect(sut.behindMin).toBe(8);
  });

  it('with every stop done, reports how late the last one was', () => {
    const sut = computeRouteProgress({ ...base, outcomes: new Map([done('c1', 10), done('c2', 20), done('c3', 30), done('c4', 35)]), position: null, nowMs: min(50) }, options);
    expect(sut.done).toBe(4);
    expect(sut.behindMin).toBe(-5);
  });
});

describe(fillDropProof.name, () => {
  const container = { lat: 52.37, lng: 4.91, wasteType: 'residual' as const };
  const truck = (vehicleId: string, lng: number, atMin: number, fractions: Array<'residual' | 'paper'> = ['residual']) => ({ vehicleId, fractions, track: [{ atMs: min(atMin), lat: 52.37, lng }] });
  const options = { radiusM: 50, windowS: 600, dropPct: 30 };

  it('names the nearest truck of the fraction within the radius and window', () => {
    const sut = fillDropProof({ container, previousFillPct: 85, fillPct: 3, measuredAtMs: min(10), trucks: [truck('far', 4.92, 10), truck('near', 4.9103, 8), truck('paper', 4.91, 10, ['paper'])] }, options);
    expect(sut?.vehicleId).toBe('near');
    expect(sut!.distanceM).toBeLessThan(50);
  });

  it('needs a drop of at least dropPct, a truck of the fraction, close enough in time', () => {
    expect(fillDropProof({ container, previousFillPct: 40, fillPct: 20, measuredAtMs: min(10), trucks: [truck('t', 4.91, 10)] }, options)).toBeNull();
    expect(fillDropProof({ container, previousFillPct: 90, fillPct: 5, measuredAtMs: min(10), trucks: [truck('t', 4.91, 10, ['paper'])] }, options)).toBeNull();
    expect(fillDropProof({ container, previousFillPct: 90, fillPct: 5, measuredAtMs: min(30), trucks: [truck('t', 4.91, 10)] }, options)).toBeNull();
    expect(fillDropProof({ container, previousFillPct: null, fillPct: 5, measuredAtMs: min(10), trucks: [truck('t', 4.91, 10)] }, options)).toBeNull();
  });
});

describe(progressShownKey.name, () => {
  const at = (lng: number, atMin: number): TruckPosition => ({ vehicleId: 'truck-1', at: new Date(min(atMin)).toISOString(), lat: 52.37, lng, speedKmh: 25, heading: 90 });

  it('stays the same while the truck drives towards its next stop at the expected speed', () => {
    // 20 s later and 20 s of driving (at 30 km/h after the road factor) closer to c1: the ETA stays on the same minute.
    const metresIn20s = ((30_000 / 3600) * 20) / 1.3;
    const lngStep = metresIn20s / 68_000;
    const before = computeRouteProgress({ ...base, outcomes: new Map(), position: at(4.9, 3), nowMs: min(3) }, options);
    const after = computeRouteProgress({ ...base, outcomes: new Map(), position: at(4.9 + lngStep, 3 + 1 / 3), nowMs: min(3 + 1 / 3) }, options);
    expect(after.at).not.toBe(before.at);
    expect(progressShownKey(after)).toBe(progressShownKey(before));
  });

  it('changes when a stop is done, when the ETA moves to another minute, or when the route falls further behind', () => {
    const sut = computeRouteProgress({ ...base, outcomes: new Map(), position: at(4.9, 3), nowMs: min(3) }, options);
    const done1 = computeRouteProgress({ ...base, outcomes: new Map([done('c1', 3)]), position: at(4.9, 3), nowMs: min(3) }, options);
    const stuck = computeRouteProgress({ ...base, outcomes: new Map(), position: at(4.9, 3), nowMs: min(5) }, options);
    expect(progressShownKey(done1)).not.toBe(progressShownKey(sut));
    expect(progressShownKey(stuck)).not.toBe(progressShownKey(sut));
    expect(stuck.behindMin).toBeGreaterThan(sut.behindMin);
  });
});

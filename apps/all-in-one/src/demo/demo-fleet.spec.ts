import type { Clock, DriverFeedback, Plan, PlanStop } from '@vulgraad/contracts';
import { InProcessEventBus } from '@vulgraad/events';
import type { PlansRepository } from '@vulgraad/planning';
import { DemoFleet, positionOnRoute } from './demo-fleet';

const T0 = Date.parse('2024-03-08T07:00:00Z');
const MIN = 60_000;

function stop(seq: number, containerId: string | null, atMs: number, kind: PlanStop['kind'] = 'container', doneAt: string | null = null): PlanStop {
  const at = new Date(atMs).toISOString();
  return { seq, kind, containerId, disposalSiteId: null, lng: 5, lat: 52, arriveAt: at, departAt: at, loadAfterL: 0, loadAfterKg: 0, why: null, doneAt };
}

function plan(id: string, version: number, stops: PlanStop[]): Plan {
  return {
    id, district: 'd1', fraction: 'residual', shiftDate: '2024-03-08', version, status: 'published', trigger: 'daily', createdAt: new Date(T0).toISOString(),
    solveSeconds: 1, distanceM: 1000, durationS: 3600, unassigned: [],
    routes: [{ id: `${id}:t1`, vehicleId: 't1', startAt: '', endAt: '', distanceM: 1000, durationS: 3600, stops, geometry: null }],
  };
}

function setup() {
  let nowMs = T0;
  const clock: Clock = { now: () => new Date(nowMs) };
  const bus = new InProcessEventBus();
  const reports: DriverFeedback[] = [];
  void bus.subscribe('driver.feedback', (r) => void reports.push(r));
  const stored = new Map<string, Plan>();
  const plans = { findById: async (id: string) => stored.get(id) ?? null } as unknown as PlansRepository;
  const sut = new DemoFleet(plans, bus, clock, (containerId) => (containerId === 'c1' ? 87.4 : null), () => undefined);
  return { sut, reports, stored, setNow: (ms: number) => void (nowMs = ms) };
}

describe(DemoFleet.name, () => {
  it('reports each undriven container stop emptied once its planned arrival has passed, with the fill the driver saw', async () => {
    const { sut, reports, setNow } = setup();
    sut.follow(plan('p1', 1, [stop(0, null, T0, 'depot_start'), stop(1, 'c1', T0 + 10 * MIN), stop(2, 'c2', T0 + 20 * MIN), stop(3, 'c0', T0 + 5 * MIN, 'container', new Date(T0).toISOString())]));
    expect(await sut.tick()).toBe(0);
    setNow(T0 + 15 * MIN);
    expect(await sut.tick()).toBe(1);
    setNow(T0 + 60 * MIN);
    expect(await sut.tick()).toBe(1);
    expect(await sut.tick()).toBe(0);
    expect(reports).toEqual([
      { containerId: 'c1', vehicleId: 't1', planId: 'p1', kind: 'emptied', at: new Date(T0 + 10 * MIN).toISOString(), observedFillPct: 87, note: 'simulated truck' },
      { containerId: 'c2', vehicleId: 't1', planId: 'p1', kind: 'emptied', at: new Date(T0 + 20 * MIN).toISOString(), note: 'simulated truck' },
    ]);
  });

  it('drives the newest version of a plan and never reports a container twice in one shift', async () => {
    const { sut, reports, stored, setNow } = setup();
    sut.follow(plan('p1', 1, [stop(1, 'c1', T0 + 10 * MIN), stop(2, 'c2', T0 + 20 * MIN)]));
    setNow(T0 + 12 * MIN);
    await sut.tick();
    stored.set('p1-v2', plan('p1-v2', 2, [stop(1, 'c1', T0 + 13 * MIN), stop(2, 'c3', T0 + 14 * MIN)]));
    await sut.onPlanPublished({ planId: 'p1-v2', district: 'd1', fraction: 'residual', shiftDate: '2024-03-08', version: 2, trigger: 'replan' });
    setNow(T0 + 30 * MIN);
    await sut.tick();
    expect(reports.map((r) => r.containerId)).toEqual(['c1', 'c3']);
  });
});

describe(positionOnRoute.name, () => {
  const at = (min: number): string => new Date(T0 + min * MIN).toISOString();
  const placed = (seq: number, lng: number, arriveMin: number, departMin: number): PlanStop => ({ ...stop(seq, `c${seq}`, 0), lng, lat: 52, arriveAt: at(arriveMin), departAt: at(departMin) });
  const stops = [placed(0, 5.0, 0, 0), placed(1, 5.01, 10, 12), placed(2, 5.02, 22, 24)];

  it('stands at a stop while there, drives the straight line between stops, and is off the road after the day', () => {
    expect(positionOnRoute(stops, T0 + 11 * MIN)).toEqual({ lat: 52, lng: 5.01, speedKmh: 0, heading: 0 });
    const halfway = positionOnRoute(stops, T0 + 17 * MIN)!;
    expect(halfway.lng).toBeCloseTo(5.015, 6);
    expect(halfway.heading).toBe(90);
    // 685 m in 10 minutes: about 4 km/h.
    expect(halfway.speedKmh).toBeCloseTo(4.1, 0);
    expect(positionOnRoute(stops, T0 + 30 * MIN)).toBeNull();
  });

  it('has the radio send a lift for each stop it reports emptied, and positions while on the road', async () => {
    let nowMs = T0;
    const sent: string[] = [];
    const radio = {
      position: async (vehicleId: string, p: { lng: number }) => void sent.push(`position ${vehicleId} ${p.lng.toFixed(3)}`),
      lift: async (vehicleId: string, containerId: string) => void sent.push(`lift ${vehicleId} ${containerId}`),
    };
    const sut = new DemoFleet({} as PlansRepository, new InProcessEventBus(), { now: () => new Date(nowMs) }, () => null, () => undefined, radio, 0);
    sut.follow(plan('p1', 1, stops));
    nowMs = T0 + 11 * MIN;
    await sut.tick();
    expect(sent).toEqual(['position t1 5.010', 'lift t1 c0', 'lift t1 c1']);
  });
});

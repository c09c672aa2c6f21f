import { amsterdamFiles } from '@vulgraad/city-model';
import { loadConfig, sharedPath } from '@vulgraad/config';
import type { Plan, PlanStop } from '@vulgraad/contracts';
import { StraightLineProvider } from '@vulgraad/distances';
import { forecastOptions, forecastSettingsFrom } from '@vulgraad/forecasting';
import { localTimeMs } from '@vulgraad/time';
import { TravelNetwork } from '../../simulators/city/src/network';
import { ReplayContainers, type ClusterDeposits } from '../../simulators/city/src/replay/deposits';
import { markStopDone, ReplayAlerts, replanTriggers, type ReplayAlertSettings } from '../../simulators/city/src/replay/intraday';
import { Replay, type ReplayOptions } from '../../simulators/city/src/replay/replay';
import { buildWorld, TIME_ZONE, type ReplayWorld } from '../../simulators/city/src/replay/world';
import { TruckRun, type TruckSetting } from '../../simulators/city/src/truck';

const MIN = 60_000;
const config = loadConfig({});
const forecast = forecastOptions(forecastSettingsFrom({ core: { timezone: TIME_ZONE }, forecast: config.forecast }));
const a = config.alerts;
const serviceAlerts: ReplayAlertSettings = {
  thresholds: { fullPct: a.fullPct, batteryLowPct: a.batteryLowPct, temperatureHighC: a.temperatureHighC, silentMultiple: a.silentMultiple, overflowRisk: a.overflowRisk },
  overflowHorizonH: a.overflowHorizonH,
  overflowCheckS: a.overflowCheckS,
  replanDebounceMs: config.planner.replanDebounceMs,
};

const stop = (seq: number, kind: PlanStop['kind'], containerId: string | null, arriveMin: number, day = '2021-03-10'): PlanStop => ({
  seq, kind, containerId, disposalSiteId: null, lng: 4.9, lat: 52.37,
  arriveAt: new Date(localTimeMs(day, arriveMin, TIME_ZONE)).toISOString(), departAt: new Date(localTimeMs(day, arriveMin + 5, TIME_ZONE)).toISOString(),
  loadAfterL: 0, loadAfterKg: 0, why: null, doneAt: null,
}) as PlanStop;

const planOf = (stops: PlanStop[]): Plan => ({
  id: 'p', district: '*', fraction: 'residual', shiftDate: '2021-03-10', version: 1, status: 'published', trigger: 'daily', createdAt: '', solveSeconds: 0, distanceM: 0, durationS: 0,
  unassigned: [], districts: ['A'],
  routes: [{ id: 'r1', vehicleId: 't1', startAt: stops[0]?.arriveAt ?? '', endAt: stops.at(-1)?.arriveAt ?? '', distanceM: 0, durationS: 0, geometry: null, stops }],
}) as Plan;

describe('the alerts service and the planner as the replay runs them during the day', () => {
  const day = '2021-03-10';
  const at = (min: number): number => localTimeMs(day, min, TIME_ZONE);

  it('opens container_full at the reading that shows the surge, once, and makes it a re-plan only when no open stop takes the cluster', async () => {
    const alerts = new ReplayAlerts(serviceAlerts, forecast, () => 'A');
    const readings = [20, 22, 25, 27, 30, 31].map((fillPct, k) => ({ atMs: at(6 * 60 + 30 * k), fillPct, flags: [] }));
    await alerts.arrive(new Map([['c1', readings]]), new Map());
    expect(alerts.take()).toEqual([]);
    await alerts.arrive(new Map([['c1', [{ atMs: at(9 * 60), fillPct: 95, flags: [] }, { atMs: at(9 * 60 + 30), fillPct: 97, flags: [] }]]]), new Map());
    const opened = alerts.take();
    expect(opened).toEqual([{ containerId: 'c1', cause: 'container_full', atMs: at(9 * 60) }]);
    const onRoute = planOf([stop(0, 'depot_start', null, 420), stop(1, 'container', 'c1', 600), stop(2, 'depot_end', null, 700)]);
    const elsewhere = planOf([stop(0, 'depot_start', null, 420), stop(1, 'container', 'c2', 600), stop(2, 'depot_end', null, 700)]);
    expect(replanTriggers(opened, onRoute)).toEqual([]);
    expect(replanTriggers(opened, elsewhere)).toEqual(opened);
    // A stop already driven does not count: the cluster needs another visit.
    markStopDone(onRoute, 'c1', at(8 * 60));
    expect(replanTriggers(opened, onRoute)).toEqual(opened);
  });

  it('opens nothing while readings stay low and the outlook is calm', async () => {
    const alerts = new ReplayAlerts(serviceAlerts, forecast, () => 'A');
    const readings = Array.from({ length: 20 }, (_, k) => ({ atMs: at(6 * 60 + 30 * k), fillPct: 20 + k * 0.2, flags: [] }));
    await alerts.arrive(new Map([['c1', readings]]), new Map());
    await alerts.checkOverflow(at(16 * 60), new Map());
    expect(alerts.take()).toEqual([]);
    expect(replanTriggers([], planOf([stop(0, 'container', 'c2', 600)]))).toEqual([]);
  });

  it('marks a driven cluster and the unloading and break visits before it, as the plans repository does', () => {
    const plan = planOf([stop(0, 'depot_start', null, 420), stop(1, 'container', 'c1', 430), stop(2, 'disposal', null, 500), stop(3, 'break', null, 560), stop(4, 'container', 'c2', 600), stop(5, 'container', 'c3', 610)]);
    expect(markStopDone(plan, 'c2', at(590))).toBe(true);
    const stops = plan.routes[0]?.stops ?? [];
    expect(stops.map((s) => s.doneAt !== null)).toEqual([true, false, true, true, true, false]);
    // Visits before it at their planned departure, or the emptying's time when that is earlier.
    expect(stops[2]?.doneAt).toBe(stops[2]?.departAt);
    expect(stops[4]?.doneAt).toBe(new Date(at(590)).toISOString());
    expect(markStopDone(plan, 'c9', at(600))).toBe(false);
  });
});

describe('a truck following a re-plan during its day', () => {
  const places = ['depot', 'aeb', 'x', 'y', 'z'].map((id) => ({ id, lng: 4.9, lat: 52.37 }));
  const n = places.length;
  const distances = new Float64Array(n * n).map((_, k) => (Math.floor(k / n) === k % n ? 0 : 1000));
  const durations = new Float64Array(n * n).map((_, k) => (Math.floor(k / n) === k % n ? 0 : 600));
  const network = TravelNetwork.fromMatrices(places, distances, durations);
  const setting: TruckSetting = {
    network, depotIndex: 0, disposalIndex: 1, truck: { bodyL: 20_000, compactionFactor: 4, payloadKg: 10_000, densityKgPerL: 0.15, unloadS: 600 },
    breaks: { kind: 'none' }, midnightMs: 0, shiftStartMs: 7 * 60 * MIN, plannedShiftEndMs: 15 * 60 * MIN, serviceTimeS: () => 120, windowEndMs: () => null,
  };
  const world = (): { emptied: string[]; volumeAt: () => number; empty: (id: string, atMs: number) => ReturnType<ReplayContainers['empty']> & { containerId: string; at: Date; capacityL: number; fillPct: number } } => {
    const emptied: string[] = [];
    return {
      emptied,
      volumeAt: () => 100,
      empty: (id, atMs) => {
        emptied.push(id);
        return { containerId: id, at: new Date(atMs), volumeL: 100, capacityL: 1000, fillPct: 10, overflowL: 0, deposits: 1 };
      },
    };
  };

  it('finishes the stop it is driving to, then drives the new order', () => {
    const w = world();
    const run = new TruckRun({ truckId: 't', actions: [{ kind: 'container', containerId: 'x' }, { kind: 'container', containerId: 'y' }] }, setting, w);
    const first = run.start() as number;
    expect(run.headingTo).toBe('x');
    expect(run.replan([{ kind: 'container', containerId: 'z' }], first - MIN)).toBeNull();
    let next: number | null = first;
    while (next !== null) next = run.arrive(next);
    expect(w.emptied).toEqual(['x', 'z']);
  });

  it('goes out again from home when a re-plan gives it work after its route', () => {
    const w = world();
    const run = new TruckRun({ truckId: 't', actions: [{ kind: 'container', containerId: 'x' }] }, setting, w);
    let next: number | null = run.start();
    while (next !== null) next = run.arrive(next);
    const home = run.record.endMs;
    const unloads = run.record.unloads;
    next = run.replan([{ kind: 'container', containerId: 'y' }], home + 30 * MIN);
    expect(next).toBe(home + 30 * MIN + 600_000);
    while (next !== null) next = run.arrive(next);
    expect(w.emptied).toEqual(['x', 'y']);
    expect(run.record.unloads).toBe(unloads + 1);
    expect(run.record.endMs).toBeGreaterThan(home + 30 * MIN);
  });
});

// With the Amsterdam clusters and weighings from the shared data folder: the whole replay day.
const weighings = sharedPath('data', 'amsterdam', 'containers', 'rest_weighings_2021-03.csv');
const maybe = amsterdamFiles() && weighings ? describe : describe.skip;

/** The replay with one cluster's deposits raised by `litres` at `atMs` (a surge). */
class SurgeReplay extends Replay {
  constructor(world: ReplayWorld, options: ReplayOptions, private readonly surge: { id: string; atMs: number; litres: number } | null) {
    super(world, options);
  }

  override deposits(seed: number): Map<string, ClusterDeposits> {
    const out = super.deposits(seed);
    const s = this.surge;
    const d = s ? out.get(s.id) : undefined;
    if (!s || !d) return out;
    const k = d.times.findIndex((t) => t > s.atMs);
    const cut = k < 0 ? d.times.length : k;
    const before = cut === 0 ? 0 : (d.cumulativeL[cut - 1] as number);
    const times = Float64Array.from([...d.times.slice(0, cut), s.atMs, ...d.times.slice(cut)]);
    const cumulativeL = Float64Array.from([...d.cumulativeL.slice(0, cut), before + s.litres, ...Array.from(d.cumulativeL.slice(cut), (c) => c + s.litres)]);
    out.set(s.id, { ...d, times, cumulativeL });
    return out;
  }
}

maybe('re-planning during the day on a slice of the March 2021 record (60 clusters, 4 days)', () => {
  let world: ReplayWorld;
  const options = (alerts: ReplayAlertSettings | null): ReplayOptions => ({
    forecast, alerts, warmupDays: 2, budget: { kind: 'iterations', count: 5 }, settings: { riskLevel: 0.1, worthFillPct: 70, worthPrize: 6, worthMaxDetourM: 1500, planAtMin: 360 },
  });
  /** Emptyings of the vulgraad policy (the second state a seed builds), with their times. */
  const emptyingsOf = async (replay: Replay, seed: number): Promise<{ result: Awaited<ReturnType<Replay['runSeed']>>; emptied: Array<{ id: string; atMs: number }> }> => {
    const states: ReplayContainers[] = [];
    const calls: Array<{ state: ReplayContainers; id: string; atMs: number }> = [];
    const original = ReplayContainers.prototype.empty;
    const spy = jest.spyOn(ReplayContainers.prototype, 'empty').mockImplementation(function (this: ReplayContainers, id: string, atMs: number) {
      if (!states.includes(this)) states.push(this);
      calls.push({ state: this, id, atMs });
      return original.call(this, id, atMs);
    });
    try {
      const result = await replay.runSeed(seed);
      return { result, emptied: calls.filter((c) => c.state === states[1]).map(({ id, atMs }) => ({ id, atMs })) };
    } finally {
      spy.mockRestore();
    }
  };

  beforeAll(async () => {
    world = await buildWorld({ weighingsPath: weighings as string, trucks: 3, matrix: new StraightLineProvider({ detourFactor: 1.3, speedKmh: 25 }), clusterLimit: 60, dayLimit: 4 });
  }, 60_000);

  it('catches a surge seen at 09:00 the same day: an alert, a re-plan, and a visit after it', async () => {
    const date = world.record.dates[2] as string;
    const dayStart = localTimeMs(date, 0, TIME_ZONE);
    const dayEnd = localTimeMs(world.record.dates[3] as string, 0, TIME_ZONE);
    const surgeAt = localTimeMs(date, 9 * 60, TIME_ZONE);
    // Without re-plans, a cluster the 06:00 plan leaves alone that day.
    const calm = await emptyingsOf(new SurgeReplay(world, options(null), null), 5);
    const visited = new Set(calm.emptied.filter((e) => e.atMs >= dayStart && e.atMs < dayEnd).map((e) => e.id));
    const target = world.containers.find((c) => !visited.has(c.id)) as ReplayWorld['containers'][number];
    expect(target).toBeDefined();
    const surge = { id: target.id, atMs: surgeAt, litres: target.volumeL * 0.97 };
    const planOnly = await emptyingsOf(new SurgeReplay(world, options(null), surge), 5);
    expect(planOnly.emptied.some((e) => e.id === target.id && e.atMs >= surgeAt && e.atMs < dayEnd)).toBe(false);
    const replanning = await emptyingsOf(new SurgeReplay(world, options(serviceAlerts), surge), 5);
    const figures = replanning.result.vulgraad.days[0];
    expect(figures?.date).toBe(date);
    expect(figures?.replans).toBeGreaterThan(0);
    expect(figures?.replanStopsAdded).toBeGreaterThan(0);
    const visit = replanning.emptied.find((e) => e.id === target.id && e.atMs > surgeAt && e.atMs < dayEnd);
    expect(visit).toBeDefined();
    // The planner's day check finds the plans of the day drivable.
    expect(figures?.check).toEqual({ overShift: 0, overloaded: 0, doubleBooked: 0, mustMissed: 0, timeline: 0 });
  }, 240_000);

  it('re-plans nothing when no alert opens, and drives the day exactly as the 06:00 plan alone', async () => {
    const silent: ReplayAlertSettings = { ...serviceAlerts, thresholds: { ...serviceAlerts.thresholds, fullPct: 1000, overflowRisk: 2 } };
    const planOnly = await new Replay(world, options(null)).runSeed(5);
    const quiet = await new Replay(world, options(silent)).runSeed(5);
    for (const [k, d] of quiet.vulgraad.days.entries()) {
      const p = planOnly.vulgraad.days[k] as typeof d;
      expect(d.replans).toBe(0);
      expect(d.replanStopsAdded).toBe(0);
      expect([d.emptyings, d.lifts, d.unloads, d.overflowEmptyings]).toEqual([p.emptyings, p.lifts, p.unloads, p.overflowEmptyings]);
      expect(d.km).toBeCloseTo(p.km, 6);
    }
  }, 240_000);
});

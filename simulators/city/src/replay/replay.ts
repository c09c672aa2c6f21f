import { Rng, type CityContainer } from '@vulgraad/city-model';
import { FLEET_SCOPE, type Plan } from '@vulgraad/contracts';
import {
  checkDay, concernedVehicleIds, FillModelCache, planFleetShift, progressFromPlan, wallClockS,
  type DayCheck, type DistrictSettings, type PlanningContainer, type PlanningSite, type PublishedDay, type SolveFn,
} from '@vulgraad/planning';
import type { CollectionObservation, FillObservation, ForecastOptions } from '@vulgraad/forecasting';
import { localTimeMs } from '@vulgraad/time';
import { InfeasibleProblemError, solve, type RoutingProblem, type Stop, type Vehicle } from '@vulgraad/routing';
import type { TravelNetwork } from '../network';
import { TruckRun, type RouteAction, type RoutePlan, type TruckSetting } from '../truck';
import { DENSITY_KG_PER_L, depositedUpTo, inferDeposits, ReplayContainers, type ClusterDeposits } from './deposits';
import type { RecordedVisit } from './record';
import { markStopDone, nextVisitsOf, ReplayAlerts, replanRunsAt, replanTriggers, type OpenedAlert, type ReplayAlertSettings } from './intraday';
import { ReplaySensors, type SensorCounts } from './sensors';
import { FLEET, stopServiceS, TIME_ZONE, type ReplayWorld } from './world';

export type ReplayPolicy = 'recorded' | 'vulgraad';

/** The planner's choosing settings for the vulgraad policy (`DistrictSettings`). */
export interface VulgraadSettings {
  riskLevel: number;
  worthFillPct: number;
  worthPrize: number;
  worthMaxDetourM: number;
  /** Local minutes after midnight at which each day's plan is made. */
  planAtMin: number;
}

/** Chosen on the tuning seeds (docs/replay.md), never on the reported ones. */
export const DEFAULT_VULGRAAD_SETTINGS: VulgraadSettings = { riskLevel: 0.1, worthFillPct: 70, worthPrize: 6, worthMaxDetourM: 1500, planAtMin: 6 * 60 };

/** One day of one policy. */
export interface DayFigures {
  date: string;
  km: number;
  /** Legs to and from the disposal site. */
  disposalKm: number;
  /** Legs out of and back to the depot (not to or from the disposal site). */
  depotKm: number;
  drivingH: number;
  liftingH: number;
  unloadingH: number;
  breakH: number;
  lifts: number;
  emptyings: number;
  overflowEmptyings: number;
  kg: number;
  /** Clusters that held more than their capacity at some moment of the day. */
  clusterDaysOver: number;
  trucks: number;
  unloads: number;
  forcedUnloads: number;
  /** Clusters the policy wanted emptied that no route took (recorded: visits the solver could not fit). */
  unplaced: number;
  /** Fill at each emptying, percent of capacity. */
  fills: number[];
  /** Independent day check of the plan (double bookings, over shift, overloaded trips, musts lost). */
  check: { overShift: number; overloaded: number; doubleBooked: number; mustMissed: number; timeline: number };
  solveIterations: number;
  /** Re-plans during the day the alerts led to (vulgraad), and the cluster stops they added to the plan in force. */
  replans: number;
  replanStopsAdded: number;
  /** Re-plans the solver refused (the plan in force stayed). */
  replansFailed: number;
  /** Urgent alerts (container full, predicted overflow) of clusters on no open stop, by cause: what led to the re-plans. */
  replanAlerts: { containerFull: number; predictedOverflow: number };
}

export interface PolicyResult {
  policy: ReplayPolicy;
  days: DayFigures[];
  /** Kilograms over the whole replay (warm-up included): every deposit up to the end, what trucks took, what is left in the clusters. */
  balance: { depositedKg: number; collectedKg: number; remainingKg: number };
  /** Every day's figures, warm-up included (the days the figures above leave out). */
  allDays: DayFigures[];
  sensors: SensorCounts | null;
}

export interface SeedResult {
  seed: number;
  recorded: PolicyResult;
  vulgraad: PolicyResult;
  /** Kilograms deposited in the replayed horizon and inferred per recorded visit (equal by construction: checked). */
  depositKg: number;
}

/** A budget that does not depend on how busy the machine is. */
export type SolverBudget = { kind: 'cpu'; ms: number } | { kind: 'iterations'; count: number };

/** Milliseconds of CPU this process has used (user + system). */
export function cpuClockMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The solver with a CPU-time or iteration budget (the planner's own `solve`; only its limit and clock are set here). */
export function budgetedSolve(budget: SolverBudget, count: (iterations: number) => void): SolveFn {
  return (problem, options) => {
    const solution = budget.kind === 'cpu'
      ? solve(problem, { ...options, timeLimitMs: budget.ms, maxIterations: undefined }, { clock: cpuClockMs })
      : solve(problem, { ...options, timeLimitMs: undefined, maxIterations: budget.count });
    count(solution.stats.iterations);
    return solution;
  };
}

export interface ReplayOptions {
  /** Days of the record run as recorded by both policies before measuring (the sensors learn meanwhile). */
  warmupDays: number;
  /** The solver's budget per plan (recorded and vulgraad alike): CPU milliseconds of this process, or genetic iterations. */
  budget: SolverBudget;
  settings: VulgraadSettings;
  /** The fill forecast's options, as the planner service builds them from its configuration (`forecastOptions`). */
  forecast: ForecastOptions;
  /**
   * The alerts service's settings; null = no re-plan during the day (the
   * vulgraad plan of 06:00 is driven as it is).
   */
  alerts: ReplayAlertSettings | null;
  onDay?: (seed: number, policy: ReplayPolicy, date: string, figures: DayFigures | null) => void;
}

/** The recorded practice's routes for a day: computed once per run (they do not depend on the seed). */
export interface RecordedDay {
  routes: RoutePlan[];
  unplaced: string[];
  check: DayCheck;
  iterations: number;
  lifts: Map<string, number>;
}

/**
 * Replays the record: per seed, deposits inferred from the weighings; the
 * recorded practice (each day exactly the clusters the city emptied, routed
 * by our solver) and vulgraad (sensors, forecast, the fleet plan) on the same
 * deposits, fleet and road matrix.
 */
export class Replay {
  private readonly recordedDays = new Map<string, RecordedDay>();

  constructor(readonly world: ReplayWorld, readonly options: ReplayOptions) {}

  /** Midnight (local) of each replayed date, and of the day after the last. */
  midnights(): number[] {
    const dates = this.world.record.dates;
    return [...dates.map((d) => localTimeMs(d, 0, TIME_ZONE)), localTimeMs(nextDate(dates[dates.length - 1] as string), 0, TIME_ZONE)];
  }

  /** The deposits of a seed. */
  deposits(seed: number): Map<string, ClusterDeposits> {
    const startMs = this.midnights()[0] as number;
    const endMs = this.midnights().at(-1) as number;
    const root = new Rng(seed).fork('replay-deposits');
    const out = new Map<string, ClusterDeposits>();
    for (const c of this.world.containers) {
      const visits = this.world.record.visits.get(c.id) ?? [];
      out.set(c.id, inferDeposits(visits, { seed, dailyShares: this.world.dailyShares, localHour: this.world.localHour, startMs, endMs, fallbackIntervalDays: 5 }, root.fork(c.id)));
    }
    return out;
  }

  async runSeed(seed: number): Promise<SeedResult> {
    const deposits = this.deposits(seed);
    const capacity = new Map(this.world.containers.map((c) => [c.id, c.volumeL]));
    const startMs = this.midnights()[0] as number;
    const recorded = await this.runPolicy('recorded', seed, new ReplayContainers(deposits, capacity, startMs, new Map()));
    const vulgraad = await this.runPolicy('vulgraad', seed, new ReplayContainers(deposits, capacity, startMs, new Map()));
    let depositKg = 0;
    for (const d of deposits.values()) depositKg += ((d.cumulativeL.at(-1) ?? 0) * DENSITY_KG_PER_L);
    return { seed, recorded, vulgraad, depositKg };
  }

  private async runPolicy(policy: ReplayPolicy, seed: number, state: ReplayContainers): Promise<PolicyResult> {
    const world = this.world;
    const dates = world.record.dates;
    const midnights = this.midnights();
    const sensors = policy === 'vulgraad'
      ? new ReplaySensors({ ...world.model, containers: world.containers }, { seed, startMs: midnights[0] as number, endMs: midnights.at(-1) as number, nearest: (id) => this.nearestOther(id) })
      : null;
    const models = new FillModelCache(this.options.forecast);
    const alerts = policy === 'vulgraad' && this.options.alerts ? new ReplayAlerts(this.options.alerts, this.options.forecast, (id) => world.byId.get(id)?.district ?? '') : null;
    // Readings and emptyings stored since the planner last read them.
    const unread: Slice = { readings: new Map(), collections: new Map() };
    const ids = world.containers.map((c) => c.id);
    const days: DayFigures[] = [];
    const allDays: DayFigures[] = [];
    for (const [d, date] of dates.entries()) {
      const measured = d >= this.options.warmupDays;
      const figures = emptyFigures(date);
      let routes: RoutePlan[];
      let lifts: (id: string) => number;
      if (policy === 'recorded' || !measured) {
        const day = await this.recordedDay(date);
        routes = day.routes;
        lifts = (id) => day.lifts.get(id) ?? 1;
        figures.unplaced = day.unplaced.length;
        figures.check = pickCheck(day.check);
        figures.solveIterations = day.iterations;
      } else {
        const planAtMs = localTimeMs(date, this.options.settings.planAtMin, TIME_ZONE);
        const history = (sensors as ReplaySensors).take(planAtMs, (id, t) => state.volumeAt(id, t));
        append(unread, history);
        await alerts?.arrive(history.readings, history.collections);
        const fitted = models.update(ids, drain(unread), planAtMs);
        const plan = await this.planVulgraad(date, planAtMs, seed + d, fitted);
        lifts = (id) => world.byId.get(id)?.pitCount ?? 1;
        figures.unplaced = plan.unplaced;
        figures.check = pickCheck(plan.check);
        figures.solveIterations = plan.iterations;
        routes = plan.routes;
        if (alerts) {
          await this.driveReplanning({ date, seed: seed + d, plan, lifts, state, figures, sensors: sensors as ReplaySensors, alerts, models, unread });
          routes = [];
        }
      }
      this.drive(date, routes, lifts, state, figures, sensors);
      // Cluster-days over capacity: overflowing at an emptying of the day, or at the day's end.
      const endMs = midnights[d + 1] as number;
      for (const c of world.containers) {
        if (figures.overflowIds.has(c.id)) continue;
        if (state.volumeAt(c.id, endMs) > c.volumeL) figures.overflowIds.add(c.id);
      }
      figures.clusterDaysOver = figures.overflowIds.size;
      const out: DayFigures = stripIds(figures);
      if (measured) days.push(out);
      allDays.push(out);
      this.options.onDay?.(seed, policy, date, measured ? out : null);
    }
    const endMs = midnights.at(-1) as number;
    const balance = { depositedKg: 0, collectedKg: allDays.reduce((sum, x) => sum + x.kg, 0), remainingKg: 0 };
    for (const c of world.containers) {
      balance.depositedKg += depositedUpTo(state.deposits.get(c.id) as ClusterDeposits, endMs) * DENSITY_KG_PER_L;
      balance.remainingKg += state.volumeAt(c.id, endMs) * DENSITY_KG_PER_L;
    }
    return { policy, days, allDays, balance, sensors: sensors ? { ...sensors.counts } : null };
  }

  private nearestCache = new Map<string, string>();

  private nearestOther(id: string): string {
    const cached = this.nearestCache.get(id);
    if (cached) return cached;
    const net = this.world.network;
    const i = net.indexOf(id);
    let best = id;
    let bestM = Infinity;
    for (const c of this.world.containers) {
      if (c.id === id) continue;
      const m = net.distanceM(i, net.indexOf(c.id));
      if (m < bestM) {
        bestM = m;
        best = c.id;
      }
    }
    this.nearestCache.set(id, best);
    return best;
  }

  /** Drives a day's routes: each truck from its depot at the shift start; emptyings change `state`. */
  private drive(date: string, routes: readonly RoutePlan[], lifts: (id: string) => number, state: ReplayContainers, figures: WorkingFigures, sensors: ReplaySensors | null): void {
    const runs = this.truckRuns(date, routes, lifts, state, figures, sensors, () => undefined);
    for (const run of runs) {
      let next = run.start();
      while (next !== null) next = run.arrive(next);
    }
    tally(runs, figures);
  }

  /**
   * One run per route, each truck from its depot at the shift start;
   * emptyings change `state`, are counted in `figures`, reported to the
   * sensors (the driver marks them) and to `onEmptied`.
   */
  private truckRuns(
    date: string, routes: readonly RoutePlan[], lifts: (id: string) => number, state: ReplayContainers, figures: WorkingFigures, sensors: ReplaySensors | null,
    onEmptied: (id: string, atMs: number) => void,
  ): TruckRun[] {
    const world = this.world;
    const net = world.network;
    const midnightMs = localTimeMs(date, 0, TIME_ZONE);
    const disposalIndex = net.indexOf(world.disposal.id);
    const vehicles = new Map(world.vehicles.map((v) => [v.id, v]));
    return routes.map((route) => {
      const vehicle = vehicles.get(route.truckId);
      if (!vehicle) throw new Error(`route for an unknown truck ${route.truckId}`);
      const depotIndex = net.indexOf(vehicle.depotId);
      const meter = meterOf(net, disposalIndex, depotIndex, figures);
      const setting: TruckSetting = {
        network: meter,
        depotIndex,
        disposalIndex,
        truck: { bodyL: FLEET.bodyL, compactionFactor: FLEET.compaction, payloadKg: FLEET.payloadKg, densityKgPerL: DENSITY_KG_PER_L, unloadS: FLEET.unloadS },
        breaks: { kind: 'planner', durationMin: FLEET.breakMin },
        midnightMs,
        shiftStartMs: localTimeMs(date, FLEET.shiftStartMin, TIME_ZONE),
        plannedShiftEndMs: localTimeMs(date, FLEET.shiftEndMin, TIME_ZONE),
        serviceTimeS: (id) => stopServiceS(lifts(id)),
        windowEndMs: (id) => {
          const w = world.byId.get(id)?.accessWindow;
          return w ? localTimeMs(date, w.toMin, TIME_ZONE) : null;
        },
      };
      return new TruckRun(route, setting, {
        volumeAt: (id, atMs) => state.volumeAt(id, atMs),
        empty: (id, atMs) => {
          const taken = state.empty(id, atMs);
          const c = world.byId.get(id) as CityContainer;
          const n = lifts(id);
          figures.lifts += n;
          figures.liftingH += stopServiceS(n) / 3600;
          figures.emptyings++;
          figures.kg += taken.volumeL * DENSITY_KG_PER_L;
          figures.fills.push((100 * taken.volumeL) / c.volumeL);
          if (taken.overflowL > 0) {
            figures.overflowEmptyings++;
            figures.overflowIds.add(id);
          }
          sensors?.collected(id, atMs);
          onEmptied(id, atMs);
          return { containerId: id, at: new Date(atMs), volumeL: taken.volumeL, capacityL: c.volumeL, fillPct: (100 * taken.volumeL) / c.volumeL, overflowL: taken.overflowL, deposits: taken.deposits };
        },
      });
    });
  }

  /**
   * Drives a vulgraad day as the service runs it: all trucks at once in
   * simulated time; every `overflowCheckS` the readings that arrived are
   * judged by the alert rules and the overflow check runs; an urgent alert
   * of a container on no open stop re-plans the rest of the day (the plan in
   * force as `previous`, with its driven stops marked as the drivers mark
   * them, and the trucks' progress read from it), and the trucks follow the
   * new plan after the stop they are driving to. Alerts of one debounce
   * window make one re-plan at its end (checked at the steps). Re-plans stop
   * at the end of the shift (the planning service skips them then).
   */
  private async driveReplanning(day: {
    date: string; seed: number; plan: VulgraadPlan; lifts: (id: string) => number; state: ReplayContainers; figures: WorkingFigures;
    sensors: ReplaySensors; alerts: ReplayAlerts; models: FillModelCache; unread: Slice;
  }): Promise<void> {
    const { date, lifts, state, figures, sensors, alerts, models, unread } = day;
    const settings = this.options.alerts as ReplayAlertSettings;
    const world = this.world;
    const ids = world.containers.map((c) => c.id);
    let current = day.plan;
    const routeOf = (vehicleId: string): RoutePlan => current.routes.find((r) => r.truckId === vehicleId) ?? { truckId: vehicleId, actions: [] };
    const runs = this.truckRuns(date, world.vehicles.map((v) => routeOf(v.id)), lifts, state, figures, sensors, (id, atMs) => void markStopDone(current.plan, id, atMs));
    const next: Array<number | null> = runs.map((run) => run.start());
    const advance = (untilMs: number): void => {
      for (;;) {
        let k = -1;
        for (let i = 0; i < runs.length; i++) if (next[i] !== null && (k < 0 || (next[i] as number) < (next[k] as number))) k = i;
        if (k < 0 || (next[k] as number) > untilMs) return;
        next[k] = (runs[k] as TruckRun).arrive(next[k] as number);
      }
    };
    const stepMs = settings.overflowCheckS * 1000;
    const shiftEndMs = localTimeMs(date, FLEET.shiftEndMin, TIME_ZONE);
    const volumeAt = (id: string, t: number): number => state.volumeAt(id, t);
    await alerts.checkOverflow(current.planAtMs, nextVisitsOf(current.plan, current.planAtMs));
    alerts.take();
    // Alerts waiting for their debounce window to end, and when it ends.
    let waiting: OpenedAlert[] = [];
    let runsAt = Infinity;
    for (let t = current.planAtMs + stepMs; t < shiftEndMs; t += stepMs) {
      advance(t);
      const arrived = sensors.take(t, volumeAt);
      append(unread, arrived);
      await alerts.arrive(arrived.readings, arrived.collections);
      await alerts.checkOverflow(t, nextVisitsOf(current.plan, t));
      for (const a of replanTriggers(alerts.take(), current.plan)) {
        waiting.push(a);
        runsAt = Math.min(runsAt, replanRunsAt(a.atMs, settings.replanDebounceMs));
      }
      if (waiting.length === 0 || t < runsAt) continue;
      const triggers = waiting;
      waiting = [];
      runsAt = Infinity;
      for (const a of triggers) {
        if (a.cause === 'container_full') figures.replanAlerts.containerFull++;
        else figures.replanAlerts.predictedOverflow++;
      }
      const previous = current.plan;
      const openBefore = openStops(previous);
      const fitted = models.update(ids, drain(unread), t);
      const concern = [...new Set(triggers.map((a) => world.byId.get(a.containerId)?.district ?? ''))].sort();
      try {
        current = await this.planVulgraad(date, t, day.seed, fitted, { previous, concern, trigger: `alert.changed ${triggers.map((a) => `${a.cause} ${a.containerId}`).join(', ')}` });
      } catch (error) {
        // The service's re-plan job fails the same way (after its retries): the plan in force stays.
        if (!(error instanceof InfeasibleProblemError)) throw error;
        figures.replansFailed++;
        continue;
      }
      figures.replans++;
      for (const id of openStops(current.plan)) if (!openBefore.has(id)) figures.replanStopsAdded++;
      figures.unplaced = current.unplaced;
      figures.check = pickCheck(current.check);
      figures.solveIterations += current.iterations;
      // The stops trucks are driving to are done by them: no route takes them again.
      const heading = new Set(runs.map((run) => run.headingTo).filter((id): id is string => id !== null));
      runs.forEach((run, i) => {
        const actions = remainingActions(current.plan, run.plan.truckId).filter((a) => a.kind !== 'container' || !heading.has(a.containerId));
        const leaves = run.replan(actions, t);
        if (leaves !== null) next[i] = leaves;
      });
    }
    advance(Infinity);
    tally(runs, figures);
  }

  /** The recorded practice of a date: exactly the clusters emptied that day, routed for the fleet (cached). */
  async recordedDay(date: string): Promise<RecordedDay> {
    const cached = this.recordedDays.get(date);
    if (cached) return cached;
    const world = this.world;
    const visits = (world.record.byDate.get(date) ?? []).filter((v) => world.byId.has(v.clusterId));
    // A cluster visited twice in a day is one stop with both visits' kilograms and lifts.
    const merged = new Map<string, RecordedVisit>();
    for (const v of visits) {
      const m = merged.get(v.clusterId);
      if (m) {
        m.kg += v.kg;
        m.lifts += v.lifts;
      } else merged.set(v.clusterId, { ...v });
    }
    const day = await routeRecorded(world, date, [...merged.values()], this.options.budget);
    this.recordedDays.set(date, day);
    return day;
  }

  private async planVulgraad(
    date: string, planAtMs: number, seed: number, fitted: ReturnType<FillModelCache['update']>,
    replan?: { previous: Plan; concern: readonly string[]; trigger: string },
  ): Promise<VulgraadPlan> {
    const world = this.world;
    const s = this.options.settings;
    const districtIds = [...new Set(world.containers.map((c) => c.district))].sort();
    const districts: DistrictSettings[] = districtIds.map((district) => ({
      district, fraction: 'residual', riskLevel: s.riskLevel, worthFillPct: s.worthFillPct, worthPrize: s.worthPrize, worthMaxDetourM: s.worthMaxDetourM, zoneDays: 1,
      collectionDays: [1, 2, 3, 4, 5, 6, 7], shiftStartMin: FLEET.shiftStartMin, shiftEndMin: FLEET.shiftEndMin, breakMin: FLEET.breakMin, cutoffMin: 18 * 60,
      serviceTimeS: stopServiceS(1), timeBudgetS: 1, vehicleIds: null,
    }));
    const depots: PlanningSite[] = world.depots.map((d) => ({ id: d.id, name: d.name, lng: d.lng, lat: d.lat }));
    const disposalSites: PlanningSite[] = [{ id: world.disposal.id, name: world.disposal.name, lng: world.disposal.lng, lat: world.disposal.lat, fractions: ['residual'], serviceTimeS: FLEET.unloadS }];
    let iterations = 0;
    const result = await planFleetShift(
      {
        scope: FLEET_SCOPE, fraction: 'residual', shiftDate: date, timeZone: TIME_ZONE, nowMs: planAtMs, districts,
        containers: world.containers.map((c) => ({ container: { ...c, serviceTimeS: stopServiceS(c.pitCount) } as PlanningContainer, model: fitted.get(c.id) })),
        vehicles: world.vehicles, depots, disposalSites, densityKgPerL: DENSITY_KG_PER_L, defaultCompactionFactor: FLEET.compaction, trigger: replan?.trigger ?? 'daily',
        // A re-plan as the planning service makes one: the plan in force, the trucks' progress read from its driven stops, the trucks the event concerns.
        ...(replan
          ? {
            previous: replan.previous,
            progress: progressFromPlan(replan.previous, planAtMs, () => FLEET.compaction),
            concernedVehicleIds: concernedVehicleIds({ vehicles: world.vehicles, districts, fraction: 'residual', depotIds: new Set(depots.map((x) => x.id)), previous: replan.previous, concern: replan.concern }),
          }
          : {}),
      },
      {
        matrix: world.matrix, geometry: false, seed, forecast: this.options.forecast,
        solve: budgetedSolve(this.options.budget, (n) => (iterations += n)),
      },
    );
    const routes: RoutePlan[] = result.plan.routes.map((route) => ({ truckId: route.vehicleId, actions: remainingActions(result.plan, route.vehicleId) }));
    const check = checkDay(publishedDayOf(world, date, [result.plan]), { timeZone: TIME_ZONE, defaultCompactionFactor: FLEET.compaction });
    return { plan: result.plan, planAtMs, routes, unplaced: result.plan.unassigned.filter((u) => u.category !== 'worth').length, check, iterations };
  }
}

/** A plan as the independent day check reads it back. */
export function publishedDayOf(world: ReplayWorld, date: string, plans: readonly Plan[]): PublishedDay {
  const routes: PublishedDay['routes'] = plans.flatMap((plan) =>
    plan.routes.map((r) => ({
      planId: plan.id, routeId: r.id, fraction: plan.fraction, vehicleId: r.vehicleId, startMs: Date.parse(r.startAt), endMs: Date.parse(r.endAt),
      stops: r.stops.map((s) => ({
        seq: s.seq, kind: s.kind, containerId: s.containerId, arriveMs: Date.parse(s.arriveAt), departMs: Date.parse(s.departAt), loadAfterL: s.loadAfterL, loadAfterKg: s.loadAfterKg,
        volumeL: s.containerId ? (world.byId.get(s.containerId)?.volumeL ?? null) : null,
        predictedFillAtArrivalPct: (s.why as { predictedFillAtArrivalPct?: number } | null)?.predictedFillAtArrivalPct ?? null,
      })),
    })),
  );
  return {
    shiftDate: date,
    plans: plans.map((p) => ({ planId: p.id, fraction: p.fraction, districts: p.districts ?? [], mustIds: p.mustIds ?? [], unassigned: p.unassigned.map((u) => ({ containerId: u.containerId, reason: u.reason })) })),
    routes,
    vehicles: new Map(world.vehicles.map((v) => [v.id, { id: v.id, capacityL: v.capacityL, capacityKg: v.capacityKg, compactionFactor: v.compactionFactor ?? null, shiftStartMin: v.shiftStartMin ?? FLEET.shiftStartMin, shiftEndMin: v.shiftEndMin ?? FLEET.shiftEndMin }])),
    plannerMusts: [],
  };
}

/**
 * Routes the clusters the city emptied on a date as mandatory stops for the
 * whole fleet, with the truck model, shifts, break, costs and disposal trips
 * of the vulgraad plans; loads are the recorded kilograms (known). Stops the
 * solver refuses are dropped and counted.
 */
export async function routeRecorded(world: ReplayWorld, date: string, visits: readonly RecordedVisit[], budget: SolverBudget): Promise<RecordedDay> {
  const net = world.network;
  const lifts = new Map(visits.map((v) => [v.clusterId, v.lifts]));
  const check0 = (): DayCheck => ({ shiftDate: date, plans: 0, routes: 0, vehicles: 0, stops: 0, doubleBooked: 0, overShift: 0, overloaded: 0, mustMissed: 0, mustUnplaced: 0, timeline: 0, problems: [] });
  if (visits.length === 0) return { routes: [], unplaced: [], check: check0(), iterations: 0, lifts };
  const places = [...world.depots.map((d) => d.id), world.disposal.id, ...visits.map((v) => v.clusterId)];
  const index = places.map((id) => net.indexOf(id));
  const n = places.length;
  const distances = new Float64Array(n * n);
  const durations = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      distances[i * n + j] = net.distanceM(index[i] as number, index[j] as number);
      durations[i * n + j] = net.durationS(index[i] as number, index[j] as number);
    }
  }
  const depotAt = new Map(world.depots.map((d, k) => [d.id, k]));
  const disposalAt = world.depots.length;
  // Seconds since local midnight of a wall-clock time: not minutes * 60 on a day the clocks change.
  const wallS = wallClockS(date, TIME_ZONE);
  const middle = (wallS(FLEET.shiftStartMin) + wallS(FLEET.shiftEndMin)) / 2;
  const vehicles: Vehicle[] = world.vehicles.map((v) => ({
    id: v.id, startLocationIndex: depotAt.get(v.depotId) as number, endLocationIndex: depotAt.get(v.depotId) as number,
    capacity: [FLEET.bodyL * FLEET.compaction, FLEET.payloadKg], shift: { startS: wallS(FLEET.shiftStartMin), endS: wallS(FLEET.shiftEndMin) },
    costPerDistanceM: 1.5 / 1000, costPerDurationS: 45 / 3600, equipment: ['underground', 'fraction:residual'], disposalSiteIndices: [0], endWithDisposal: true,
    break: { durationS: FLEET.breakMin * 60, window: { startS: middle - 5400, endS: middle + 3600 } },
  }));
  let active = [...visits];
  const unplaced: string[] = [];
  let used = 0;
  for (;;) {
    const stops: Stop[] = active.map((v, k) => {
      const c = world.byId.get(v.clusterId) as CityContainer;
      const litres = v.kg / DENSITY_KG_PER_L;
      const stop: Stop = { id: v.clusterId, locationIndex: disposalAt + 1 + visits.indexOf(v), demand: [litres, v.kg], serviceTimeS: stopServiceS(v.lifts), requiredEquipment: ['underground', 'fraction:residual'] };
      void k;
      if (c.accessWindow) stop.timeWindow = { startS: wallS(c.accessWindow.fromMin), endS: wallS(c.accessWindow.toMin) };
      return stop;
    });
    const problem: RoutingProblem = {
      locationCount: n, distances, durations, dimensions: ['litres', 'kg'], vehicles, stops,
      disposalSites: [{ id: world.disposal.id, locationIndex: disposalAt, serviceTimeS: FLEET.unloadS }],
    };
    try {
      const solution = await budgetedSolve(budget, (k) => (used += k))(problem, { seed: 1 });
      for (const u of solution.unserved) unplaced.push(u.stopId);
      const midnightMs = localTimeMs(date, 0, TIME_ZONE);
      const iso = (s: number): string => new Date(midnightMs + s * 1000).toISOString();
      const plan: Plan = {
        id: `recorded-${date}`, district: FLEET_SCOPE, fraction: 'residual', shiftDate: date, version: 1, status: 'published', trigger: 'daily', createdAt: iso(0), solveSeconds: 0,
        distanceM: solution.distanceM, durationS: solution.durationS, unassigned: unplaced.map((id) => ({ containerId: id, category: 'must', reason: 'refused by the solver' })),
        districts: [...new Set(active.map((v) => (world.byId.get(v.clusterId) as CityContainer).district))].sort(), mustIds: active.map((v) => v.clusterId),
        routes: solution.routes.map((route) => ({
          id: `recorded-${date}-${route.vehicleId}`, vehicleId: route.vehicleId, startAt: iso(route.visits[0]?.departureS ?? 0), endAt: iso(route.visits.at(-1)?.arrivalS ?? 0),
          distanceM: route.distanceM, durationS: route.durationS, geometry: null,
          stops: route.visits.map((visit, seq) => ({
            seq, kind: visit.kind === 'stop' ? 'container' : visit.kind === 'disposal' ? 'disposal' : visit.kind === 'break' ? 'break' : seq === 0 ? 'depot_start' : 'depot_end',
            containerId: visit.kind === 'stop' && visit.stopIndex !== undefined ? (active[visit.stopIndex] as RecordedVisit).clusterId : null,
            arriveAt: iso(visit.arrivalS), departAt: iso(visit.departureS), loadAfterL: (visit.loadAfter[0] ?? 0) / FLEET.compaction, loadAfterKg: visit.loadAfter[1] ?? 0, why: null,
          })) as Plan['routes'][number]['stops'],
        })),
      };
      const check = checkDay(publishedDayOf(world, date, [plan]), { timeZone: TIME_ZONE, defaultCompactionFactor: FLEET.compaction });
      const routes: RoutePlan[] = solution.routes.map((route) => ({
        truckId: route.vehicleId,
        actions: route.visits.flatMap((visit): RouteAction[] =>
          visit.kind === 'stop' && visit.stopIndex !== undefined ? [{ kind: 'container', containerId: (active[visit.stopIndex] as RecordedVisit).clusterId }] : visit.kind === 'disposal' ? [{ kind: 'disposal' }] : []),
      }));
      return { routes, unplaced, check, iterations: used, lifts };
    } catch (error) {
      if (!(error instanceof InfeasibleProblemError) || error.stopIndex === undefined) throw error;
      unplaced.push((active[error.stopIndex] as RecordedVisit).clusterId);
      active = active.filter((_, k) => k !== error.stopIndex);
      if (active.length === 0) return { routes: [], unplaced, check: check0(), iterations: used, lifts };
    }
  }
}

/** A vulgraad plan of a day (the 06:00 plan or a re-plan) and its routes as the trucks drive them. */
interface VulgraadPlan {
  plan: Plan;
  planAtMs: number;
  routes: RoutePlan[];
  unplaced: number;
  check: DayCheck;
  iterations: number;
}

/** Readings and emptyings per cluster, as the planner reads them from the database. */
interface Slice {
  readings: Map<string, FillObservation[]>;
  collections: Map<string, CollectionObservation[]>;
}

function append(into: Slice, from: Slice): void {
  for (const key of ['readings', 'collections'] as const) {
    const target = into[key] as Map<string, Array<FillObservation | CollectionObservation>>;
    for (const [id, list] of from[key] as Map<string, Array<FillObservation | CollectionObservation>>) {
      const known = target.get(id);
      if (known) known.push(...list);
      else target.set(id, [...list]);
    }
  }
}

/** What was unread, leaving nothing unread. */
function drain(slice: Slice): Slice {
  const out: Slice = { readings: new Map(slice.readings), collections: new Map(slice.collections) };
  slice.readings.clear();
  slice.collections.clear();
  return out;
}

/** A truck's stops of the plan not yet driven, as route actions. */
function remainingActions(plan: Plan, vehicleId: string): RouteAction[] {
  const route = plan.routes.find((r) => r.vehicleId === vehicleId);
  return (route?.stops ?? []).flatMap((stop): RouteAction[] =>
    stop.doneAt !== null ? [] : stop.kind === 'container' && stop.containerId ? [{ kind: 'container', containerId: stop.containerId }] : stop.kind === 'disposal' ? [{ kind: 'disposal' }] : []);
}

/** The clusters with a stop not yet driven in the plan. */
function openStops(plan: Plan): Set<string> {
  const out = new Set<string>();
  for (const route of plan.routes) for (const s of route.stops) if (s.containerId && s.doneAt === null) out.add(s.containerId);
  return out;
}

/** Adds up what the trucks drove (those given no cluster did not leave). */
function tally(runs: readonly TruckRun[], figures: WorkingFigures): void {
  for (const run of runs) {
    if (!run.hasWork) continue;
    const r = run.record;
    figures.trucks++;
    figures.km += r.distanceM / 1000;
    figures.unloads += r.unloads;
    figures.forcedUnloads += r.forcedUnloads;
    figures.unloadingH += (r.unloads * FLEET.unloadS) / 3600;
    figures.breakH += (r.breaks * FLEET.breakMin) / 60;
  }
}

interface WorkingFigures extends DayFigures {
  overflowIds: Set<string>;
}

function emptyFigures(date: string): WorkingFigures {
  return {
    date, km: 0, disposalKm: 0, depotKm: 0, drivingH: 0, liftingH: 0, unloadingH: 0, breakH: 0, lifts: 0, emptyings: 0, overflowEmptyings: 0, kg: 0, clusterDaysOver: 0,
    trucks: 0, unloads: 0, forcedUnloads: 0, unplaced: 0, fills: [], check: { overShift: 0, overloaded: 0, doubleBooked: 0, mustMissed: 0, timeline: 0 }, solveIterations: 0, replans: 0, replanStopsAdded: 0, replansFailed: 0, replanAlerts: { containerFull: 0, predictedOverflow: 0 }, overflowIds: new Set(),
  };
}

function stripIds(f: WorkingFigures): DayFigures {
  const { overflowIds: _ids, ...rest } = f;
  void _ids;
  return rest;
}

function pickCheck(c: DayCheck): DayFigures['check'] {
  return { overShift: c.overShift, overloaded: c.overloaded, doubleBooked: c.doubleBooked, mustMissed: c.mustMissed, timeline: c.timeline };
}

/**
 * The network as a truck drives it, metering each leg: TruckRun asks for a
 * leg's distance and duration once each when it drives it (with on-route
 * breaks it asks for nothing else), so the legs to and from the disposal
 * site and the depot, and the driving time, add up here.
 */
function meterOf(net: TravelNetwork, disposalIndex: number, depotIndex: number, figures: WorkingFigures): TravelNetwork {
  const meter = Object.create(net) as TravelNetwork;
  Object.defineProperty(meter, 'distanceM', {
    value: (from: number, to: number): number => {
      const m = net.distanceM(from, to);
      if (from === disposalIndex || to === disposalIndex) figures.disposalKm += m / 1000;
      else if (from === depotIndex || to === depotIndex) figures.depotKm += m / 1000;
      return m;
    },
  });
  Object.defineProperty(meter, 'durationS', {
    value: (from: number, to: number): number => {
      const s = net.durationS(from, to);
      figures.drivingH += s / 3600;
      return s;
    },
  });
  return meter;
}

function nextDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

import type { CityModel, EmptyingRecord } from '@vulgraad/city-model';
import { FillModelCache, planShift, type DistrictSettings, type PlanningContainer, type PlanningSite, type PlanningVehicle } from '@vulgraad/planning';
import { solve } from '@vulgraad/routing';
import { SensorFeed } from '../sensors';
import { plannedShiftEndMin, type BreakModel, type ShiftModel } from '../setups/setup';
import type { RouteAction } from '../truck';
import type { DayContext, DayPlan, Policy } from './policy';

/** The choosing thresholds of a district (`DistrictSettings` of @vulgraad/planning) the run sets. */
export interface VulgraadOptions {
  riskLevel: number;
  worthFillPct: number;
  worthPrize: number;
  worthMaxDetourM: number;
  /** Collection zones per district taking turns (`DistrictSettings.zoneDays`); 1 or absent = none. */
  zoneDays?: number;
  /** Sensor reading interval, minutes. */
  sensorIntervalMin: number;
  /**
   * Local end of the shift the plans fill, minutes after midnight (default: the setup's). A
   * city can plan its rounds to end before the first fixed break, so no truck drives back
   * to the depot for it.
   */
  shiftEndMin?: number;
  /**
   * Plan each truck's day as separate parts between the fixed depot breaks (default true); false
   * plans one stretch of work without breaks, as the practice policy does, and leaves the breaks
   * to the drivers.
   */
  partsBetweenBreaks?: boolean;
  /** Truck costs the solver weighs (money units per km and per hour); the planner's defaults when absent. */
  costPerKm?: number;
  costPerHour?: number;
  seed: number;
}

/** Settings the value runs use unless told otherwise. */
export const DEFAULT_VULGRAAD_OPTIONS: Omit<VulgraadOptions, 'seed'> = {
  riskLevel: 0.1,
  worthFillPct: 75,
  worthPrize: 1.5,
  worthMaxDetourM: 1500,
  sensorIntervalMin: 30,
  costPerKm: 1.5,
  costPerHour: 0,
};

/** Joins a truck id and the number of its part of the day in a planning vehicle's id. */
const PART_SEPARATOR = '#';

/**
 * The stretches of working time between fixed breaks at the depot: with the
 * study's breaks (10:00 and 12:00, 30 min) a 6-hour shift from 07:00 is
 * 07:00-10:00, 10:30-12:00 and 12:30-14:00. Each becomes a planning vehicle
 * of its own that leaves from and returns to the depot (as the study's ISR
 * modelled breaks), so the plan knows a stop after 10:00 costs a trip back to
 * the depot. Without fixed breaks: one stretch. `endMin` cuts the day short.
 */
export function shiftWindows(shift: ShiftModel, endMin?: number): Array<{ fromMin: number; toMin: number }> {
  const b = shift.breaks;
  if (b.kind !== 'study') return [{ fromMin: shift.startMin, toMin: Math.min(endMin ?? Infinity, plannedShiftEndMin(shift)) }];
  const windows: Array<{ fromMin: number; toMin: number }> = [];
  let from = shift.startMin;
  let workLeft = shift.workMin;
  for (const start of [...b.startsMin].sort((x, y) => x - y)) {
    if (start <= from) continue;
    const length = Math.min(start - from, workLeft);
    if (length > 0) windows.push({ fromMin: from, toMin: from + length });
    workLeft -= length;
    from = start + b.durationMin;
  }
  if (workLeft > 0) windows.push({ fromMin: from, toMin: from + workLeft });
  if (endMin === undefined) return windows;
  const cut = windows.map((w) => ({ fromMin: w.fromMin, toMin: Math.min(w.toMin, endMin) })).filter((w) => w.toMin > w.fromMin);
  if (cut.length === 0) throw new RangeError(`the shift end ${endMin} min leaves no working time`);
  return cut;
}

/** Readings are taken this far past the half hour, so none coincides with a plan moment. */
export const SENSOR_PHASE_MS = 7 * 60_000;

/**
 * Our system: a sensor in every cluster reporting through the ingest's
 * quality checks, fill models kept warm in the planner's `FillModelCache`,
 * and each day's plan made by `planShift` of @vulgraad/planning, the same
 * function the planner service runs (forecast, choose must / worth it /
 * waits, matrix, solve, explain). Its routes are driven as planned.
 */
export class VulgraadPolicy implements Policy {
  readonly name = 'vulgraad' as const;
  readonly sensorIntervalMs: number;
  readonly sensors: SensorFeed;
  private readonly models: FillModelCache;
  mustMissed = 0;

  constructor(
    city: CityModel,
    private readonly options: VulgraadOptions,
    /** How the setup's trucks take breaks: only the study's fixed depot breaks cut a day into parts. */
    private readonly breakKind: BreakModel['kind'] = 'study',
  ) {
    this.sensorIntervalMs = options.sensorIntervalMin * 60_000;
    this.sensors = new SensorFeed(city, { seed: options.seed, intervalS: options.sensorIntervalMin * 60 });
    this.models = new FillModelCache({ timeZone: city.timezone });
  }

  describe(): string[] {
    const o = this.options;
    return [
      `A sensor in every cluster, a reading every ${o.sensorIntervalMin} min (echo noise, heap under the inlet), checked and flagged as the ingest does.`,
      'Each day\'s plan by `planShift` of @vulgraad/planning (the planner service\'s own code): fill forecast per cluster, then must / worth it / waits, then our solver.',
      `Must: overflow probability before the next chance (halfway through tomorrow's shift, when a container left today is reached on average) >= ${o.riskLevel}. ${o.worthPrize > 0 ? `Worth it: predicted >= ${o.worthFillPct}% full at the shift's end and within ${o.worthMaxDetourM} m of a must stop or the depot, prize ${o.worthPrize} x fill^2 cost units.` : 'No optional (worth it) stops are offered.'}${(o.zoneDays ?? 1) > 1 ? ` Zones: each district in ${o.zoneDays} slices around its centre that take turns (each slice an equal share of the district's learned fill rate, so each turn brings about the same work), one a day; a cluster of the zone due is a must when it would overflow before the zone's next turn (${o.zoneDays} days later) with that probability, the others only when they cannot wait a day.` : ''}`,
      `Solver costs: ${o.costPerKm ?? 1.5} per km and ${o.costPerHour ?? 45} per hour${o.costPerHour === 0 ? ' (distance only, like practice)' : ''}.`,
      this.breakKind === 'planner'
        ? 'Each truck\'s day is planned as one stretch of work with its break on the route, in the window the planner gives it.'
        : this.breakKind === 'none'
          ? 'Each truck\'s day is planned as one stretch of work without breaks.'
          : o.partsBetweenBreaks === false
            ? 'Each truck\'s day is planned as one stretch of work; drivers take the breaks as they come.'
            : 'With breaks at the depot at fixed times, each truck\'s day is planned as its parts between the breaks (each part leaves from and returns to the depot), as the study\'s ISR did; the parts are driven one after the other.',
    ];
  }

  read(containerId: string, atMs: number, volumeL: number): void {
    this.sensors.read(containerId, atMs, volumeL);
  }

  emptied(record: EmptyingRecord): void {
    this.sensors.collected(record.containerId, record.at.getTime());
  }

  async planDay(context: DayContext): Promise<DayPlan> {
    const { setup, unit, planAtMs } = context;
    const ids = unit.containers.map((c) => c.id);
    const models = this.models.update(ids, this.sensors.take(ids), planAtMs);
    const shift = setup.shift;
    const settings: DistrictSettings = {
      district: unit.district,
      fraction: 'residual',
      riskLevel: this.options.riskLevel,
      worthFillPct: this.options.worthFillPct,
      worthPrize: this.options.worthPrize,
      worthMaxDetourM: this.options.worthMaxDetourM,
      zoneDays: this.options.zoneDays ?? 1,
      collectionDays: [1, 2, 3, 4, 5, 6, 7],
      shiftStartMin: shift.startMin,
      shiftEndMin: plannedShiftEndMin(shift),
      // The study's breaks are taken at the depot by the executing trucks; the planner's own break is on the route.
      breakMin: shift.breaks.kind === 'planner' ? shift.breaks.durationMin : 0,
      cutoffMin: 18 * 60,
      serviceTimeS: 180,
      // Unused: the plan's budget is the iteration count below, never a time.
      timeBudgetS: Infinity,
      vehicleIds: null,
    };
    const truck = setup.truck;
    const windows = this.options.partsBetweenBreaks === false ? [{ fromMin: shift.startMin, toMin: this.options.shiftEndMin ?? plannedShiftEndMin(shift) }] : shiftWindows(setup.shift, this.options.shiftEndMin);
    settings.shiftEndMin = (windows[windows.length - 1] as { toMin: number }).toMin;
    const vehicles: PlanningVehicle[] = unit.truckIds.flatMap((truckId) =>
      windows.map((w, k) => {
      const v: PlanningVehicle = {
        id: windows.length > 1 ? `${truckId}${PART_SEPARATOR}${k + 1}` : truckId,
        shiftStartMin: w.fromMin,
        shiftEndMin: w.toMin,
        depotId: unit.depot.id,
        capacityL: truck.bodyL ?? 1e9,
        capacityKg: truck.payloadKg ?? 1e12,
        fractions: ['residual'],
        equipment: ['underground'],
        compactionFactor: truck.compactionFactor,
        status: 'in_service',
      };
      if (this.options.costPerKm !== undefined || this.options.costPerHour !== undefined) {
        v.costPerKm = this.options.costPerKm ?? 0;
        v.costPerHour = this.options.costPerHour ?? 0;
      }
      return v;
    }),
    );
    const containers = unit.containers.map((c) => {
      const container: PlanningContainer = { ...c, serviceTimeS: setup.serviceTimeS(c) };
      return { container, model: models.get(c.id) };
    });
    const depots: PlanningSite[] = [{ id: unit.depot.id, name: unit.depot.name, lng: unit.depot.lng, lat: unit.depot.lat }];
    const disposalSites: PlanningSite[] = unit.disposal
      ? [{ id: unit.disposal.id, name: unit.disposal.name, lng: unit.disposal.lng, lat: unit.disposal.lat, fractions: ['residual'], serviceTimeS: truck.unloadS }]
      : [];
    const result = await planShift(
      {
        district: unit.district,
        fraction: 'residual',
        shiftDate: context.shiftDate,
        timeZone: setup.model.timezone,
        nowMs: planAtMs,
        settings,
        containers,
        vehicles,
        depots,
        disposalSites,
        densityKgPerL: truck.densityKgPerL,
        defaultCompactionFactor: truck.compactionFactor,
        trigger: 'daily',
      },
      { matrix: setup.matrix, solve: (problem, options) => solve(problem, options), geometry: false, seed: context.seed, timeBudgetMs: Infinity, maxIterations: context.solverIterations },
    );
    this.mustMissed += result.mustMissed;
    // A truck's parts are driven one after the other; the trucks take their breaks at the depot in between.
    const byTruck = new Map<string, Array<{ part: number; actions: RouteAction[] }>>();
    for (const route of result.plan.routes) {
      const [truckId, part] = route.vehicleId.split(PART_SEPARATOR) as [string, string | undefined];
      const actions: RouteAction[] = [];
      for (const stop of route.stops) {
        if (stop.kind === 'container' && stop.containerId) actions.push({ kind: 'container', containerId: stop.containerId });
        else if (stop.kind === 'disposal') actions.push({ kind: 'disposal' });
      }
      let parts = byTruck.get(truckId);
      if (!parts) byTruck.set(truckId, (parts = []));
      parts.push({ part: Number(part ?? 1), actions });
    }
    const routes = [...byTruck].map(([truckId, parts]) => ({ truckId, actions: parts.sort((a, b) => a.part - b.part).flatMap((p) => p.actions) }));
    const planned = routes.reduce((n, r) => n + r.actions.filter((a) => a.kind === 'container').length, 0);
    return {
      routes,
      unassigned: result.plan.unassigned.filter((u) => u.category !== 'worth').map((u) => ({ containerId: u.containerId, reason: u.reason })),
      planned,
      plannedDistanceM: result.plan.distanceM,
      solveMs: result.timings.solveMs,
    };
  }
}

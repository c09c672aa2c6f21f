import type { EmptyingRecord } from '@vulgraad/city-model';
import type { RouteRecord } from './truck';

/** Kilograms of CO2 per kilometre of a diesel refuse truck on a collection round (see CO2_SOURCE). */
export const CO2_KG_PER_KM = 1.8;
export const CO2_SOURCE =
  '1.8 kg CO2e per km: a 26 t diesel refuse truck on a collection round does about 4 mpg (about 70 L per 100 km; stop-start, idling, hydraulics), at 2.63 kg CO2 per litre of diesel (UK DEFRA); see enmanreg.org/refuse, "Carbon emissions - a case of rubbish data and wrong assumptions". Driving between stops only; idling at stops is not counted.';

/** Width of a fill-at-emptying histogram bin, percent; the last bin holds everything from 150 % up. */
export const FILL_BIN_PCT = 5;
export const FILL_BINS = 31;

/** What happened on one measured day. */
export interface DayMetrics {
  day: number;
  date: string;
  distanceKm: number;
  /** Of distanceKm, the legs leaving or reaching the depot. */
  depotLegsKm: number;
  routes: number;
  routeHours: number;
  containersEmptied: number;
  overflowEmptyings: number;
  overflowL: number;
  /** Containers whose volume exceeded capacity at some moment of the day (emptied or not). */
  overflowContainers: number;
  unloads: number;
  forcedUnloads: number;
  breakReturns: number;
  lateStops: number;
  /** Containers the policy wanted but its trucks' day could not hold. */
  unassigned: number;
  planned: number;
  solveSeconds: number;
}

/** The figures of one policy over the measured days. */
export interface PolicySummary {
  days: number;
  containers: number;
  kmPerDay: number;
  /** Of kmPerDay, the legs leaving or reaching the depot. */
  depotLegsKmPerDay: number;
  hoursPerRoute: number;
  routesPerDay: number;
  emptiedPerDay: number;
  emptyings: number;
  overflowEmptyings: number;
  /** Share of emptyings without overflow, percent (the study's service level). */
  servicePct: number;
  /** Container-days with volume above capacity at any moment, per day and in total (the stricter count). */
  overflowContainerDaysPerDay: number;
  overflowContainerDays: number;
  meanFillAtEmptyingPct: number;
  /** Mean litres above capacity among overflowing emptyings. */
  excessLPerOverflow: number;
  unloadsPerDay: number;
  forcedUnloadsPerDay: number;
  breakReturnsPerDay: number;
  lateStopsPerDay: number;
  unassignedPerDay: number;
  /** Clusters never emptied in the measured days. */
  neverEmptied: number;
  co2KgPerDay: number;
  solveSecondsPerDay: number;
}

/** Litres in and out over the whole run (warm-up included): they must balance. */
export interface VolumeBalance {
  initialL: number;
  depositedL: number;
  deposits: number;
  emptiedL: number;
  /** Of the emptied litres, those above capacity at emptying (on the street, picked up by the crew). */
  overflowAtEmptyingL: number;
  remainingL: number;
  unloadedL: number;
  onBoardAtEndL: number;
}

/** Collects a policy's days, emptyings and routes. */
export class MetricsCollector {
  readonly days: DayMetrics[] = [];
  readonly fillHistogram = new Array<number>(FILL_BINS).fill(0);
  private fillSum = 0;
  private excessSum = 0;
  private emptyings = 0;
  private overflowEmptyings = 0;
  private readonly emptiedContainers = new Set<string>();
  private readonly overflowToday = new Set<string>();
  private current: DayMetrics | null = null;

  constructor(
    readonly containers: number,
    readonly measureFromDay: number,
  ) {}

  /** Opens a day (every day of the run; only those from `measureFromDay` on are kept). */
  openDay(day: number, date: string): void {
    this.current = {
      day,
      date,
      distanceKm: 0,
      depotLegsKm: 0,
      routes: 0,
      routeHours: 0,
      containersEmptied: 0,
      overflowEmptyings: 0,
      overflowL: 0,
      overflowContainers: 0,
      unloads: 0,
      forcedUnloads: 0,
      breakReturns: 0,
      lateStops: 0,
      unassigned: 0,
      planned: 0,
      solveSeconds: 0,
    };
    this.overflowToday.clear();
  }

  private get measuring(): boolean {
    return this.current !== null && this.current.day >= this.measureFromDay;
  }

  plan(planned: number, unassigned: number, solveSeconds: number): void {
    if (!this.current) return;
    this.current.planned += planned;
    this.current.unassigned += unassigned;
    this.current.solveSeconds += solveSeconds;
  }

  emptying(record: EmptyingRecord): void {
    const day = this.current;
    if (!day) return;
    if (record.overflowL > 0) this.overflowToday.add(record.containerId);
    if (!this.measuring) return;
    day.containersEmptied++;
    this.emptyings++;
    this.emptiedContainers.add(record.containerId);
    this.fillSum += record.fillPct;
    this.fillHistogram[Math.min(FILL_BINS - 1, Math.max(0, Math.floor(record.fillPct / FILL_BIN_PCT)))]++;
    if (record.overflowL > 0) {
      day.overflowEmptyings++;
      day.overflowL += record.overflowL;
      this.overflowEmptyings++;
      this.excessSum += record.overflowL;
    }
  }

  route(record: RouteRecord, dayOfPlan: number): void {
    const day = this.days.find((d) => d.day === dayOfPlan) ?? (this.current?.day === dayOfPlan ? this.current : null);
    if (!day || dayOfPlan < this.measureFromDay) return;
    day.distanceKm += record.distanceM / 1000;
    day.depotLegsKm += record.depotLegsM / 1000;
    day.routes++;
    day.routeHours += (record.endMs - record.startMs - record.idleMs) / 3_600_000;
    day.unloads += record.unloads;
    day.forcedUnloads += record.forcedUnloads;
    day.breakReturns += record.breakReturns;
    day.lateStops += record.lateStops;
  }

  /** Closes the day: `overflowing` are the containers above capacity at its end. */
  closeDay(overflowing: Iterable<string>): void {
    const day = this.current;
    if (!day) return;
    for (const id of overflowing) this.overflowToday.add(id);
    day.overflowContainers = this.overflowToday.size;
    if (this.measuring) this.days.push(day);
    this.current = null;
  }

  summary(): PolicySummary {
    const n = Math.max(1, this.days.length);
    const total = (pick: (d: DayMetrics) => number): number => this.days.reduce((s, d) => s + pick(d), 0);
    const routes = total((d) => d.routes);
    const kmPerDay = total((d) => d.distanceKm) / n;
    const overflowContainerDays = total((d) => d.overflowContainers);
    return {
      days: this.days.length,
      containers: this.containers,
      kmPerDay,
      depotLegsKmPerDay: total((d) => d.depotLegsKm) / n,
      hoursPerRoute: routes > 0 ? total((d) => d.routeHours) / routes : 0,
      routesPerDay: routes / n,
      emptiedPerDay: total((d) => d.containersEmptied) / n,
      emptyings: this.emptyings,
      overflowEmptyings: this.overflowEmptyings,
      servicePct: this.emptyings > 0 ? 100 * (1 - this.overflowEmptyings / this.emptyings) : 100,
      overflowContainerDaysPerDay: overflowContainerDays / n,
      overflowContainerDays,
      meanFillAtEmptyingPct: this.emptyings > 0 ? this.fillSum / this.emptyings : 0,
      excessLPerOverflow: this.overflowEmptyings > 0 ? this.excessSum / this.overflowEmptyings : 0,
      unloadsPerDay: total((d) => d.unloads) / n,
      forcedUnloadsPerDay: total((d) => d.forcedUnloads) / n,
      breakReturnsPerDay: total((d) => d.breakReturns) / n,
      lateStopsPerDay: total((d) => d.lateStops) / n,
      unassignedPerDay: total((d) => d.unassigned) / n,
      neverEmptied: this.containers - this.emptiedContainers.size,
      co2KgPerDay: kmPerDay * CO2_KG_PER_KM,
      solveSecondsPerDay: total((d) => d.solveSeconds) / n,
    };
  }
}

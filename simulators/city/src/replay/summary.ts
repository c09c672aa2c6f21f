import type { DayFigures, PolicyResult, SeedResult } from './replay';

/** Per-day means of one policy over the measured days of one seed. */
export interface PolicySummary {
  days: number;
  kmPerDay: number;
  disposalKmPerDay: number;
  depotKmPerDay: number;
  otherKmPerDay: number;
  hoursPerDay: number;
  drivingHPerDay: number;
  liftingHPerDay: number;
  unloadingHPerDay: number;
  breakHPerDay: number;
  liftsPerDay: number;
  emptyingsPerDay: number;
  tonnesPerDay: number;
  /** Kilometres per tonne collected (the policies collect different tonnes in a month when one leaves more in the clusters). */
  kmPerTonne: number;
  /** Tonnes left in the clusters at the end of the replay. */
  tonnesLeftAtEnd: number;
  kgPerLift: number;
  meanFillPct: number;
  medianFillPct: number;
  servicePct: number;
  overflowEmptyings: number;
  clusterDaysOver: number;
  /** Share of cluster-days not over capacity, percent. */
  clusterDayServicePct: number;
  trucksPerDay: number;
  unloadsPerDay: number;
  forcedUnloads: number;
  unplaced: number;
  checkFaults: number;
  co2KgPerDay: number;
  /** Re-plans during the day on the alerts, the cluster stops they added, and those the solver refused (0 for the record and without re-plans). */
  replansPerDay: number;
  replanStopsAddedPerDay: number;
  replansFailed: number;
}

/** Kilograms of CO2 per km of a diesel refuse truck on a round: the figure and source of sim:value (simulators/city/src/metrics.ts). */
export { CO2_KG_PER_KM, CO2_SOURCE } from '../metrics';
import { CO2_KG_PER_KM } from '../metrics';

export function summarise(result: PolicyResult, clusters: number): PolicySummary {
  const days = result.days;
  const n = Math.max(1, days.length);
  const sum = (f: (d: DayFigures) => number): number => days.reduce((s, d) => s + f(d), 0);
  const fills = days.flatMap((d) => d.fills).sort((a, b) => a - b);
  const emptyings = sum((d) => d.emptyings);
  const overflow = sum((d) => d.overflowEmptyings);
  const lifts = sum((d) => d.lifts);
  const km = sum((d) => d.km) / n;
  const over = sum((d) => d.clusterDaysOver);
  return {
    days: days.length,
    kmPerDay: km,
    disposalKmPerDay: sum((d) => d.disposalKm) / n,
    depotKmPerDay: sum((d) => d.depotKm) / n,
    otherKmPerDay: sum((d) => d.km - d.disposalKm - d.depotKm) / n,
    hoursPerDay: sum((d) => d.drivingH + d.liftingH + d.unloadingH) / n,
    drivingHPerDay: sum((d) => d.drivingH) / n,
    liftingHPerDay: sum((d) => d.liftingH) / n,
    unloadingHPerDay: sum((d) => d.unloadingH) / n,
    breakHPerDay: sum((d) => d.breakH) / n,
    liftsPerDay: lifts / n,
    emptyingsPerDay: emptyings / n,
    tonnesPerDay: sum((d) => d.kg) / 1000 / n,
    kmPerTonne: sum((d) => d.kg) > 0 ? sum((d) => d.km) / (sum((d) => d.kg) / 1000) : 0,
    tonnesLeftAtEnd: result.balance.remainingKg / 1000,
    kgPerLift: lifts > 0 ? sum((d) => d.kg) / lifts : 0,
    meanFillPct: fills.length > 0 ? fills.reduce((s, v) => s + v, 0) / fills.length : 0,
    medianFillPct: fills.length > 0 ? (fills[Math.floor(fills.length / 2)] as number) : 0,
    servicePct: emptyings > 0 ? 100 * (1 - overflow / emptyings) : 100,
    overflowEmptyings: overflow,
    clusterDaysOver: over,
    clusterDayServicePct: 100 * (1 - over / Math.max(1, clusters * days.length)),
    trucksPerDay: sum((d) => d.trucks) / n,
    unloadsPerDay: sum((d) => d.unloads) / n,
    forcedUnloads: sum((d) => d.forcedUnloads),
    unplaced: sum((d) => d.unplaced),
    checkFaults: sum((d) => d.check.overShift + d.check.overloaded + d.check.doubleBooked + d.check.mustMissed + d.check.timeline),
    co2KgPerDay: km * CO2_KG_PER_KM,
    // Runs saved before the replay re-planned during the day lack these fields.
    replansPerDay: sum((d) => d.replans ?? 0) / n,
    replanStopsAddedPerDay: sum((d) => d.replanStopsAdded ?? 0) / n,
    replansFailed: sum((d) => d.replansFailed ?? 0),
  };
}

/** Mean and sample standard deviation. */
export function meanSd(values: readonly number[]): { mean: number; sd: number; min: number; max: number } {
  const n = values.length;
  const mean = n > 0 ? values.reduce((s, v) => s + v, 0) / n : 0;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, min: n > 0 ? Math.min(...values) : 0, max: n > 0 ? Math.max(...values) : 0 };
}

export interface SeedSummary {
  seed: number;
  recorded: PolicySummary;
  vulgraad: PolicySummary;
  kmRatio: number;
  hoursRatio: number;
  liftsRatio: number;
}

export function summariseSeed(result: SeedResult, clusters: number): SeedSummary {
  const recorded = summarise(result.recorded, clusters);
  const vulgraad = summarise(result.vulgraad, clusters);
  return {
    seed: result.seed,
    recorded,
    vulgraad,
    kmRatio: vulgraad.kmPerDay / recorded.kmPerDay,
    hoursRatio: vulgraad.hoursPerDay / recorded.hoursPerDay,
    liftsRatio: vulgraad.liftsPerDay / recorded.liftsPerDay,
  };
}

const f = (v: number, digits: number): string => v.toFixed(digits);

/** The last line of `npm run sim:replay`: means over the seeds. */
export function replayLine(days: number, clusters: number, seeds: readonly SeedSummary[]): string {
  const m = (g: (s: SeedSummary) => number): number => meanSd(seeds.map(g)).mean;
  return (
    `replay days=${days} clusters=${clusters} seeds=${seeds.length}` +
    ` recorded_km_per_day=${f(m((s) => s.recorded.kmPerDay), 1)} vulgraad_km_per_day=${f(m((s) => s.vulgraad.kmPerDay), 1)} km_ratio=${f(m((s) => s.kmRatio), 3)}` +
    ` recorded_hours_per_day=${f(m((s) => s.recorded.hoursPerDay), 1)} vulgraad_hours_per_day=${f(m((s) => s.vulgraad.hoursPerDay), 1)} hours_ratio=${f(m((s) => s.hoursRatio), 3)}` +
    ` recorded_lifts_per_day=${f(m((s) => s.recorded.liftsPerDay), 1)} vulgraad_lifts_per_day=${f(m((s) => s.vulgraad.liftsPerDay), 1)} lifts_ratio=${f(m((s) => s.liftsRatio), 3)}` +
    ` vulgraad_service_pct=${f(m((s) => s.vulgraad.servicePct), 2)}`
  );
}

import type { WasteFraction } from '@vulgraad/contracts';
import { parseNumberPairs, parseTimeOfDay, parseWeekdays, type SpecValues, type plannerSpec } from '@vulgraad/config';
import { addDays, isoWeekday } from '@vulgraad/time';
import type { DistrictSettings, PlannerEdit } from './types';

/** The planner section of the configuration. */
export type PlannerConfig = SpecValues<typeof plannerSpec>;

/** Settings of a district/fraction without a row of its own: the configured defaults. */
export function defaultDistrictSettings(config: PlannerConfig, district: string, fraction: WasteFraction): DistrictSettings {
  return {
    district,
    fraction,
    riskLevel: config.riskLevel,
    worthFillPct: config.worthFillPct,
    worthPrize: config.worthPrize,
    worthMaxDetourM: config.worthMaxDetourM,
    collectionDays: parseWeekdays(config.collectionDays),
    zoneDays: config.zoneDays,
    shiftStartMin: parseTimeOfDay(config.shiftStart),
    shiftEndMin: parseTimeOfDay(config.shiftEnd),
    breakMin: config.breakMin,
    cutoffMin: parseTimeOfDay(config.cutoff),
    serviceTimeS: config.serviceTimeS,
    timeBudgetS: config.timeBudgetS,
    vehicleIds: null,
  };
}

/** Loose bulk density of a fraction from the configured pairs (residual's when the fraction is not listed). */
export function densityOf(config: PlannerConfig, fraction: WasteFraction): number {
  const densities = parseNumberPairs(config.densitiesKgPerL);
  return densities[fraction] ?? densities.residual ?? 0.15;
}

/** Whether the district/fraction is collected on a date. */
export function isCollectionDay(settings: Pick<DistrictSettings, 'collectionDays'>, date: string): boolean {
  return settings.collectionDays.includes(isoWeekday(date));
}

/** The first collection day strictly after `date` (within two weeks; a week always has one). */
export function nextCollectionDay(settings: Pick<DistrictSettings, 'collectionDays'>, date: string): string {
  for (let k = 1; k <= 14; k++) {
    const candidate = addDays(date, k);
    if (isCollectionDay(settings, candidate)) return candidate;
  }
  throw new RangeError('collectionDays is empty');
}

/** The first collection day on or after `date`. */
export function collectionDayOnOrAfter(settings: Pick<DistrictSettings, 'collectionDays'>, date: string): string {
  return isCollectionDay(settings, date) ? date : nextCollectionDay(settings, date);
}

/**
 * The planner decisions in force for a shift: the latest edit per container
 * among those for this date and the standing ones (no date); a `clear`
 * withdraws everything before it. Edits are ordered by `createdAt`, then id.
 */
export function activeEdits(edits: readonly PlannerEdit[], district: string, shiftDate: string): Map<string, PlannerEdit> {
  const relevant = edits
    .filter((e) => e.district === district && (e.shiftDate === null || e.shiftDate === shiftDate))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const out = new Map<string, PlannerEdit>();
  for (const edit of relevant) {
    if (edit.action === 'clear') out.delete(edit.containerId);
    else out.set(edit.containerId, edit);
  }
  return out;
}

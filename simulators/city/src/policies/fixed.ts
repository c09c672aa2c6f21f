import { expectedLitresPerDay, meanDepositL, type CityContainer } from '@vulgraad/city-model';
import { isoWeekday } from '@vulgraad/time';
import { routeStops } from '../route-stops';
import type { DayContext, DayPlan, Policy } from './policy';

/** Evenly spread collection days for k visits a week (offsets from a rotation day, 0 = Monday). */
const PATTERNS: Record<number, number[]> = {
  1: [0],
  2: [0, 3],
  3: [0, 2, 4],
  4: [0, 2, 4, 6],
  7: [0, 1, 2, 3, 4, 5, 6],
};
/** Longest gap between visits, days, for each frequency. */
const LONGEST_GAP_DAYS: Record<number, number> = { 1: 7, 2: 4, 3: 3, 4: 2, 7: 1 };

export interface FixedScheduleOptions {
  /** Visits a week allowed (default 1, 2, 3, 4 and 7). */
  frequencies?: readonly number[];
  /** Safety margin: the fill over the longest gap, mean + z standard deviations, must stay within capacity (default 3). */
  z?: number;
}

/** A container's weekly schedule. */
export interface FixedAssignment {
  containerId: string;
  visitsPerWeek: number;
  /** ISO weekdays (Monday = 1). */
  weekdays: number[];
}

/**
 * Every container on fixed weekdays. Each gets the fewest visits a week whose
 * longest gap keeps it within capacity with a margin (mean + z sd of the
 * litres deposited over the gap, from its known rate); containers of one
 * frequency are cut into seven sectors by bearing from the depot, and a
 * sector's rotation day is its number, so every weekday gets the same work
 * and each day's stops lie together.
 */
export function assignFixedSchedule(containers: readonly CityContainer[], depot: { lng: number; lat: number }, options: FixedScheduleOptions = {}): FixedAssignment[] {
  const frequencies = [...(options.frequencies ?? [1, 2, 3, 4, 7])].filter((f) => PATTERNS[f]).sort((a, b) => a - b);
  if (frequencies.length === 0) throw new RangeError('no usable visit frequency (choose from 1, 2, 3, 4, 7)');
  const z = options.z ?? 3;
  const groups = new Map<number, CityContainer[]>();
  for (const c of containers) {
    const { minL, modeL, maxL } = c.demand.depositVolumeL;
    const mean = meanDepositL(c.demand.depositVolumeL);
    const variance = (minL * minL + modeL * modeL + maxL * maxL - minL * modeL - minL * maxL - modeL * maxL) / 18;
    const secondMoment = variance + mean * mean;
    let chosen = frequencies[frequencies.length - 1] as number;
    for (const f of frequencies) {
      const days = LONGEST_GAP_DAYS[f] as number;
      const deposits = c.demand.depositsPerDay * days;
      if (expectedLitresPerDay(c) * days + z * Math.sqrt(deposits * secondMoment) <= c.volumeL) {
        chosen = f;
        break;
      }
    }
    let list = groups.get(chosen);
    if (!list) groups.set(chosen, (list = []));
    list.push(c);
  }
  const out: FixedAssignment[] = [];
  for (const [f, list] of groups) {
    const sorted = [...list].sort((a, b) => bearing(depot, a) - bearing(depot, b));
    sorted.forEach((c, k) => {
      const rotation = Math.floor((k * 7) / sorted.length);
      const weekdays = (PATTERNS[f] as number[]).map((o) => ((rotation + o) % 7) + 1).sort((a, b) => a - b);
      out.push({ containerId: c.id, visitsPerWeek: f, weekdays });
    });
  }
  return out;
}

export class FixedSchedulePolicy implements Policy {
  readonly name = 'fixed' as const;
  readonly sensorIntervalMs = null;
  private readonly schedules = new Map<string, FixedAssignment[]>();

  constructor(private readonly options: FixedScheduleOptions = {}) {}

  describe(): string[] {
    return [
      `Every cluster on fixed weekdays: the fewest visits a week (of ${(this.options.frequencies ?? [1, 2, 3, 4, 7]).join(', ')}) whose longest gap keeps its expected fill + ${this.options.z ?? 3} sd within capacity, from its known mean rate.`,
      'Rotation days by sector around the depot, so each weekday gets the same work and its stops lie together; routed for distance like practice.',
    ];
  }

  /** The weekly schedule of a district (computed once). */
  scheduleOf(context: Pick<DayContext, 'unit'>): FixedAssignment[] {
    let schedule = this.schedules.get(context.unit.district);
    if (!schedule) {
      schedule = assignFixedSchedule(context.unit.containers, context.unit.depot, this.options);
      this.schedules.set(context.unit.district, schedule);
    }
    return schedule;
  }

  async planDay(context: DayContext): Promise<DayPlan> {
    const weekday = isoWeekday(context.shiftDate);
    const byId = new Map(context.unit.containers.map((c) => [c.id, c]));
    const today = this.scheduleOf(context).filter((a) => a.weekdays.includes(weekday));
    // Expected load: the litres deposited since the previous visit day.
    const routed = await routeStops(
      context.setup,
      context.unit,
      today.map((a) => {
        const container = byId.get(a.containerId) as CityContainer;
        return { container, expectedL: expectedLitresPerDay(container) * daysSincePreviousVisit(a.weekdays, weekday) };
      }),
      { maxIterations: context.solverIterations, seed: context.seed, shiftDate: context.shiftDate },
    );
    return { routes: routed.routes, unassigned: routed.unassigned, planned: today.length - routed.unassigned.length, plannedDistanceM: routed.plannedDistanceM, solveMs: routed.solveMs };
  }
}

/** Days since the previous scheduled weekday (7 for a weekly visit). */
export function daysSincePreviousVisit(weekdays: readonly number[], today: number): number {
  let best = 7;
  for (const w of weekdays) {
    const gap = (today - w + 7) % 7;
    if (gap > 0 && gap < best) best = gap;
  }
  return best;
}

function bearing(from: { lng: number; lat: number }, to: { lng: number; lat: number }): number {
  const x = (to.lng - from.lng) * Math.cos((from.lat * Math.PI) / 180);
  const y = to.lat - from.lat;
  return Math.atan2(x, y);
}

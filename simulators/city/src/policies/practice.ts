import { meanDepositL, type CityContainer } from '@vulgraad/city-model';
import { routeStops } from '../route-stops';
import type { DayContext, DayPlan, Policy } from './policy';

export interface PracticeOptions {
  /** Litres the city assumes one deposit adds (the municipal rule: 85 deposits fill 5 m3, about 58.8 L). */
  assumedLitresPerDeposit?: number;
  /** Share of capacity the city counts as usable (the study's volume correction factor, 0.95-1.0). */
  correctionFactor?: number;
}

/** One cluster's place in the practice ranking. */
export interface PracticeRank {
  containerId: string;
  /** Hours until the city's estimate says full; 0 when it says full already, Infinity without deposits. */
  hoursToFull: number;
}

/**
 * The Groningen baseline ("select then route"), as SETUP.md §5 describes it:
 * estimate each cluster's volume as deposits since the last emptying x an
 * assumed volume per deposit, turn it into hours until full with the
 * cluster's known mean deposit rate, empty the K clusters that will be full
 * soonest, and route them as mandatory stops for least distance.
 */
export function rankByHoursToFull(containers: readonly CityContainer[], depositsSinceEmptied: (id: string) => number, options: PracticeOptions = {}): PracticeRank[] {
  const perDeposit = options.assumedLitresPerDeposit ?? 58.8;
  const correction = options.correctionFactor ?? 1;
  const ranks = containers.map((c, order) => {
    const estimateL = perDeposit * depositsSinceEmptied(c.id);
    const ratePerH = c.demand.depositsPerDay / 24;
    const hoursToFull = ratePerH > 0 ? Math.max(correction * c.volumeL - estimateL, 0) / perDeposit / ratePerH : Infinity;
    return { containerId: c.id, hoursToFull, order };
  });
  ranks.sort((a, b) => a.hoursToFull - b.hoursToFull || a.order - b.order);
  return ranks.map(({ containerId, hoursToFull }) => ({ containerId, hoursToFull }));
}

export class PracticePolicy implements Policy {
  readonly name = 'practice' as const;
  readonly sensorIntervalMs = null;

  constructor(private readonly options: PracticeOptions = {}) {}

  describe(): string[] {
    return [
      `Each day at the plan moment: estimated volume = deposits since the last emptying x ${this.options.assumedLitresPerDeposit ?? 58.8} L (the municipal rule), hours to full = (capacity x ${this.options.correctionFactor ?? 1} - estimate) / litres per deposit / mean deposits per hour.`,
      'The K clusters full soonest are routed as mandatory stops with our solver, distance as the objective (the study used PyVRP the same way).',
      'Truck loads for routing: deposits x 33.3 L (the pilot\'s mean), a better load estimate than the municipal rule, in this policy\'s favour.',
    ];
  }

  async planDay(context: DayContext): Promise<DayPlan> {
    const { unit, engine, planAtMs } = context;
    const counts = new Map<string, number>();
    for (const c of unit.containers) counts.set(c.id, engine.stateAt(c.id, planAtMs).depositsSinceEmptied);
    const ranks = rankByHoursToFull(unit.containers, (id) => counts.get(id) ?? 0, this.options);
    const byId = new Map(unit.containers.map((c) => [c.id, c]));
    const chosen = ranks.slice(0, unit.practiceK).map((r) => byId.get(r.containerId) as CityContainer);
    const routed = await routeStops(
      context.setup,
      unit,
      chosen.map((container) => ({ container, expectedL: (counts.get(container.id) ?? 0) * meanDepositL(container.demand.depositVolumeL) })),
      { maxIterations: context.solverIterations, seed: context.seed, shiftDate: context.shiftDate },
    );
    return { routes: routed.routes, unassigned: routed.unassigned, planned: chosen.length - routed.unassigned.length, plannedDistanceM: routed.plannedDistanceM, solveMs: routed.solveMs };
  }
}

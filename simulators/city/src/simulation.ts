import { DepositEngine, type CityContainer, type EmptyingRecord } from '@vulgraad/city-model';
import { addDays, localTimeMs } from '@vulgraad/time';
import { EventQueue } from './event-queue';
import { MetricsCollector, type DayMetrics, type PolicySummary, type VolumeBalance } from './metrics';
import type { Policy, PolicyName } from './policies/policy';
import { plannedShiftEndMin, type PlanningUnit, type SimSetup } from './setups/setup';
import { TruckRun, type TruckSetting, type TruckWorld } from './truck';
import { SENSOR_PHASE_MS } from './policies/vulgraad';

/** How long and how a value run goes. */
export interface RunOptions {
  /** Seed of the deposits (the same for every policy: common random numbers) and of the solver. */
  seed: number;
  /** First local date, YYYY-MM-DD (warm-up days included). */
  startDate: string;
  /** Days measured, after the warm-up. */
  days: number;
  /** Days run before measuring: containers reach a steady state and the forecast learns. */
  warmupDays: number;
  /** Local minutes after midnight at which each day's plan is made (default: the shift start). */
  planAtMin?: number;
  /**
   * Solver budget per plan (one district, one day), in genetic iterations of the route solver:
   * a count, not a time, so a busy machine gives the same plans as an idle one.
   */
  solverIterations: number;
  onDay?: (policy: PolicyName, day: number, totalDays: number, metrics: DayMetrics | null) => void;
}

/** Everything one policy's run produced. */
export interface PolicyRun {
  policy: PolicyName;
  description: string[];
  summary: PolicySummary;
  days: DayMetrics[];
  fillHistogram: number[];
  balance: VolumeBalance;
  runtimeS: number;
  /** Extra counts a policy reports (sensor readings, must stops missed). */
  notes: Record<string, number>;
}

type SimEvent =
  | { kind: 'tick' }
  | { kind: 'plan'; day: number; unit: PlanningUnit }
  | { kind: 'truck'; day: number; run: TruckRun }
  | { kind: 'dayEnd'; day: number };

/**
 * Runs one policy over the whole horizon as a discrete-event simulation:
 * deposits from its own engine (same seed as every other policy), a plan per
 * district and day, trucks that drive the plan in time (a container is
 * emptied when the truck arrives), sensor readings when the policy has
 * sensors, and a check at every midnight of which containers overflow.
 */
export async function runPolicy(setup: SimSetup, policy: Policy, options: RunOptions): Promise<PolicyRun> {
  const started = performance.now();
  const tz = setup.model.timezone;
  const totalDays = options.warmupDays + options.days;
  const dates = Array.from({ length: totalDays + 1 }, (_, d) => addDays(options.startDate, d));
  const midnights = dates.map((date) => localTimeMs(date, 0, tz));
  const startMs = midnights[0] as number;
  const endMs = midnights[totalDays] as number;
  const containers = setup.units.flatMap((u) => u.containers);
  const byId = new Map<string, CityContainer>(containers.map((c) => [c.id, c]));
  const engine = new DepositEngine(containers, tz, { seed: options.seed, start: new Date(startMs), initialFill: 'random' });
  const metrics = new MetricsCollector(containers.length, options.warmupDays);
  const balance: VolumeBalance = { initialL: 0, depositedL: 0, deposits: 0, emptiedL: 0, overflowAtEmptyingL: 0, remainingL: 0, unloadedL: 0, onBoardAtEndL: 0 };
  for (const c of containers) balance.initialL += engine.state(c.id).volumeL;

  const world: TruckWorld = {
    volumeAt: (id, atMs) => engine.stateAt(id, atMs).volumeL,
    empty: (id, atMs) => {
      const record: EmptyingRecord = engine.empty(id, atMs);
      balance.emptiedL += record.volumeL;
      balance.overflowAtEmptyingL += record.overflowL;
      metrics.emptying(record);
      policy.emptied?.(record);
      return record;
    },
  };

  const queue = new EventQueue<SimEvent>();
  const planAtMin = options.planAtMin ?? setup.shift.startMin;
  for (let d = 0; d < totalDays; d++) {
    for (const unit of setup.units) queue.push(localTimeMs(dates[d] as string, planAtMin, tz), { kind: 'plan', day: d, unit });
    queue.push(midnights[d + 1] as number, { kind: 'dayEnd', day: d });
  }
  const tickMs = policy.sensorIntervalMs;
  if (tickMs !== null) queue.push(startMs + SENSOR_PHASE_MS, { kind: 'tick' });
  metrics.openDay(0, dates[0] as string);

  for (let event = queue.pop(); event; event = queue.pop()) {
    const { atMs, item } = event;
    switch (item.kind) {
      case 'tick': {
        if (policy.read) for (const c of containers) policy.read(c.id, atMs, engine.stateAt(c.id, atMs).volumeL);
        const next = atMs + (tickMs as number);
        if (next < endMs) queue.push(next, { kind: 'tick' });
        break;
      }
      case 'plan': {
        const date = dates[item.day] as string;
        const plan = await policy.planDay({
          setup,
          unit: item.unit,
          dayIndex: item.day,
          shiftDate: date,
          planAtMs: atMs,
          shiftStartMs: localTimeMs(date, setup.shift.startMin, tz),
          engine,
          seed: options.seed + item.day,
          solverIterations: options.solverIterations,
        });
        metrics.plan(plan.planned, plan.unassigned.length, plan.solveMs / 1000);
        const setting = truckSetting(setup, item.unit, date, byId);
        for (const route of plan.routes) {
          const run = new TruckRun(route, setting, world);
          const first = run.start();
          if (first !== null) queue.push(first, { kind: 'truck', day: item.day, run });
        }
        break;
      }
      case 'truck': {
        const next = item.run.arrive(atMs);
        if (next !== null) queue.push(next, { kind: 'truck', day: item.day, run: item.run });
        else {
          metrics.route(item.run.record, item.day);
          balance.unloadedL += item.run.record.unloadedL.reduce((s, v) => s + v, 0);
          balance.onBoardAtEndL += item.run.record.onBoardAtEndL;
        }
        break;
      }
      case 'dayEnd': {
        const overflowing: string[] = [];
        for (const c of containers) if (engine.stateAt(c.id, atMs).overflowL > 0) overflowing.push(c.id);
        metrics.closeDay(overflowing);
        const measured = item.day >= options.warmupDays ? (metrics.days[metrics.days.length - 1] ?? null) : null;
        options.onDay?.(policy.name, item.day + 1, totalDays, measured);
        if (item.day + 1 < totalDays) metrics.openDay(item.day + 1, dates[item.day + 1] as string);
        break;
      }
    }
  }

  for (const c of containers) {
    const state = engine.stateAt(c.id, endMs);
    balance.remainingL += state.volumeL;
    balance.depositedL += state.totalDepositedL;
    balance.deposits += state.totalDeposits;
  }
  const notes: Record<string, number> = {};
  if ('sensors' in policy && typeof policy.sensors === 'object' && policy.sensors !== null) {
    const feed = policy.sensors as { readingsStored: number; readingsLost: number; flaggedReadings: number };
    notes.readingsStored = feed.readingsStored;
    notes.readingsLost = feed.readingsLost;
    notes.flaggedReadings = feed.flaggedReadings;
  }
  if ('mustMissed' in policy && typeof policy.mustMissed === 'number') notes.mustMissed = policy.mustMissed;
  return {
    policy: policy.name,
    description: policy.describe(),
    summary: metrics.summary(),
    days: metrics.days,
    fillHistogram: metrics.fillHistogram,
    balance,
    runtimeS: (performance.now() - started) / 1000,
    notes,
  };
}

/** How a district's trucks drive on a date. */
export function truckSetting(setup: SimSetup, unit: PlanningUnit, date: string, byId: ReadonlyMap<string, CityContainer>): TruckSetting {
  const tz = setup.model.timezone;
  const midnightMs = localTimeMs(date, 0, tz);
  return {
    network: unit.network,
    depotIndex: unit.network.indexOf(unit.depot.id),
    disposalIndex: unit.disposal ? unit.network.indexOf(unit.disposal.id) : null,
    truck: setup.truck,
    breaks: setup.shift.breaks,
    midnightMs,
    shiftStartMs: localTimeMs(date, setup.shift.startMin, tz),
    plannedShiftEndMs: localTimeMs(date, plannedShiftEndMin(setup.shift), tz),
    serviceTimeS: (id) => setup.serviceTimeS(byId.get(id) as CityContainer),
    windowEndMs: (id) => {
      const window = byId.get(id)?.accessWindow;
      return window ? localTimeMs(date, window.toMin, tz) : null;
    },
  };
}

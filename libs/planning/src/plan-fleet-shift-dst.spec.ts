import { FLEET_SCOPE, type Plan } from '@vulgraad/contracts';
import { StraightLineProvider } from '@vulgraad/distances';
import { FillForecaster, type ContainerHistory } from '@vulgraad/forecasting';
import { solve } from '@vulgraad/routing';
import { localMidnightMs, localTimeMs } from '@vulgraad/time';
import { checkDay, type PublishedDay } from './check/check-day';
import { planFleetShift } from './plan-fleet-shift';
import { wallClockS } from './steps/build-problem';
import { smallCity, smallCitySettings } from './testing/small-city';
import type { FleetShiftInput } from './types';

// Days the clocks change in Europe/Amsterdam: 23 hours (forward at 02:00) and 25 hours (back at 03:00).
const SHIFT_START_MIN = 420; // 07:00
const SHIFT_END_MIN = 630; // 10:30
const BREAK_MIN = 15;
const DENSITY = 0.15;
const COMPACTION = 3;

/** The small city moved in time so its history ends the evening before `shiftDate`, every truck on 07:00-10:30. */
function cityOn(shiftDate: string): FleetShiftInput {
  const raw = smallCity({ containers: 30, vehicles: 2 });
  const nowMs = localTimeMs(shiftDate, 0, raw.timeZone) - 6 * 3_600_000;
  const shift = nowMs - raw.nowMs;
  const forecaster = new FillForecaster({ timeZone: raw.timeZone });
  const containers = raw.containers.map((c, i) => {
    const history = c.history as ContainerHistory;
    const moved: ContainerHistory = {
      containerId: history.containerId,
      readings: history.readings.map((r) => ({ ...r, atMs: r.atMs + shift })),
      collections: history.collections?.map((x) => ({ ...x, atMs: x.atMs + shift })),
    };
    // A few containers may only be emptied from 08:30: a window in wall-clock minutes.
    const accessWindow = i % 5 === 0 ? { fromMin: 510, toMin: SHIFT_END_MIN } : null;
    return { container: { ...c.container, accessWindow }, model: forecaster.fit(moved) };
  });
  return {
    ...raw,
    containers,
    vehicles: raw.vehicles.map((v) => ({ ...v, shiftStartMin: SHIFT_START_MIN, shiftEndMin: SHIFT_END_MIN })),
    shiftDate,
    nowMs,
    scope: FLEET_SCOPE,
    fraction: 'residual',
    districts: [smallCitySettings({ collectionDays: [1, 2, 3, 4, 5, 6, 7], shiftStartMin: SHIFT_START_MIN, shiftEndMin: SHIFT_END_MIN, breakMin: BREAK_MIN, riskLevel: 0.3, worthFillPct: 30 })],
    densityKgPerL: DENSITY,
    defaultCompactionFactor: COMPACTION,
    trigger: 'daily',
  };
}

function publishedDay(input: FleetShiftInput, plan: Plan): PublishedDay {
  const volumeOf = new Map(input.containers.map((c) => [c.container.id, c.container.volumeL]));
  return {
    shiftDate: plan.shiftDate,
    plans: [{ planId: plan.id, fraction: plan.fraction, districts: plan.districts ?? [], mustIds: plan.mustIds ?? [], unassigned: plan.unassigned.map((u) => ({ containerId: u.containerId, reason: u.reason })) }],
    routes: plan.routes.map((r) => ({
      planId: plan.id, routeId: r.id, fraction: plan.fraction, vehicleId: r.vehicleId, startMs: Date.parse(r.startAt), endMs: Date.parse(r.endAt),
      stops: r.stops.map((s) => ({
        seq: s.seq, kind: s.kind, containerId: s.containerId, arriveMs: Date.parse(s.arriveAt), departMs: Date.parse(s.departAt), loadAfterL: s.loadAfterL, loadAfterKg: s.loadAfterKg,
        volumeL: s.containerId ? (volumeOf.get(s.containerId) ?? null) : null,
        predictedFillAtArrivalPct: (s.why as { predictedFillAtArrivalPct?: number } | null)?.predictedFillAtArrivalPct ?? null,
      })),
    })),
    vehicles: new Map(input.vehicles.map((v) => [v.id, { id: v.id, capacityL: v.capacityL, capacityKg: v.capacityKg, compactionFactor: v.compactionFactor ?? null, shiftStartMin: SHIFT_START_MIN, shiftEndMin: SHIFT_END_MIN }])),
    plannerMusts: [],
  };
}

const deps = { matrix: new StraightLineProvider(), solve, maxIterations: 60, timeBudgetMs: 60_000, geometry: false };

describe.each([
  ['2021-03-28', 23],
  ['2021-10-31', 25],
])('planFleetShift on %s, a day of %i hours in Europe/Amsterdam', (shiftDate, hours) => {
  let input: FleetShiftInput;
  let plan: Plan;
  beforeAll(async () => {
    input = cityOn(shiftDate);
    plan = (await planFleetShift(input, deps)).plan;
  });

  it('is a day the clocks change', () => {
    expect(localMidnightMs(shiftDate === '2021-03-28' ? '2021-03-29' : '2021-11-01', input.timeZone) - localMidnightMs(shiftDate, input.timeZone)).toBe(hours * 3_600_000);
  });

  it('passes the independent day check', () => {
    expect(plan.routes.length).toBeGreaterThan(0);
    const check = checkDay(publishedDay(input, plan), { timeZone: input.timeZone, defaultCompactionFactor: COMPACTION });
    expect(check.problems).toEqual([]);
    expect(check.overShift).toBe(0);
  });

  it('starts no truck before 07:00 on the wall clock and brings every one back by 10:30', () => {
    const from = localTimeMs(shiftDate, SHIFT_START_MIN, input.timeZone);
    const to = localTimeMs(shiftDate, SHIFT_END_MIN, input.timeZone);
    for (const route of plan.routes) {
      expect(Date.parse(route.startAt)).toBeGreaterThanOrEqual(from);
      expect(Date.parse(route.endAt)).toBeLessThanOrEqual(to);
    }
  });

  it('keeps stops with an access window inside it on the wall clock', () => {
    const opens = localTimeMs(shiftDate, 510, input.timeZone);
    const windowed = new Set(input.containers.filter((c) => c.container.accessWindow).map((c) => c.container.id));
    const stops = plan.routes.flatMap((r) => r.stops).filter((s) => s.containerId && windowed.has(s.containerId));
    expect(stops.length).toBeGreaterThan(0);
    for (const stop of stops) expect(Date.parse(stop.arriveAt) + 1000).toBeGreaterThanOrEqual(opens);
  });
});

describe(wallClockS.name, () => {
  it('puts 07:00 on the wall clock at the seconds elapsed since local midnight, also on the days the clocks change', () => {
    expect(wallClockS('2021-03-27', 'Europe/Amsterdam')(420)).toBe(7 * 3600);
    expect(wallClockS('2021-03-28', 'Europe/Amsterdam')(420)).toBe(6 * 3600);
    expect(wallClockS('2021-10-31', 'Europe/Amsterdam')(420)).toBe(8 * 3600);
    expect(wallClockS('2021-10-31', 'Europe/Amsterdam')(90)).toBe(1.5 * 3600);
  });
});

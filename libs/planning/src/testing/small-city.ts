import type { WasteFraction } from '@vulgraad/contracts';
import { simulateFillHistory } from '@vulgraad/forecasting';
import type { ContainerInput, DistrictSettings, PlanningSite, PlanningVehicle } from '../types';

/** Settings used by the small test city: weekdays, 07:00-15:30, no break. */
export function smallCitySettings(overrides: Partial<DistrictSettings> = {}): DistrictSettings {
  return {
    district: 'centre',
    fraction: 'residual',
    riskLevel: 0.1,
    worthFillPct: 60,
    worthPrize: 6,
    worthMaxDetourM: 1500,
    collectionDays: [1, 2, 3, 4, 5],
    shiftStartMin: 420,
    shiftEndMin: 930,
    breakMin: 0,
    cutoffMin: 1080,
    serviceTimeS: 150,
    timeBudgetS: 1,
    vehicleIds: null,
    ...overrides,
  };
}

/**
 * A small seeded city for specs and scenarios: containers on a grid around
 * Amsterdam's centre with three weeks of simulated sensor history each, a
 * depot, a disposal site and trucks. `nowMs` is the evening before a Tuesday
 * shift (2026-03-03).
 */
export function smallCity(options: { containers?: number; vehicles?: number; seed?: number; fraction?: WasteFraction } = {}): {
  containers: ContainerInput[];
  vehicles: PlanningVehicle[];
  depots: PlanningSite[];
  disposalSites: PlanningSite[];
  shiftDate: string;
  nowMs: number;
  timeZone: string;
} {
  const count = options.containers ?? 40;
  const fraction = options.fraction ?? 'residual';
  const timeZone = 'Europe/Amsterdam';
  const nowMs = Date.parse('2026-03-02T17:00:00Z');
  const startMs = nowMs - 21 * 86_400_000;
  const containers: ContainerInput[] = [];
  for (let i = 0; i < count; i++) {
    const id = `c${String(i).padStart(3, '0')}`;
    const sim = simulateFillHistory({
      containerId: id,
      startMs,
      days: 21,
      capacityL: 3000,
      depositsPerDay: 4 + ((i * 7) % 30),
      emptyAtPct: 70,
      seed: (options.seed ?? 1) * 1000 + i,
      timeZone,
    });
    containers.push({
      container: {
        id,
        externalRef: null,
        lng: 4.88 + (i % 8) * 0.004,
        lat: 52.365 + Math.floor(i / 8) * 0.003,
        district: 'centre',
        wasteType: fraction,
        containerType: 'underground',
        volumeL: 3000,
        depthMm: 2000,
        accessWindow: null,
      },
      history: sim.history,
    });
  }
  const vehicles: PlanningVehicle[] = Array.from({ length: options.vehicles ?? 2 }, (_, k) => ({
    id: `truck-${k + 1}`,
    depotId: 'depot-1',
    capacityL: 20_000,
    capacityKg: 10_000,
    fractions: [fraction],
    equipment: ['underground'],
    compactionFactor: 3,
    shiftStartMin: 420,
    shiftEndMin: 930,
  }));
  return {
    containers,
    vehicles,
    depots: [{ id: 'depot-1', lng: 4.87, lat: 52.36 }],
    disposalSites: [{ id: 'site-1', lng: 4.83, lat: 52.405, fractions: [fraction], serviceTimeS: 900 }],
    shiftDate: '2026-03-03',
    nowMs,
    timeZone,
  };
}

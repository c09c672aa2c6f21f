import { FLEET_SCOPE, type Plan } from '@vulgraad/contracts';
import { StraightLineProvider } from '@vulgraad/distances';
import { FillForecaster, type ContainerHistory } from '@vulgraad/forecasting';
import { solve } from '@vulgraad/routing';
import { localTimeMs } from '@vulgraad/time';
import { planFleetShift } from './plan-fleet-shift';
import { smallCity, smallCitySettings } from './testing/small-city';
import type { FleetShiftInput } from './types';

const raw = smallCity({ containers: 36, vehicles: 3 });
const forecaster = new FillForecaster({ timeZone: raw.timeZone });
// Three districts side by side: rows of the small city's grid.
const districtOfIndex = (i: number): string => ['west', 'centre', 'east'][Math.floor(i / 12)] as string;
const city = {
  ...raw,
  containers: raw.containers.map((c, i) => ({ container: { ...c.container, district: districtOfIndex(i) }, model: forecaster.fit(c.history as ContainerHistory) })),
};
const districts = ['west', 'centre', 'east'].map((district) => smallCitySettings({ district, riskLevel: 0.05 }));
const baseInput = (overrides: Partial<FleetShiftInput> = {}): FleetShiftInput => ({
  ...city,
  scope: FLEET_SCOPE,
  fraction: 'residual',
  districts,
  densityKgPerL: 0.15,
  defaultCompactionFactor: 3,
  trigger: 'daily',
  ...overrides,
});
const deps = { matrix: new StraightLineProvider(), solve, maxIterations: 60, timeBudgetMs: 60_000, geometry: false };
const districtOf = new Map(city.containers.map((c) => [c.container.id, c.container.district]));
const servedDistricts = (plan: Plan, vehicleId: string): string[] => [
  ...new Set(plan.routes.filter((r) => r.vehicleId === vehicleId).flatMap((r) => r.stops.filter((s) => s.containerId).map((s) => districtOf.get(s.containerId as string) as string))),
];

describe(planFleetShift.name, () => {
  let sut: Awaited<ReturnType<typeof planFleetShift>>;
  beforeAll(async () => {
    sut = await planFleetShift(baseInput(), deps);
  });

  it('gives every truck at most one route for the day and plans every district in one plan', () => {
    const vehicles = sut.plan.routes.map((r) => r.vehicleId);
    expect(new Set(vehicles).size).toBe(vehicles.length);
    expect(sut.plan.district).toBe(FLEET_SCOPE);
    expect(sut.plan.districts).toEqual(['centre', 'east', 'west']);
    expect(sut.mustMissed).toBe(0);
  });

  it('lets a truck cross district borders and lists the districts each route passes', () => {
    const crossing = sut.plan.routes.filter((r) => (r.districts ?? []).length > 1);
    expect(crossing.length).toBeGreaterThan(0);
    for (const route of sut.plan.routes) expect(route.districts).toEqual(servedDistricts(sut.plan, route.vehicleId).sort());
  });

  it('lists every must once: served by a route or unassigned', () => {
    const served = new Set(sut.plan.routes.flatMap((r) => r.stops.map((s) => s.containerId)));
    expect(sut.plan.mustIds?.length).toBeGreaterThan(0);
    for (const id of sut.plan.mustIds ?? []) expect(served.has(id) || sut.plan.unassigned.some((u) => u.containerId === id)).toBe(true);
  });

  it('keeps a truck named by a district in that district, and the others out of it', async () => {
    const bound = districts.map((d) => (d.district === 'east' ? { ...d, vehicleIds: ['truck-3'] } : d));
    const plan = (await planFleetShift(baseInput({ districts: bound }), deps)).plan;
    expect(servedDistricts(plan, 'truck-3').every((d) => d === 'east')).toBe(true);
    for (const id of ['truck-1', 'truck-2']) expect(servedDistricts(plan, id)).not.toContain('east');
  });

  it('leaves the time a truck is taken by another plan of the day out of its route', async () => {
    const fromMs = localTimeMs('2026-03-03', 420, city.timeZone);
    const toMs = localTimeMs('2026-03-03', 660, city.timeZone);
    const plan = (await planFleetShift(baseInput({ busy: [{ vehicleId: 'truck-1', fromMs, toMs }] }), deps)).plan;
    const route = plan.routes.find((r) => r.vehicleId === 'truck-1');
    expect(route).toBeDefined();
    expect(Date.parse(route?.startAt as string)).toBeGreaterThanOrEqual(toMs);
  });

  it('re-plans only the trucks it concerns: the others keep their routes as they were', async () => {
    const previous = sut.plan;
    const replan = await planFleetShift(baseInput({ previous, concernedVehicleIds: ['truck-1'], trigger: 'vehicle.status truck-1' }), deps);
    for (const route of previous.routes.filter((r) => r.vehicleId !== 'truck-1')) {
      const again = replan.plan.routes.find((r) => r.vehicleId === route.vehicleId);
      expect(again?.stops).toEqual(route.stops);
    }
    const containers = replan.plan.routes.flatMap((r) => r.stops.filter((s) => s.containerId).map((s) => s.containerId));
    expect(new Set(containers).size).toBe(containers.length);
  });
  it('re-plans an hour before the shift ends with every route inside the shift: a break whose window is over is not asked for', async () => {
    const withBreak = districts.map((d) => ({ ...d, breakMin: 30 }));
    const shiftEndMs = localTimeMs('2026-03-03', 930, city.timeZone);
    const nowMs = shiftEndMs - 3_600_000;
    const replan = (await planFleetShift(baseInput({ districts: withBreak, nowMs, previous: sut.plan, trigger: 'alert' }), deps)).plan;
    expect(replan.routes.length).toBeGreaterThan(0);
    for (const route of replan.routes) {
      expect(Date.parse(route.startAt)).toBeGreaterThanOrEqual(nowMs);
      expect(Date.parse(route.endAt)).toBeLessThanOrEqual(shiftEndMs);
      for (const stop of route.stops) expect(Date.parse(stop.departAt)).toBeLessThanOrEqual(shiftEndMs);
    }
    const served = new Set(replan.routes.flatMap((r) => r.stops.map((s) => s.containerId)));
    for (const id of replan.mustIds ?? []) expect(served.has(id) || replan.unassigned.some((u) => u.containerId === id)).toBe(true);
  });
});

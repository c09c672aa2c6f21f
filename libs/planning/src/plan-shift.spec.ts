import { StraightLineProvider } from '@vulgraad/distances';
import { solve, solveInWorker } from '@vulgraad/routing';
import { FillForecaster, type ContainerHistory } from '@vulgraad/forecasting';
import type { Plan } from '@vulgraad/contracts';
import { planShift } from './plan-shift';
import { zoneDueOn } from './zones';
import type { PlanShiftInput } from './types';
import { smallCity, smallCitySettings } from './testing/small-city';

const raw = smallCity({ containers: 30, vehicles: 2 });
// Fitted once here so each case spends its time on choosing and routing.
const forecaster = new FillForecaster({ timeZone: raw.timeZone });
const city = { ...raw, containers: raw.containers.map((c) => ({ container: c.container, model: forecaster.fit(c.history as ContainerHistory) })) };
const baseInput = (overrides: Partial<PlanShiftInput> = {}): PlanShiftInput => ({
  ...city,
  district: 'centre',
  fraction: 'residual',
  settings: smallCitySettings(),
  densityKgPerL: 0.15,
  defaultCompactionFactor: 3,
  trigger: 'daily',
  ...overrides,
});
const deps = { matrix: new StraightLineProvider(), solve, maxIterations: 60, timeBudgetMs: 60_000 };
const containerStops = (plan: Plan): string[] => plan.routes.flatMap((r) => r.stops.filter((s) => s.kind === 'container').map((s) => s.containerId as string));

describe(planShift.name, () => {
  let first: Awaited<ReturnType<typeof planShift>>;
  beforeAll(async () => {
    first = await planShift(baseInput(), deps);
  });

  it('serves every must container and gives every container stop its reasons', () => {
    const musts = first.decisions.filter((d) => d.category === 'must').map((d) => d.containerId);
    expect(musts.length).toBeGreaterThan(0);
    expect(first.mustMissed).toBe(0);
    for (const id of musts) expect(containerStops(first.plan)).toContain(id);
    for (const stop of first.plan.routes.flatMap((r) => r.stops.filter((s) => s.kind === 'container'))) {
      expect(stop.why).not.toBeNull();
      expect(['must', 'worth']).toContain(stop.why?.category);
      expect(stop.why?.predictedFillAtArrivalPct).toEqual(expect.any(Number));
    }
  });

  it('keeps loads within each truck body and times within the shift', () => {
    for (const route of first.plan.routes) {
      for (const stop of route.stops) {
        expect(stop.loadAfterL).toBeLessThanOrEqual(20_000 + 1e-6);
        expect(stop.loadAfterKg).toBeLessThanOrEqual(10_000 + 1e-6);
        expect(Date.parse(stop.arriveAt)).toBeGreaterThanOrEqual(Date.parse('2026-03-03T06:00:00Z'));
        expect(Date.parse(stop.departAt)).toBeLessThanOrEqual(Date.parse('2026-03-03T14:30:00Z'));
      }
      expect(route.stops[0].kind).toBe('depot_start');
      expect(route.stops[route.stops.length - 1].kind).toBe('depot_end');
      expect(route.stops[route.stops.length - 2].kind).toBe('disposal');
    }
  });

  it('is the same plan for the same seed under an iteration limit', async () => {
    const again = await planShift(baseInput(), deps);
    expect(again.plan.routes).toEqual(first.plan.routes);
  });

  it('gives the same plan with the solver in a worker thread, as the planner service runs it', async () => {
    const inWorker = await planShift(baseInput(), { ...deps, solve: solveInWorker });
    expect(inWorker.plan.routes).toEqual(first.plan.routes);
  });

  it('never gives a truck a fraction it cannot take', async () => {
    const vehicles = [...city.vehicles, { ...city.vehicles[0], id: 'paper-truck', fractions: ['paper' as const] }];
    const sut = await planShift(baseInput({ vehicles }), deps);
    expect(sut.plan.routes.map((r) => r.vehicleId)).not.toContain('paper-truck');
  });

  it('keeps a locked stop on its truck and leaves an excluded must out, with the decision in its why', async () => {
    const must = first.decisions.find((d) => d.category === 'must')?.containerId as string;
    const waiting = first.decisions.find((d) => d.category === 'waits')?.containerId as string;
    const edits = [
      { id: 'e1', district: 'centre', shiftDate: '2026-03-03', containerId: waiting, action: 'lock' as const, vehicleId: 'truck-2', reason: 'resident complaint', by: 'anna', createdAt: '2026-03-02T09:00:00Z' },
      { id: 'e2', district: 'centre', shiftDate: '2026-03-03', containerId: must, action: 'exclude' as const, vehicleId: null, reason: 'street closed', by: 'anna', createdAt: '2026-03-02T09:00:00Z' },
    ];
    const sut = await planShift(baseInput({ edits }), deps);
    const truck2 = sut.plan.routes.find((r) => r.vehicleId === 'truck-2');
    const locked = truck2?.stops.find((s) => s.containerId === waiting);
    expect(locked?.why?.category).toBe('locked');
    expect(locked?.why?.plannerDecision).toEqual({ action: 'lock', reason: 'resident complaint', by: 'anna' });
    expect(containerStops(sut.plan)).not.toContain(must);
    expect(sut.decisions.find((d) => d.containerId === must)?.category).toBe('excluded');
  });

  it('re-plans from the trucks\' positions: driven stops stay first and are not visited again', async () => {
    const route = first.plan.routes[0];
    const drivenUpTo = route.stops.findIndex((s, k) => k > 0 && s.kind === 'container') + 1;
    const previous: Plan = {
      ...first.plan,
      routes: first.plan.routes.map((r) =>
        r.vehicleId === route.vehicleId ? { ...r, stops: r.stops.map((s, k) => (k <= drivenUpTo ? { ...s, doneAt: s.departAt } : s)) } : r,
      ),
    };
    const lastDone = previous.routes[0].stops[drivenUpTo];
    const sut = await planShift(
      baseInput({
        previous,
        trigger: 'vehicle.status',
        nowMs: Date.parse(lastDone.departAt),
        progress: [{ vehicleId: route.vehicleId, position: { lng: lastDone.lng as number, lat: lastDone.lat as number }, atMs: Date.parse(lastDone.departAt), loadL: lastDone.loadAfterL * 3, loadKg: lastDone.loadAfterKg, breakTaken: false }],
      }),
      deps,
    );
    expect(sut.plan.version).toBe(2);
    const replanned = sut.plan.routes.find((r) => r.vehicleId === route.vehicleId);
    expect(replanned?.stops.slice(0, drivenUpTo + 1).map((s) => s.containerId)).toEqual(route.stops.slice(0, drivenUpTo + 1).map((s) => s.containerId));
    const doneIds = route.stops.slice(0, drivenUpTo + 1).map((s) => s.containerId).filter(Boolean);
    const visits = containerStops(sut.plan);
    for (const id of doneIds) expect(visits.filter((v) => v === id)).toHaveLength(1);
    const rest = replanned?.stops.slice(drivenUpTo + 1) ?? [];
    for (const stop of rest) expect(Date.parse(stop.arriveAt)).toBeGreaterThanOrEqual(Date.parse(lastDone.departAt));
    expect(sut.mustMissed).toBe(0);
  });

  it('reports must containers as unassigned with a reason when no truck is in service', async () => {
    const vehicles = city.vehicles.map((v) => ({ ...v, status: 'out_of_service' as const }));
    const sut = await planShift(baseInput({ vehicles }), deps);
    expect(sut.plan.routes).toHaveLength(0);
    expect(sut.mustMissed).toBe(sut.decisions.filter((d) => d.category === 'must').length);
    expect(sut.plan.unassigned[0].reason).toMatch(/no_compatible_vehicle/);
  });

  it('with zones, empties the due zone\'s containers that would not last until its next turn, and the others only when they cannot wait a day', async () => {
    const zoneDays = 3;
    const withZones = await planShift(baseInput({ settings: smallCitySettings({ zoneDays }) }), deps);
    expect(first.zones).toBeNull();
    const zones = withZones.zones?.byContainer as ReadonlyMap<string, number>;
    const due = withZones.zones?.due as number;
    expect(due).toBe(zoneDueOn({ collectionDays: [1, 2, 3, 4, 5], zoneDays }, '2026-03-03'));
    expect(new Set(zones.values())).toEqual(new Set([0, 1, 2]));
    const category = (result: typeof first, id: string): string => result.decisions.find((d) => d.containerId === id)?.category as string;
    const dueIds = city.containers.map((c) => c.container.id).filter((id) => zones.get(id) === due);
    const otherIds = city.containers.map((c) => c.container.id).filter((id) => zones.get(id) !== due);
    // Outside the due zone the musts are exactly those without zones; inside, at least those and more.
    for (const id of otherIds) expect(category(withZones, id) === 'must').toBe(category(first, id) === 'must');
    const mustDue = dueIds.filter((id) => category(withZones, id) === 'must');
    const mustDueWithout = dueIds.filter((id) => category(first, id) === 'must');
    for (const id of mustDueWithout) expect(mustDue).toContain(id);
    expect(mustDue.length).toBeGreaterThan(mustDueWithout.length);
    // The due zone's risk is to its next turn, three collection days on: never below the risk to tomorrow.
    for (const id of dueIds) {
      const risk = (result: typeof first): number => result.decisions.find((d) => d.containerId === id)?.why.overflowRisk as number;
      expect(risk(withZones)).toBeGreaterThanOrEqual(risk(first));
    }
    expect(withZones.mustMissed).toBe(0);
  });
});

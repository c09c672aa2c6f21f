import type { Plan, PlanRoute, PlanStop, StopCategory } from '@vulgraad/contracts';
import type { RoutingProblem } from '@vulgraad/routing';
import { localTimeMs } from '@vulgraad/time';
import { isMustLike } from './select';
import { addGeometry, assembleRoutes } from './steps/assemble';
import { buildSites, buildStop, buildVehicles, DIMENSIONS, layoutPoints, type VehicleSlot, wallClockS } from './steps/build-problem';
import { chooseForDistricts } from './steps/choose';
import { districtsPerVehicle } from './steps/eligibility';
import { forecastOutlooks } from './steps/forecast';
import { solveDroppingRefused } from './steps/solve-dropping-refused';
import type { ContainerDecision, DistrictSettings, FleetShiftInput, FleetShiftResult, PlanningContainer, PlanningSite, PlanShiftDeps, PlanTimings } from './types';

/**
 * Plans one fraction's shift for the fleet as a whole: every district
 * collected that day is chosen by its own settings, and each truck gets one
 * route for its day through the districts it may serve (a truck bound to a
 * district by `vehicleIds` stays in it), with its trips to the disposal
 * sites, its break, its capacity and its equipment. A truck cannot be in two
 * places at once because it has one route; times it is taken by another
 * plan of the day (`busy`) are left out of its shift.
 *
 * The steps, each in `steps/`: forecast, choose, build the problem, solve
 * (dropping refused stops), assemble. Deterministic for a seed and an
 * iteration-bound solver.
 */
export async function planFleetShift(input: FleetShiftInput, deps: PlanShiftDeps): Promise<FleetShiftResult> {
  const t0 = performance.now();
  const { shiftDate, timeZone, nowMs, fraction } = input;
  const report = deps.onProgress ?? (() => undefined);
  const settingsByDistrict = new Map(input.districts.map((d) => [d.district, d]));
  const single = input.districts.length === 1 ? (input.districts[0] as DistrictSettings) : null;
  const districtOfContainer = (c: PlanningContainer): string => (single ? single.district : c.district);
  const settingsOf = (district: string): DistrictSettings => settingsByDistrict.get(district) as DistrictSettings;
  const containers = input.containers.filter((c) => settingsByDistrict.has(districtOfContainer(c.container)));
  const containersById = new Map(containers.map((c) => [c.container.id, c.container]));
  const districtOf = (id: string): string | undefined => {
    const c = containersById.get(id);
    return c ? districtOfContainer(c) : undefined;
  };
  const midnightMs = localTimeMs(shiftDate, 0, timeZone);
  const wallS = wallClockS(shiftDate, timeZone);
  const version = input.version ?? (input.previous ? input.previous.version + 1 : 1);
  const planId = input.planId ?? `plan-${input.scope}-${fraction}-${shiftDate}-v${version}`;
  const planShiftMin = {
    from: Math.min(...input.districts.map((d) => d.shiftStartMin)),
    to: Math.max(...input.districts.map((d) => d.shiftEndMin)),
  };

  // 1. Forecast.
  report(0, 'forecast');
  const forecast = forecastOutlooks({ containers, settingsOf, districtOf: districtOfContainer, shiftDate, timeZone, nowMs, forecast: deps.forecast });
  const tForecast = performance.now();

  // 2. Choose, with what a re-plan keeps: driven stops and the routes of trucks it does not concern.
  report(0.15, 'choose');
  const concerned = input.concernedVehicleIds ? new Set(input.concernedVehicleIds) : null;
  const kept: PlanRoute[] = concerned ? (input.previous?.routes ?? []).filter((r) => !concerned.has(r.vehicleId)) : [];
  const keptIds = new Set(kept.map((r) => r.vehicleId));
  const doneStops = doneStopsByVehicle(input.previous ?? null, keptIds);
  const doneIds = new Set<string>(input.doneContainerIds ?? []);
  for (const stops of doneStops.values()) for (const s of stops) if (s.containerId) doneIds.add(s.containerId);
  for (const route of kept) for (const s of route.stops) if (s.containerId) doneIds.add(s.containerId);
  const progressByVehicle = new Map((input.progress ?? []).map((p) => [p.vehicleId, p]));
  const depotsById = new Map(input.depots.map((d) => [d.id, d]));
  const eligible = districtsPerVehicle(input.vehicles, input.districts, fraction, new Set(depotsById.keys()));
  for (const id of keptIds) eligible.delete(id);
  const usableVehicles = input.vehicles.filter((v) => eligible.has(v.id));
  const containersOf = groupBy(containers.map((c) => c.container), districtOfContainer);
  const { decisions, editsByContainer } = chooseForDistricts({
    districts: input.districts,
    containersOf: (district) => containersOf.get(district) ?? [],
    outlooks: forecast.outlooks,
    edits: input.edits ?? [],
    shiftDate,
    doneIds,
    anchorsOf: (district) => [
      ...usableVehicles.filter((v) => eligible.get(v.id)?.includes(district)).map((v) => depotsById.get(v.depotId) as PlanningSite),
      ...[...progressByVehicle.values()].map((p) => p.position),
    ],
    densityKgPerL: input.densityKgPerL,
  });
  const tChoose = performance.now();

  // 3. The problem: places and matrix, trucks, disposal sites, stops.
  report(0.25, 'matrix');
  const unassigned: Plan['unassigned'] = [];
  const servedDistricts = new Set([...eligible.values()].flat());
  // A re-plan during the day cannot serve a stop whose access window has already closed; left in, the solver
  // refuses such stops one per attempt, and a re-plan after the inner city's windows failed on them.
  const windowClosed = (id: string): boolean => {
    const w = containersById.get(id)?.accessWindow;
    return w !== null && w !== undefined && localTimeMs(shiftDate, w.toMin, timeZone) <= nowMs;
  };
  let stopDecisions: ContainerDecision[] = [];
  for (const d of decisions.filter((x) => isMustLike(x) || x.category === 'worth')) {
    if (!servedDistricts.has(districtOf(d.containerId) as string)) {
      if (isMustLike(d)) unassigned.push({ containerId: d.containerId, category: d.category as StopCategory, reason: 'no_compatible_vehicle: no truck in service takes this fraction in this district' });
    } else if (windowClosed(d.containerId)) {
      if (isMustLike(d)) unassigned.push({ containerId: d.containerId, category: d.category as StopCategory, reason: 'time_window_unreachable: its access window closed before this plan was made' });
    } else stopDecisions.push(d);
  }
  const sites = input.disposalSites.filter((s) => !s.fractions || s.fractions.includes(fraction));
  const layout = layoutPoints({
    vehicles: usableVehicles, depotsById, sites, progressByVehicle,
    stops: stopDecisions.map((d) => containersById.get(d.containerId) as PlanningContainer),
  });
  const districtTags = input.districts.length > 1;
  let tMatrix = performance.now();
  let tSolve = tMatrix;
  let matrixFromCache = false;
  let slots: VehicleSlot[] = [];
  let solved: Awaited<ReturnType<typeof solveDroppingRefused>> = { solution: null, decisions: [], unassigned: [] };
  if (stopDecisions.length > 0) {
    const matrix = await deps.matrix.matrix(layout.points, { signal: deps.signal });
    matrixFromCache = matrix.fromCache === true;
    tMatrix = performance.now();
    report(0.4, 'solve');
    slots = buildVehicles({
      vehicles: usableVehicles, districtsOf: eligible, settingsOf, districtTags, layout, siteCount: sites.length, progressByVehicle,
      doneCount: (id) => doneStops.get(id)?.length ?? 0, busy: input.busy ?? [], midnightMs, wallS, nowMs, defaultCompactionFactor: input.defaultCompactionFactor,
    });
    if (slots.length === 0) {
      for (const d of stopDecisions) {
        if (isMustLike(d)) unassigned.push({ containerId: d.containerId, category: d.category as StopCategory, reason: 'time_exhausted: no truck has shift time left' });
      }
      stopDecisions = [];
    }
    const routingSites = buildSites(sites, layout, wallS);
    const vehicleIds = new Set(slots.map((s) => s.routing.id));
    const problemOf = (chosen: readonly ContainerDecision[]): RoutingProblem => ({
      locationCount: matrix.n,
      distances: matrix.distancesM,
      durations: matrix.durationsS,
      dimensions: DIMENSIONS,
      vehicles: slots.map((s) => s.routing),
      stops: chosen.map((decision) => {
        const container = containersById.get(decision.containerId) as PlanningContainer;
        return buildStop({
          decision, container, settings: settingsOf(districtOfContainer(container)), layout, edit: editsByContainer.get(container.id), vehicleIds, districtTags, planShiftMin, wallS,
        });
      }),
      disposalSites: routingSites,
    });
    const timeBudgetMs = deps.timeBudgetMs ?? Math.max(...input.districts.map((d) => d.timeBudgetS)) * 1000;
    solved = await solveDroppingRefused({
      decisions: stopDecisions,
      problemOf,
      solve: deps.solve,
      options: (problem) => ({
        seed: deps.seed ?? 1,
        timeLimitMs: timeBudgetMs,
        maxIterations: deps.maxIterations,
        signal: deps.signal,
        initialRoutes: initialRoutesFrom(input.previous ?? null, slots, problem.stops),
      }),
    });
    unassigned.push(...solved.unassigned);
    tSolve = performance.now();
  }

  // 5. Assemble the routes, with geometry.
  report(0.85, 'geometry');
  const { routes, unserved } = assembleRoutes({
    planId, solution: solved.solution, slots, decisions: solved.decisions, points: layout.points, sites, doneStops, kept, districtOf,
    models: forecast.models, forecaster: forecast.forecaster, midnightMs, nowMs,
  });
  if (deps.geometry !== false) await addGeometry(routes, deps.matrix, deps.signal);
  const tGeometry = performance.now();
  unassigned.push(...unserved);

  const timings: PlanTimings = {
    forecastMs: tForecast - t0,
    chooseMs: tChoose - tForecast,
    matrixMs: Math.max(0, tMatrix - tChoose),
    solveMs: Math.max(0, tSolve - tMatrix),
    geometryMs: tGeometry - Math.max(tSolve, tChoose),
    totalMs: tGeometry - t0,
  };
  report(1, 'done');
  const plan: Plan = {
    id: planId,
    district: input.scope,
    fraction,
    shiftDate,
    version,
    status: 'published',
    trigger: input.trigger,
    createdAt: new Date(nowMs).toISOString(),
    solveSeconds: round3(timings.solveMs / 1000),
    distanceM: routes.reduce((s, r) => s + r.distanceM, 0),
    durationS: routes.reduce((s, r) => s + r.durationS, 0),
    routes,
    unassigned,
    districts: input.districts.map((d) => d.district).sort(),
    mustIds: decisions.filter(isMustLike).map((d) => d.containerId),
  };
  return {
    plan,
    decisions,
    timings,
    cost: solved.solution?.cost ?? 0,
    matrixFromCache,
    mustMissed: unassigned.filter((u) => u.category !== 'worth').length,
    zones: forecast.zones,
  };
}

/** Driven stops of the previous plan, by truck, in their order (trucks whose routes are kept whole left out). */
function doneStopsByVehicle(previous: Plan | null, kept: ReadonlySet<string>): Map<string, PlanStop[]> {
  const out = new Map<string, PlanStop[]>();
  for (const route of previous?.routes ?? []) {
    if (kept.has(route.vehicleId)) continue;
    const done = route.stops.filter((s) => s.doneAt !== null);
    if (done.length > 0) out.set(route.vehicleId, done);
  }
  return out;
}

/** The previous plan's remaining order per truck, as stop indices of the new problem, to start the search from. */
function initialRoutesFrom(previous: Plan | null, slots: readonly VehicleSlot[], stops: RoutingProblem['stops']): number[][] | undefined {
  if (!previous) return undefined;
  const indexOf = new Map(stops.map((stop, k) => [stop.id, k]));
  const used = new Set<number>();
  const routes = slots.map((slot) => {
    const route = previous.routes.find((r) => r.vehicleId === slot.vehicle.id);
    const order: number[] = [];
    for (const s of route?.stops ?? []) {
      if (s.kind !== 'container' || s.doneAt !== null || !s.containerId) continue;
      const k = indexOf.get(s.containerId);
      if (k === undefined || used.has(k)) continue;
      const pinned = stops[k]?.pin?.vehicleId;
      if (pinned !== undefined && pinned !== slot.vehicle.id) continue;
      used.add(k);
      order.push(k);
    }
    return order;
  });
  return routes.some((r) => r.length > 0) ? routes : undefined;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

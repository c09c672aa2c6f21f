import type { Plan, PlanRoute, PlanStop, StopCategory } from '@vulgraad/contracts';
import type { LngLat } from '@vulgraad/distances';
import { derivePrior, FillForecaster, type FillModel } from '@vulgraad/forecasting';
import {
  InfeasibleProblemError,
  type DisposalSite as RoutingSite,
  type RoutingProblem,
  type RoutingSolution,
  type Stop,
  type Vehicle as RoutingVehicle,
} from '@vulgraad/routing';
import { localTimeMs } from './local-time';
import { activeEdits, nextCollectionDay } from './settings';
import { assignZones, meanFillRatePctPerH, nthCollectionDayAfter, zoneCountOf, zoneDueOn } from './zones';
import { chooseContainers, isMustLike, stopReason, type ContainerOutlook } from './select';
import type { ContainerDecision, PlanningSite, PlanningVehicle, PlanShiftDeps, PlanShiftInput, PlanShiftResult, PlanTimings } from './types';

/** Cost of a truck that states none: money units per km and per hour (a crew of two and a heavy truck). */
export const DEFAULT_COST_PER_KM = 1.5;
export const DEFAULT_COST_PER_HOUR = 45;
/** Capacity dimensions handed to the solver: loose litres and kilograms. */
export const DIMENSIONS = ['litres', 'kg'];
/** How many stops the planner drops one by one when the solver refuses a problem because of one stop. */
const MAX_REFUSED_STOPS = 50;

interface VehicleSlot {
  vehicle: PlanningVehicle;
  compaction: number;
  routing: RoutingVehicle;
}

/**
 * Plans one shift of one district and fraction: forecasts every container,
 * chooses must / worth-it / waits, asks the provider for the matrix, solves
 * the routing problem and returns the plan with the `why` of every stop.
 * Needs no framework and no database; the planner service and the value
 * simulation both call it. Deterministic for a seed and an iteration-bound
 * solver; with a time budget the search may differ between runs.
 *
 * Re-planning: pass the `previous` plan and the trucks' `progress`. Stops
 * already driven stay (first in their route), containers emptied are not
 * chosen again, and the rest is planned from where each truck is now.
 */
export async function planShift(input: PlanShiftInput, deps: PlanShiftDeps): Promise<PlanShiftResult> {
  const t0 = performance.now();
  const { settings, timeZone, shiftDate, nowMs } = input;
  const report = deps.onProgress ?? (() => undefined);
  const midnightMs = localTimeMs(shiftDate, 0, timeZone);
  const shiftStartMs = localTimeMs(shiftDate, settings.shiftStartMin, timeZone);
  const shiftEndMs = localTimeMs(shiftDate, settings.shiftEndMin, timeZone);
  // Left for the next shift, a container is reached on average halfway through it.
  const nextChanceMs = localTimeMs(nextCollectionDay(settings, shiftDate), (settings.shiftStartMin + settings.shiftEndMin) / 2, timeZone);
  const version = input.version ?? (input.previous ? input.previous.version + 1 : 1);
  const planId = input.planId ?? `plan-${input.district}-${input.fraction}-${shiftDate}-v${version}`;

  // 1. Forecast.
  report(0, 'forecast');
  const baseForecaster = new FillForecaster({ ...deps.forecast, timeZone });
  const models = new Map<string, FillModel>();
  for (const item of input.containers) {
    const id = item.container.id;
    models.set(id, item.model ?? baseForecaster.fit(item.history ?? { containerId: id, readings: [] }));
  }
  let forecaster = baseForecaster;
  if (!deps.forecast?.prior) {
    const prior = derivePrior([...models.values()].filter((m) => m.readingsUsed > 0));
    if (prior) forecaster = new FillForecaster({ ...deps.forecast, timeZone, prior });
  }
  // With zones, the due zone's next planned chance is its next turn; the others' stays the next shift.
  const zoneCount = zoneCountOf(settings);
  const zones = zoneCount > 1 ? assignZones(input.containers.map((c) => c.container), zoneCount, zoneWeights(models)) : null;
  const dueZone = zoneDueOn(settings, shiftDate);
  const nextTurnMs = zones
    ? localTimeMs(nthCollectionDayAfter(settings, shiftDate, zoneCount), (settings.shiftStartMin + settings.shiftEndMin) / 2, timeZone)
    : nextChanceMs;
  const outlooks = new Map<string, ContainerOutlook>();
  const fromMs = Math.max(nowMs, shiftStartMs);
  for (const [id, model] of models) {
    const atEnd = forecaster.predict(model, Math.max(shiftEndMs, fromMs), nowMs);
    const due = zones !== null && zones.get(id) === dueZone;
    outlooks.set(id, {
      fillNowPct: forecaster.predict(model, nowMs, nowMs).meanPct,
      fillAtShiftEndPct: atEnd.meanPct,
      overflowRiskBeforeNextChance: forecaster.overflowProbability(model, due ? nextTurnMs : nextChanceMs, nowMs),
      fromHistoryOnly: atEnd.fromHistoryOnly,
    });
  }
  const tForecast = performance.now();

  // 2. Choose.
  report(0.15, 'choose');
  const doneStops = doneStopsByVehicle(input.previous ?? null);
  const doneIds = new Set<string>(input.doneContainerIds ?? []);
  for (const stops of doneStops.values()) for (const s of stops) if (s.containerId) doneIds.add(s.containerId);
  const edits = activeEdits(input.edits ?? [], input.district, shiftDate);
  const containersById = new Map(input.containers.map((c) => [c.container.id, c.container]));
  const progressByVehicle = new Map((input.progress ?? []).map((p) => [p.vehicleId, p]));
  const depotsById = new Map(input.depots.map((d) => [d.id, d]));
  const usableVehicles = input.vehicles.filter(
    (v) =>
      (v.status ?? 'in_service') === 'in_service' &&
      v.fractions.includes(input.fraction) &&
      (settings.vehicleIds === null || settings.vehicleIds.includes(v.id)) &&
      depotsById.has(v.depotId),
  );
  const anchors: LngLat[] = [
    ...usableVehicles.map((v) => depotsById.get(v.depotId) as PlanningSite),
    ...[...progressByVehicle.values()].map((p) => p.position),
  ];
  const decisions = chooseContainers({
    settings,
    containers: input.containers.map((c) => c.container),
    outlooks,
    edits,
    doneIds,
    anchors,
    densityKgPerL: input.densityKgPerL,
  });
  const tChoose = performance.now();

  // 3. Locations and matrix: depots, disposal sites, trucks under way, stops.
  report(0.25, 'matrix');
  const sites = input.disposalSites.filter((s) => !s.fractions || s.fractions.includes(input.fraction));
  const points: LngLat[] = [];
  const depotIndex = new Map<string, number>();
  for (const v of usableVehicles) {
    if (!depotIndex.has(v.depotId)) {
      depotIndex.set(v.depotId, points.length);
      points.push(depotsById.get(v.depotId) as PlanningSite);
    }
  }
  const siteIndex = sites.map((s) => {
    points.push(s);
    return points.length - 1;
  });
  const progressIndex = new Map<string, number>();
  for (const v of usableVehicles) {
    const p = progressByVehicle.get(v.id);
    if (p) {
      progressIndex.set(v.id, points.length);
      points.push(p.position);
    }
  }
  let stopDecisions = decisions.filter((d) => isMustLike(d) || d.category === 'worth');
  const stopLocation = new Map<string, number>();
  for (const d of stopDecisions) {
    stopLocation.set(d.containerId, points.length);
    points.push(containersById.get(d.containerId) as LngLat);
  }
  const unassigned: Plan['unassigned'] = [];
  let solution: RoutingSolution | null = null;
  let matrixFromCache = false;
  let tMatrix = performance.now();
  let tSolve = tMatrix;
  const slots: VehicleSlot[] = [];

  if (stopDecisions.length > 0 && usableVehicles.length === 0) {
    for (const d of stopDecisions) {
      if (isMustLike(d)) unassigned.push({ containerId: d.containerId, category: d.category as StopCategory, reason: 'no_compatible_vehicle: no truck in service takes this fraction in this district' });
    }
    stopDecisions = [];
  }

  if (stopDecisions.length > 0) {
    const matrix = await deps.matrix.matrix(points, { signal: deps.signal });
    matrixFromCache = matrix.fromCache === true;
    tMatrix = performance.now();
    report(0.4, 'solve');

    const startS = (ms: number): number => (ms - midnightMs) / 1000;
    const nowS = startS(nowMs);
    for (const v of usableVehicles) {
      const compaction = v.compactionFactor && v.compactionFactor >= 1 ? v.compactionFactor : input.defaultCompactionFactor;
      const shiftFrom = Math.max(v.shiftStartMin ?? settings.shiftStartMin, settings.shiftStartMin) * 60;
      const shiftTo = Math.min(v.shiftEndMin ?? settings.shiftEndMin, settings.shiftEndMin) * 60;
      const progress = progressByVehicle.get(v.id);
      const leaveAt = Math.max(shiftFrom, progress ? startS(progress.atMs) : nowS);
      if (leaveAt >= shiftTo) continue;
      const noCosts = !v.costPerKm && !v.costPerHour;
      const home = depotIndex.get(v.depotId) as number;
      const doneHere = doneStops.get(v.id) ?? [];
      const routing: RoutingVehicle = {
        id: v.id,
        startLocationIndex: home,
        endLocationIndex: home,
        capacity: [v.capacityL * compaction, v.capacityKg],
        shift: { startS: progress ? shiftFrom : leaveAt, endS: shiftTo },
        durationFactor: v.speedFactor && v.speedFactor > 0 ? v.speedFactor : 1,
        costPerDistanceM: (noCosts ? DEFAULT_COST_PER_KM : (v.costPerKm ?? 0)) / 1000,
        costPerDurationS: (noCosts ? DEFAULT_COST_PER_HOUR : (v.costPerHour ?? 0)) / 3600,
        equipment: [...v.equipment, ...v.fractions.map((f) => `fraction:${f}`)],
        disposalSiteIndices: sites.map((_, k) => k),
        endWithDisposal: sites.length > 0,
      };
      if (v.maxRouteDurationS) routing.maxDurationS = v.maxRouteDurationS;
      if (settings.breakMin > 0) {
        const middle = (shiftFrom + shiftTo) / 2;
        routing.break = { durationS: settings.breakMin * 60, window: { startS: middle - 5400, endS: middle + 3600 } };
      }
      if (progress) {
        routing.progress = {
          locationIndex: progressIndex.get(v.id) as number,
          timeS: leaveAt,
          load: [progress.loadL, progress.loadKg],
          stopsServed: doneHere.length,
          breakTaken: progress.breakTaken,
          startedAtS: shiftFrom,
        };
      }
      slots.push({ vehicle: v, compaction, routing });
    }

    const routingSites: RoutingSite[] = sites.map((s, k) => {
      const site: RoutingSite = { id: s.id, locationIndex: siteIndex[k], serviceTimeS: s.serviceTimeS ?? 900 };
      if (s.openFromMin !== undefined && s.openToMin !== undefined) site.openingWindow = { startS: s.openFromMin * 60, endS: s.openToMin * 60 };
      return site;
    });
    const vehicleIds = new Set(slots.map((s) => s.routing.id));
    const buildStop = (d: ContainerDecision): Stop => {
      const c = containersById.get(d.containerId) as NonNullable<ReturnType<typeof containersById.get>>;
      const stop: Stop = {
        id: c.id,
        locationIndex: stopLocation.get(c.id) as number,
        demand: [d.demandL, d.demandKg],
        serviceTimeS: c.serviceTimeS ?? settings.serviceTimeS * Math.max(1, c.pitCount ?? 1),
        requiredEquipment: [c.containerType, `fraction:${c.wasteType}`],
      };
      if (c.accessWindow) stop.timeWindow = { startS: c.accessWindow.fromMin * 60, endS: c.accessWindow.toMin * 60 };
      if (d.category === 'worth' && d.prize !== null) stop.prize = d.prize;
      const lockedTo = edits.get(c.id)?.vehicleId;
      if (d.category === 'locked' && lockedTo && vehicleIds.has(lockedTo)) stop.pin = { vehicleId: lockedTo };
      return stop;
    };

    if (slots.length === 0) {
      for (const d of stopDecisions) {
        if (isMustLike(d)) unassigned.push({ containerId: d.containerId, category: d.category as StopCategory, reason: 'time_exhausted: no truck has shift time left' });
      }
      stopDecisions = [];
    }
    for (let refused = 0; stopDecisions.length > 0; refused++) {
      const problem: RoutingProblem = {
        locationCount: matrix.n,
        distances: matrix.distancesM,
        durations: matrix.durationsS,
        dimensions: DIMENSIONS,
        vehicles: slots.map((s) => s.routing),
        stops: stopDecisions.map(buildStop),
        disposalSites: routingSites,
      };
      try {
        solution = await deps.solve(problem, {
          seed: deps.seed ?? 1,
          timeLimitMs: deps.timeBudgetMs ?? settings.timeBudgetS * 1000,
          maxIterations: deps.maxIterations,
          signal: deps.signal,
          initialRoutes: initialRoutesFrom(input.previous ?? null, slots, problem.stops),
        });
        break;
      } catch (error) {
        if (!(error instanceof InfeasibleProblemError) || error.stopIndex === undefined || refused >= MAX_REFUSED_STOPS) throw error;
        const d = stopDecisions[error.stopIndex];
        if (isMustLike(d)) unassigned.push({ containerId: d.containerId, category: d.category as StopCategory, reason: `${error.reason}: ${error.message}` });
        stopDecisions = stopDecisions.filter((_, k) => k !== error.stopIndex);
      }
    }
    tSolve = performance.now();
  }

  // 4. The plan: routes with times, loads, reasons and geometry.
  report(0.85, 'geometry');
  const iso = (s: number): string => new Date(midnightMs + s * 1000).toISOString();
  const routes: PlanRoute[] = [];
  const servedVehicles = new Set<string>();
  const pointOf = (index: number): LngLat => points[index];
  for (const route of solution?.routes ?? []) {
    const slot = slots[route.vehicleIndex];
    const done = doneStops.get(slot.vehicle.id) ?? [];
    const stops: PlanStop[] = done.map((s, k) => ({ ...s, seq: k }));
    for (const visit of route.visits) {
      if (visit.kind === 'start' && done.length > 0) continue;
      const at = pointOf(visit.locationIndex);
      const loadL = visit.loadAfter[0] ?? 0;
      const stop: PlanStop = {
        seq: stops.length,
        kind: visit.kind === 'start' ? 'depot_start' : visit.kind === 'end' ? 'depot_end' : visit.kind === 'stop' ? 'container' : visit.kind,
        containerId: null,
        disposalSiteId: null,
        lng: at.lng,
        lat: at.lat,
        arriveAt: iso(visit.arrivalS),
        departAt: iso(visit.departureS),
        loadAfterL: round1(loadL / slot.compaction),
        loadAfterKg: round1(visit.loadAfter[1] ?? 0),
        why: null,
        doneAt: null,
      };
      if (visit.kind === 'stop' && visit.stopIndex !== undefined) {
        const d = stopDecisions[visit.stopIndex];
        const model = models.get(d.containerId) as FillModel;
        const arrivalMs = midnightMs + visit.arrivalS * 1000;
        const reason = stopReason(d, d.category as StopCategory);
        reason.predictedFillAtArrivalPct = round1(forecaster.predict(model, arrivalMs, nowMs).meanPct);
        stop.containerId = d.containerId;
        stop.why = reason;
      }
      if (visit.kind === 'disposal' && visit.disposalSiteIndex !== undefined) stop.disposalSiteId = sites[visit.disposalSiteIndex].id;
      stops.push(stop);
    }
    servedVehicles.add(slot.vehicle.id);
    routes.push({
      id: `${planId}:${slot.vehicle.id}`,
      vehicleId: slot.vehicle.id,
      startAt: stops[0]?.departAt ?? iso(route.visits[0]?.departureS ?? 0),
      endAt: stops[stops.length - 1]?.arriveAt ?? iso(0),
      distanceM: Math.round(route.distanceM),
      durationS: Math.round(route.durationS),
      stops,
      geometry: null,
    });
  }
  // A truck that drove part of the day and has nothing left (or left service) keeps its driven stops.
  for (const [vehicleId, done] of doneStops) {
    if (servedVehicles.has(vehicleId) || done.length === 0) continue;
    routes.push({
      id: `${planId}:${vehicleId}`,
      vehicleId,
      startAt: done[0].arriveAt,
      endAt: done[done.length - 1].departAt,
      distanceM: 0,
      durationS: 0,
      stops: done.map((s, k) => ({ ...s, seq: k })),
      geometry: null,
    });
  }
  routes.sort((a, b) => a.vehicleId.localeCompare(b.vehicleId));

  if (deps.geometry !== false) {
    for (const route of routes) {
      const path = route.stops.filter((s) => s.lng !== null && s.lat !== null && s.kind !== 'break').map((s) => ({ lng: s.lng as number, lat: s.lat as number }));
      if (path.length < 2) continue;
      try {
        const result = await deps.matrix.route(path, { signal: deps.signal });
        route.geometry = { type: 'LineString', coordinates: result.coordinates };
      } catch {
        // A route without geometry is still a plan; the map draws straight legs.
        route.geometry = null;
      }
    }
  }
  const tGeometry = performance.now();

  for (const u of solution?.unserved ?? []) {
    const d = stopDecisions[u.stopIndex];
    unassigned.push({ containerId: d.containerId, category: d.category as StopCategory, reason: `${u.reason}: ${u.detail}` });
  }

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
    district: input.district,
    fraction: input.fraction,
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
  };
  return {
    plan,
    decisions,
    timings,
    cost: solution?.cost ?? 0,
    matrixFromCache,
    mustMissed: unassigned.filter((u) => u.category !== 'worth').length,
    zones: zones ? { due: dueZone, byContainer: zones } : null,
  };
}

/** Driven stops of the previous plan, by truck, in their order. */
function doneStopsByVehicle(previous: Plan | null): Map<string, PlanStop[]> {
  const out = new Map<string, PlanStop[]>();
  for (const route of previous?.routes ?? []) {
    const done = route.stops.filter((s) => s.doneAt !== null);
    if (done.length > 0) out.set(route.vehicleId, done);
  }
  return out;
}

/** The previous plan's remaining order per truck, as stop indices of the new problem, to start the search from. */
function initialRoutesFrom(previous: Plan | null, slots: readonly VehicleSlot[], stops: readonly Stop[]): number[][] | undefined {
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
      const pinned = stops[k].pin?.vehicleId;
      if (pinned !== undefined && pinned !== slot.vehicle.id) continue;
      used.add(k);
      order.push(k);
    }
    return order;
  });
  return routes.some((r) => r.length > 0) ? routes : undefined;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/**
 * Zone weights: each container's share of the district's work, the rate it
 * fills at (emptyings a day scale with it); a container that has not learned
 * yet counts as the median one.
 */
function zoneWeights(models: ReadonlyMap<string, FillModel>): (id: string) => number {
  const rates = new Map<string, number>();
  for (const [id, model] of models) {
    const rate = meanFillRatePctPerH(model);
    if (rate !== null) rates.set(id, rate);
  }
  const sorted = [...rates.values()].sort((a, b) => a - b);
  const median = sorted.length > 0 ? (sorted[Math.floor(sorted.length / 2)] as number) : 1;
  return (id) => rates.get(id) ?? median;
}

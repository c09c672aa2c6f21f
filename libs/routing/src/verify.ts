import type { RoutingProblem, RoutingSolution, Visit } from './model';

/** Outcome of `verifySolution`. */
export interface VerifyReport {
  /** True when no rule is broken. */
  ok: boolean;
  /** One sentence per broken rule. */
  problems: string[];
  /** Total cost recomputed from the matrices and the reported times. */
  cost: number;
  /** Total distance recomputed from the matrix. */
  distanceM: number;
}

const EPS = 1e-6;

/**
 * Checks a solution against its problem without using the solver: every
 * leg's distance and travel time from the caller's matrices, the reported
 * times (each arrival no earlier than the previous departure plus travel,
 * and the break somewhere on its leg), windows, shift and maximum duration,
 * trip and daily loads, stop limits, equipment, pins and their order, the
 * closing disposal visit, each stop served once, and the reported costs.
 */
export function verifySolution(problem: RoutingProblem, solution: RoutingSolution): VerifyReport {
  const problems: string[] = [];
  const n = problem.locationCount;
  const dims = problem.dimensions?.length ?? 1;
  const sites = problem.disposalSites ?? [];
  const served = new Map<number, number>();
  let totalCost = 0;
  let totalDist = 0;
  const usedVehicles = new Set<number>();

  for (const route of solution.routes) {
    const v = problem.vehicles[route.vehicleIndex];
    const tag = `vehicle ${route.vehicleId}`;
    if (!v || v.id !== route.vehicleId) {
      problems.push(`${tag}: not vehicle index ${route.vehicleIndex}`);
      continue;
    }
    if (usedVehicles.has(route.vehicleIndex)) problems.push(`${tag}: has two routes`);
    usedVehicles.add(route.vehicleIndex);
    const factor = v.durationFactor ?? 1;
    const durations = v.durationProfile ? problem.durationProfiles?.[v.durationProfile] : problem.durations;
    if (!durations) {
      problems.push(`${tag}: unknown duration profile`);
      continue;
    }
    const travel = (a: number, b: number): number => durations[a * n + b] * factor;
    const visits = route.visits;
    if (visits.length < 2 || visits[0].kind !== 'start' || visits[visits.length - 1].kind !== 'end') {
      problems.push(`${tag}: must begin with 'start' and finish with 'end'`);
      continue;
    }
    const startLoc = v.progress ? v.progress.locationIndex : v.startLocationIndex;
    if (visits[0].locationIndex !== startLoc) problems.push(`${tag}: starts at ${visits[0].locationIndex}, not ${startLoc}`);
    if (visits[visits.length - 1].locationIndex !== v.endLocationIndex) problems.push(`${tag}: ends at ${visits[visits.length - 1].locationIndex}, not ${v.endLocationIndex}`);
    const leave = visits[0].departureS;
    const earliest = v.progress ? v.progress.timeS : (v.shift?.startS ?? -Infinity);
    if (leave < earliest - EPS) problems.push(`${tag}: leaves at ${leave}, before ${earliest}`);

    const load = (v.progress?.load ?? new Array<number>(dims).fill(0)).slice();
    const daily = (v.progress?.collectedToday ?? new Array<number>(dims).fill(0)).map((x, k) => Math.max(x, load[k]));
    let stopsServed = v.progress?.stopsServed ?? 0;
    let dist = 0;
    let prev: Visit = visits[0];
    let breaks = 0;
    let pendingBreak: Visit | null = null;
    let lastLocatedKind: Visit['kind'] = 'start';
    let pinnedRank = -Infinity;
    for (let i = 1; i < visits.length; i++) {
      const visit = visits[i];
      if (visit.kind === 'start') problems.push(`${tag}: a second 'start'`);
      if (visit.kind === 'break') {
        breaks++;
        if (!v.break) problems.push(`${tag}: takes a break it does not have`);
        else {
          if (visit.startS < v.break.window.startS - EPS || visit.startS > v.break.window.endS + EPS) problems.push(`${tag}: break starts at ${visit.startS}, outside its window`);
          if (Math.abs(visit.departureS - visit.startS - v.break.durationS) > EPS) problems.push(`${tag}: break is not ${v.break.durationS} s long`);
          if (visit.startS < prev.departureS - EPS) problems.push(`${tag}: break starts before leaving the previous visit`);
        }
        pendingBreak = visit;
        continue;
      }
      // A located visit: travel from the previous located visit.
      const legDist = problem.distances[prev.locationIndex * n + visit.locationIndex];
      const legTime = travel(prev.locationIndex, visit.locationIndex);
      dist += legDist;
      if (Math.abs(legDist - visit.distanceFromPreviousM) > EPS * Math.max(1, legDist)) problems.push(`${tag}: visit ${i} reports ${visit.distanceFromPreviousM} m from the previous, matrix says ${legDist}`);
      let ready = prev.departureS + legTime;
      if (pendingBreak) {
        ready = Math.max(prev.departureS + legTime + pendingBreak.departureS - pendingBreak.startS, pendingBreak.departureS);
        pendingBreak = null;
      }
      if (visit.arrivalS < ready - EPS) problems.push(`${tag}: visit ${i} arrives at ${visit.arrivalS}, cannot before ${ready}`);
      if (visit.startS < visit.arrivalS - EPS) problems.push(`${tag}: visit ${i} starts before it arrives`);
      let window: { startS: number; endS: number } | undefined;
      let service = 0;
      if (visit.kind === 'stop') {
        const c = visit.stopIndex ?? -1;
        const stop = problem.stops[c];
        if (!stop) {
          problems.push(`${tag}: visit ${i} names no stop`);
          continue;
        }
        if (stop.locationIndex !== visit.locationIndex) problems.push(`${tag}: stop ${stop.id} is at ${stop.locationIndex}, not ${visit.locationIndex}`);
        served.set(c, (served.get(c) ?? 0) + 1);
        window = stop.timeWindow;
        service = stop.serviceTimeS ?? 0;
        const equipment = new Set(v.equipment ?? []);
        for (const tagNeeded of stop.requiredEquipment ?? []) if (!equipment.has(tagNeeded)) problems.push(`${tag}: lacks ${tagNeeded} for stop ${stop.id}`);
        if (stop.pin && stop.pin.vehicleId !== v.id) problems.push(`${tag}: serves stop ${stop.id}, pinned to ${stop.pin.vehicleId}`);
        if (stop.pin?.sequence !== undefined) {
          if (stop.pin.sequence < pinnedRank) problems.push(`${tag}: serves pinned stop ${stop.id} out of order`);
          pinnedRank = stop.pin.sequence;
        }
        const demand = stop.demand ?? new Array<number>(dims).fill(0);
        for (let k = 0; k < dims; k++) {
          load[k] += demand[k];
          daily[k] += demand[k];
          if (load[k] > v.capacity[k] + EPS) problems.push(`${tag}: carries ${load[k]} in dimension ${k} after stop ${stop.id}, capacity ${v.capacity[k]}`);
          if (v.routeCapacity && daily[k] > v.routeCapacity[k] + EPS) problems.push(`${tag}: collects ${daily[k]} in dimension ${k} by stop ${stop.id}, daily limit ${v.routeCapacity[k]}`);
        }
        stopsServed++;
        if (v.maxStops !== undefined && stopsServed > v.maxStops) problems.push(`${tag}: serves more than ${v.maxStops} stops`);
      } else if (visit.kind === 'disposal') {
        const s = visit.disposalSiteIndex ?? -1;
        const site = sites[s];
        if (!site) {
          problems.push(`${tag}: visit ${i} names no disposal site`);
          continue;
        }
        if (v.disposalSiteIndices && !v.disposalSiteIndices.includes(s)) problems.push(`${tag}: may not unload at ${site.id}`);
        if (site.locationIndex !== visit.locationIndex) problems.push(`${tag}: disposal site ${site.id} is elsewhere`);
        window = site.openingWindow;
        service = site.serviceTimeS ?? 0;
        load.fill(0);
      } else if (visit.kind === 'end') {
        window = v.shift ? { startS: -Infinity, endS: v.shift.endS } : undefined;
        if (i !== visits.length - 1) problems.push(`${tag}: 'end' before the last visit`);
      }
      if (window && (visit.startS < window.startS - EPS || visit.startS > window.endS + EPS)) {
        problems.push(`${tag}: visit ${i} (${visit.kind}) starts at ${visit.startS}, outside [${window.startS}, ${window.endS}]`);
      }
      if (Math.abs(visit.departureS - visit.startS - service) > EPS) problems.push(`${tag}: visit ${i} departs ${visit.departureS - visit.startS} s after it starts, service is ${service}`);
      for (let k = 0; k < dims; k++) {
        if (Math.abs((visit.loadAfter[k] ?? NaN) - load[k]) > EPS) problems.push(`${tag}: visit ${i} reports load ${visit.loadAfter[k]}, it is ${load[k]}`);
      }
      if (visit.kind !== 'end') lastLocatedKind = visit.kind;
      prev = visit;
    }
    const end = visits[visits.length - 1];
    const duration = end.arrivalS - leave;
    if (v.maxDurationS !== undefined) {
      const used = v.progress ? v.progress.timeS - (v.progress.startedAtS ?? v.shift?.startS ?? v.progress.timeS) : 0;
      if (duration + used > v.maxDurationS + EPS) problems.push(`${tag}: lasts ${duration + used} s, more than ${v.maxDurationS}`);
    }
    const needsBreak = v.break && !v.progress?.breakTaken;
    if (needsBreak && breaks !== 1) problems.push(`${tag}: takes ${breaks} breaks, needs 1`);
    if (!needsBreak && breaks > 0) problems.push(`${tag}: takes a break it should not`);
    const stopsOnRoute = visits.filter((x) => x.kind === 'stop').length;
    const mustUnload = v.endWithDisposal ?? sites.length > 0;
    if (mustUnload && stopsOnRoute > 0 && lastLocatedKind !== 'disposal') problems.push(`${tag}: does not unload before the end`);
    const cost = (stopsOnRoute > 0 || v.progress ? (v.fixedCost ?? 0) : 0) + (v.costPerDistanceM ?? 1) * dist + (v.costPerDurationS ?? 0) * duration;
    if (Math.abs(cost - route.cost) > 1e-6 * Math.max(1, Math.abs(cost))) problems.push(`${tag}: reports cost ${route.cost}, it is ${cost}`);
    if (Math.abs(dist - route.distanceM) > 1e-6 * Math.max(1, dist)) problems.push(`${tag}: reports ${route.distanceM} m, it is ${dist}`);
    totalCost += cost;
    totalDist += dist;
  }
  const dropped = new Set(solution.droppedOptional);
  const unserved = new Set(solution.unserved.map((u) => u.stopIndex));
  problem.stops.forEach((stop, c) => {
    const times = served.get(c) ?? 0;
    if (times > 1) problems.push(`stop ${stop.id} served ${times} times`);
    if (times === 0) {
      if (stop.prize !== undefined && !dropped.has(c)) problems.push(`optional stop ${stop.id} neither served nor listed as dropped`);
      if (stop.prize === undefined && !unserved.has(c)) problems.push(`mandatory stop ${stop.id} neither served nor listed as unserved`);
    }
    if (times > 0 && (dropped.has(c) || unserved.has(c))) problems.push(`stop ${stop.id} served and listed as left out`);
  });
  if (Math.abs(totalCost - solution.cost) > 1e-6 * Math.max(1, Math.abs(totalCost))) problems.push(`solution reports cost ${solution.cost}, it is ${totalCost}`);
  return { ok: problems.length === 0, problems, cost: totalCost, distanceM: totalDist };
}

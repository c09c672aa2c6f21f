/**
 * Builds the solver's problem from a benchmark instance, and turns the
 * solver's solution back into benchmark routes for the checker.
 */
import type { RoutingProblem, RoutingSolution, Stop, Vehicle } from '@vulgraad/routing';
import { type BenchInstance, type BenchRoute, distanceOf } from './formats';

/** Choices that are not in the instance file. */
export interface ConvertOptions {
  /** Number of vehicles offered to the solver (default: the file's fleet, else a generous bound). */
  fleet?: number;
  /** Fixed cost per used vehicle (Kim et al.: fewer vehicles first). */
  fixedCost?: number;
}

/** Default fixed cost per vehicle for the waste instances, in miles: fewer trucks matter more than a few miles. */
export const KIM_FIXED_COST = 1000;

/**
 * The fleet bound used when the file sets none (HGS-CVRP's rule for CVRP; for
 * waste instances twice the obvious bound, the larger of the daily load limit
 * and the service time alone over a working day: 1932_stop needs at least 13
 * trucks for its 157.6 hours of service, while its loads fit in 7).
 */
export function defaultFleet(inst: BenchInstance): number {
  let total = 0;
  for (const c of inst.customers) total += inst.demand[c];
  if (inst.format === 'kim') {
    let byDay = inst.routeCapacity ? total / inst.routeCapacity : 1;
    const dayS = inst.twEnd[inst.depot] - inst.twStart[inst.depot] - (inst.breakDurationS ?? 0);
    if (dayS > 0) {
      let service = 0;
      for (const c of inst.customers) service += inst.service[c];
      byDay = Math.max(byDay, service / dayS);
    }
    return Math.max(2, Math.ceil(2 * byDay) + 3);
  }
  if (inst.vehicles) return inst.vehicles;
  return Math.ceil((1.3 * total) / Math.max(inst.capacity, 1e-9)) + 3;
}

/** The solver's problem for a benchmark instance. */
export function toProblem(inst: BenchInstance, options: ConvertOptions = {}): RoutingProblem {
  const { n } = inst;
  const distances = new Float64Array(n * n);
  const durations = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = i === j ? 0 : distanceOf(inst, i, j);
      distances[i * n + j] = d;
      durations[i * n + j] = d * inst.timePerDistance;
    }
  }
  const timed = inst.hasTimeWindows || inst.format === 'kim' || inst.maxRouteLength !== undefined;
  const stops: Stop[] = inst.customers.map((loc) => {
    const stop: Stop = { id: inst.labels?.[loc] ?? String(loc), locationIndex: loc, demand: [inst.demand[loc]] };
    if (timed) stop.serviceTimeS = inst.service[loc];
    if (inst.hasTimeWindows) stop.timeWindow = { startS: inst.twStart[loc], endS: inst.twEnd[loc] };
    return stop;
  });
  const fleet = options.fleet ?? defaultFleet(inst);
  const vehicles: Vehicle[] = [];
  for (let v = 0; v < fleet; v++) {
    const vehicle: Vehicle = {
      id: `v${v + 1}`,
      startLocationIndex: inst.depot,
      endLocationIndex: inst.depot,
      capacity: [inst.capacity],
    };
    if (inst.hasTimeWindows || inst.format === 'kim') vehicle.shift = { startS: inst.twStart[inst.depot], endS: inst.twEnd[inst.depot] };
    if (inst.maxRouteLength !== undefined) vehicle.maxDurationS = inst.maxRouteLength;
    if (inst.format === 'kim') {
      vehicle.routeCapacity = [inst.routeCapacity ?? Number.MAX_SAFE_INTEGER];
      vehicle.maxStops = inst.maxStops;
      vehicle.fixedCost = options.fixedCost ?? KIM_FIXED_COST;
      if (inst.breakDurationS && inst.breakWindow) {
        vehicle.break = { durationS: inst.breakDurationS, window: { startS: inst.breakWindow[0], endS: inst.breakWindow[1] } };
      }
      vehicle.endWithDisposal = true;
    } else if (options.fixedCost) {
      vehicle.fixedCost = options.fixedCost;
    }
    vehicles.push(vehicle);
  }
  const problem: RoutingProblem = { locationCount: n, distances, durations, vehicles, stops };
  if (inst.disposalSites.length > 0) {
    problem.disposalSites = inst.disposalSites.map((loc) => ({
      id: inst.labels?.[loc] ?? String(loc),
      locationIndex: loc,
      serviceTimeS: inst.service[loc],
      openingWindow: { startS: inst.twStart[loc], endS: inst.twEnd[loc] },
    }));
  }
  const coords = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    coords[2 * i] = inst.x[i];
    coords[2 * i + 1] = inst.y[i];
  }
  problem.coordinates = coords;
  return problem;
}

/** The solver's routes as benchmark routes (visits by location). */
export function toBenchRoutes(problem: RoutingProblem, solution: RoutingSolution): BenchRoute[] {
  return solution.routes.map((route) => {
    const visits: BenchRoute['visits'] = [];
    for (const visit of route.visits) {
      if (visit.kind === 'stop' && visit.stopIndex !== undefined) visits.push({ kind: 'stop', loc: problem.stops[visit.stopIndex].locationIndex });
      else if (visit.kind === 'disposal') visits.push({ kind: 'disposal', loc: visit.locationIndex });
      else if (visit.kind === 'break') visits.push({ kind: 'break', loc: visit.locationIndex });
    }
    return { visits, departS: route.visits[0]?.departureS };
  });
}

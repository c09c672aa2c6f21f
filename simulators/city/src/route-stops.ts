import type { CityContainer } from '@vulgraad/city-model';
import { wallClockS } from '@vulgraad/planning';
import { InfeasibleProblemError, solve, type RoutingProblem, type Stop, type Vehicle } from '@vulgraad/routing';
import { plannedShiftEndMin, tripCapacity, type PlanningUnit, type SimSetup } from './setups/setup';
import type { RouteAction, RoutePlan } from './truck';

/** A container a policy wants emptied, with the loose litres it expects to find. */
export interface StopRequest {
  container: CityContainer;
  expectedL: number;
}

/** Routes for a day and what could not be placed. */
export interface RoutedDay {
  routes: RoutePlan[];
  /** Containers the solver could not fit in the trucks' day (or refused), with the reason. */
  unassigned: Array<{ containerId: string; reason: string }>;
  plannedDistanceM: number;
  solveMs: number;
}

/** Capacity the solver may use for "unlimited": large, finite (the solver adds and compares loads). */
const UNLIMITED = 1e12;

/**
 * Routes a chosen set of containers as mandatory stops with our solver and
 * the same truck model, shift and matrix as the planner, minimising distance
 * (the study routed its baseline for distance with PyVRP). Used by the
 * practice and fixed-schedule policies.
 */
export async function routeStops(setup: SimSetup, unit: PlanningUnit, requests: readonly StopRequest[], options: { maxIterations: number; seed: number; shiftDate: string }): Promise<RoutedDay> {
  const started = performance.now();
  if (requests.length === 0) return { routes: [], unassigned: [], plannedDistanceM: 0, solveMs: 0 };
  const points = [unit.depot, ...(unit.disposal ? [unit.disposal] : []), ...requests.map((r) => r.container)];
  const matrix = await setup.matrix.matrix(points);
  const firstStop = unit.disposal ? 2 : 1;
  const locationOf = new Map(requests.map((r, k) => [r.container.id, firstStop + k]));
  const capacity = tripCapacity(setup.truck);
  const density = setup.truck.densityKgPerL;
  const shift = setup.shift;
  const shiftEndMin = plannedShiftEndMin(shift);
  // Seconds since local midnight: not minutes * 60 on a day the clocks change.
  const wallS = wallClockS(options.shiftDate, setup.model.timezone);
  const vehicles: Vehicle[] = unit.truckIds.map((id) => {
    const v: Vehicle = {
      id,
      startLocationIndex: 0,
      endLocationIndex: 0,
      capacity: [finiteOr(capacity.looseL), finiteOr(capacity.kg)],
      shift: { startS: wallS(shift.startMin), endS: wallS(shiftEndMin) },
      costPerDistanceM: 1,
      costPerDurationS: 0,
      disposalSiteIndices: unit.disposal ? [0] : [],
      endWithDisposal: unit.disposal !== null,
    };
    if (shift.breaks.kind === 'planner') {
      // The window planShift gives its trucks, so both kinds of plan carry the same break.
      const middle = (wallS(shift.startMin) + wallS(shiftEndMin)) / 2;
      v.break = { durationS: shift.breaks.durationMin * 60, window: { startS: middle - 5400, endS: middle + 3600 } };
    }
    return v;
  });
  let active = [...requests];
  const unassigned: RoutedDay['unassigned'] = [];
  for (;;) {
    const stops: Stop[] = active.map((r) => {
      const c = r.container;
      const loadL = Math.min(Math.max(0, r.expectedL), c.volumeL);
      const stop: Stop = { id: c.id, locationIndex: locationOf.get(c.id) as number, demand: [loadL, loadL * density], serviceTimeS: setup.serviceTimeS(c) };
      if (c.accessWindow) stop.timeWindow = { startS: wallS(c.accessWindow.fromMin), endS: wallS(c.accessWindow.toMin) };
      return stop;
    });
    const problem: RoutingProblem = {
      locationCount: matrix.n,
      distances: matrix.distancesM,
      durations: matrix.durationsS,
      dimensions: ['litres', 'kg'],
      vehicles,
      stops,
      disposalSites: unit.disposal ? [{ id: unit.disposal.id, locationIndex: 1, serviceTimeS: setup.truck.unloadS }] : [],
    };
    try {
      const solution = solve(problem, { seed: options.seed, maxIterations: options.maxIterations });
      const routes: RoutePlan[] = solution.routes.map((route) => {
        const actions: RouteAction[] = [];
        for (const visit of route.visits) {
          if (visit.kind === 'stop' && visit.stopIndex !== undefined) actions.push({ kind: 'container', containerId: (active[visit.stopIndex] as StopRequest).container.id });
          else if (visit.kind === 'disposal') actions.push({ kind: 'disposal' });
        }
        return { truckId: route.vehicleId, actions };
      });
      for (const u of solution.unserved) unassigned.push({ containerId: u.stopId, reason: `${u.reason}: ${u.detail}` });
      return { routes, unassigned, plannedDistanceM: solution.distanceM, solveMs: performance.now() - started };
    } catch (error) {
      if (!(error instanceof InfeasibleProblemError) || error.stopIndex === undefined) throw error;
      const refused = active[error.stopIndex] as StopRequest;
      unassigned.push({ containerId: refused.container.id, reason: `${error.reason}: ${error.message}` });
      active = active.filter((_, k) => k !== error.stopIndex);
      if (active.length === 0) return { routes: [], unassigned, plannedDistanceM: 0, solveMs: performance.now() - started };
    }
  }
}

const finiteOr = (value: number): number => (Number.isFinite(value) ? value : UNLIMITED);

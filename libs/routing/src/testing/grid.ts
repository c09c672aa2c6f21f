import type { RoutingProblem, Stop, Vehicle } from '../model';

/** Points on a plane; distances are Euclidean metres, durations metres / speed. */
export interface GridOptions {
  points: Array<[number, number]>;
  /** Metres per second (default 1: a duration equals the distance). */
  speed?: number;
  /** Replace single cells: [from, to, metres, seconds]. */
  overrides?: Array<[number, number, number, number]>;
}

/** Builds the matrices of a small hand-made problem. */
export function gridMatrices(options: GridOptions): Pick<RoutingProblem, 'locationCount' | 'distances' | 'durations'> {
  const n = options.points.length;
  const speed = options.speed ?? 1;
  const distances = new Float64Array(n * n);
  const durations = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const [x1, y1] = options.points[i];
      const [x2, y2] = options.points[j];
      const d = Math.round(Math.hypot(x1 - x2, y1 - y2));
      distances[i * n + j] = d;
      durations[i * n + j] = d / speed;
    }
  }
  for (const [i, j, d, t] of options.overrides ?? []) {
    distances[i * n + j] = d;
    durations[i * n + j] = t;
  }
  return { locationCount: n, distances, durations };
}

/** A vehicle based at location 0 with the given capacity. */
export function truck(id: string, capacity: number[], extra: Partial<Vehicle> = {}): Vehicle {
  return { id, startLocationIndex: 0, endLocationIndex: 0, capacity, ...extra };
}

/** A stop at location `loc` with id `s<loc>`. */
export function stopAt(loc: number, demand: number[], extra: Partial<Stop> = {}): Stop {
  return { id: `s${loc}`, locationIndex: loc, demand, ...extra };
}

/** Stops visited by each route, as stop ids in order. */
export function stopIdsByRoute(problem: RoutingProblem, solution: { routes: Array<{ vehicleId: string; visits: Array<{ kind: string; stopIndex?: number }> }> }): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const route of solution.routes) {
    out[route.vehicleId] = route.visits.filter((v) => v.kind === 'stop').map((v) => problem.stops[v.stopIndex ?? -1].id);
  }
  return out;
}

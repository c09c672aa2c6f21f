import type { InfeasibleReason, RoutingProblem, RoutingSolution, SolveOptions } from '@vulgraad/routing';

/** The solve options that cross the thread boundary (no callbacks, no signal). */
export type PortableSolveOptions = Pick<SolveOptions, 'seed' | 'timeLimitMs' | 'maxIterations' | 'maxIterationsWithoutImprovement' | 'initialRoutes'>;

export interface SolveRequest {
  id: number;
  problem: RoutingProblem;
  options: PortableSolveOptions;
  /** A SharedArrayBuffer of one Int32: 1 = stop the search and return the best so far. */
  stopFlag: SharedArrayBuffer;
}

export type SolveReply =
  | { id: number; ok: true; solution: RoutingSolution }
  | {
      id: number;
      ok: false;
      error:
        | { kind: 'infeasible'; reason: InfeasibleReason; message: string; stopIndex?: number; stopId?: string; field?: string }
        | { kind: 'other'; message: string };
    };

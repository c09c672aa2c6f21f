import type { InfeasibleReason } from '../errors';
import type { RoutingProblem, RoutingSolution, SolveOptions } from '../model';

/** The solve options that cross the thread boundary (no callbacks, no signal). */
export type PortableSolveOptions = Omit<SolveOptions, 'onProgress' | 'signal'>;

/** A problem for the solver's thread. */
export interface SolveRequest {
  id: number;
  problem: RoutingProblem;
  options: PortableSolveOptions;
  /** A SharedArrayBuffer of one Int32: 1 = stop the search and answer with the best so far. */
  stopFlag: SharedArrayBuffer;
  /** Send `progress` messages while searching. */
  progress: boolean;
}

/** Messages from the solver's thread about the request `id`. */
export type WorkerMessage = { id: number } & (
  | { type: 'progress'; bestCost: number; elapsedMs: number }
  | { type: 'result'; solution: RoutingSolution }
  | { type: 'infeasible'; reason: InfeasibleReason; message: string; stopIndex?: number; stopId?: string; field?: string }
  | { type: 'failed'; message: string }
);

/** Messages to the solver's process: a problem, or stop the search of request `id` and answer with the best so far. */
export type ProcessRequest =
  | { type: 'solve'; id: number; problem: RoutingProblem; options: PortableSolveOptions; progress: boolean }
  | { type: 'stop'; id: number };

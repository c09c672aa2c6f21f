import type { InfeasibleReason } from '../errors';
import type { RoutingSolution } from '../model';

/** Messages from the solver's worker thread to the caller. */
export type WorkerMessage =
  | { type: 'progress'; bestCost: number; elapsedMs: number }
  | { type: 'result'; solution: RoutingSolution }
  | { type: 'infeasible'; reason: InfeasibleReason; message: string; stopIndex?: number; stopId?: string; field?: string }
  | { type: 'failed'; message: string };

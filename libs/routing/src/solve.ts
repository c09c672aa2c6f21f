import { HybridGeneticSearch, type SolverParams } from './hgs';
import { compileProblem } from './instance';
import { LocalSearch } from './local-search';
import type { RoutingProblem, RoutingSolution, SolveOptions, UnservedStop } from './model';
import { buildSolution } from './output';
import { Rng } from './rng';

/** Default time limit when neither a time nor an iteration limit is given. */
export const DEFAULT_TIME_LIMIT_MS = 10_000;

/** Internal extras of `solve`, used by the worker wrapper and the benchmarks. */
export interface SolveInternals {
  /** Checked like `signal.aborted` (the worker's shared stop flag). */
  shouldStop?: () => boolean;
  /** Search parameters. */
  params?: Partial<SolverParams>;
  /** Neighbours per stop in the granular neighbourhood (default 20). */
  granular?: number;
  /** Milliseconds source the time limit is measured on (default: wall clock; benchmarks pass CPU time). */
  clock?: () => number;
}

/**
 * Solves a routing problem: validates it (throws InfeasibleProblemError
 * naming the stop at fault), runs the hybrid genetic search until a limit,
 * the signal, or stagnation stops it, and returns the best solution found.
 * Deterministic for a seed under an iteration limit. Synchronous and CPU
 * bound: call `solveInWorker` to keep an event loop free.
 */
export function solve(problem: RoutingProblem, options: SolveOptions = {}, internals: SolveInternals = {}): RoutingSolution {
  const inst = compileProblem(problem, internals.granular);
  const seed = (options.seed ?? 1) >>> 0;
  const noLimits = options.timeLimitMs === undefined && options.maxIterations === undefined;
  const timeLimitMs = options.timeLimitMs ?? (noLimits ? DEFAULT_TIME_LIMIT_MS : Infinity);
  let maxIterations = options.maxIterations ?? Infinity;
  if (inst.nC === 0) maxIterations = 0;
  const signal = options.signal;
  const shouldStop = (): boolean => (signal?.aborted ?? false) || (internals.shouldStop?.() ?? false);
  const hgs = new HybridGeneticSearch(
    inst,
    {
      seed,
      timeLimitMs,
      maxIterations,
      onProgress: options.onProgress,
      shouldStop,
      initialRoutes: options.initialRoutes,
      maxIterationsWithoutImprovement: options.maxIterationsWithoutImprovement,
      clock: internals.clock,
    },
    internals.params,
  );
  const result = hgs.run();
  const ls = new LocalSearch(inst, new Rng(seed ^ 0x5bd1e995));
  let routes = result.best.routes;
  const reasons = new Map<number, UnservedStop['reason']>();
  if (!result.best.feasible || result.best.fig.missedMandatory > 0) {
    ls.load(routes);
    const dropped = ls.dropUntilFeasible();
    routes = ls.export();
    ls.load(routes);
    for (const c of dropped) reasons.set(c, ls.diagnoseInsertion(c));
  }
  return buildSolution(inst, ls, routes, reasons, {
    seed,
    iterations: result.iterations,
    elapsedMs: result.elapsedMs,
    stoppedBy: result.stoppedBy,
  });
}

import { HybridGeneticSearch, type SolverParams } from './hgs';
import { diagnoseInsertion, dropUntilFeasible } from './diagnostics';
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
  const fig = result.best.fig;
  if (fig.loadExcess > 1e-9 || fig.timeWarp > 1e-9) {
    // No feasible solution in time: take stops out until it is (the rare, slow path).
    ls.load(routes);
    dropUntilFeasible(ls);
    routes = ls.export();
  }
  if (fig.missedMandatory > 0 || fig.loadExcess > 1e-9 || fig.timeWarp > 1e-9) {
    ls.load(routes);
    ls.segs.penLoad = 1e6;
    ls.segs.penTW = 1e6;
    ls.refreshCosts();
    for (let c = 0; c < inst.nC; c++) if (!inst.cOptional[c] && ls.routeOf[c] === -1) reasons.set(c, diagnoseInsertion(ls, c));
  }
  return buildSolution(inst, ls, routes, reasons, {
    seed,
    iterations: result.iterations,
    elapsedMs: result.elapsedMs,
    stoppedBy: result.stoppedBy,
  });
}

import type { RoutingProblem, RoutingSolution, SolveOptions } from '../model';
import { SolverWorker } from './solver-worker';

/**
 * Runs one `solve` in a solver's process of its own, closed when it answers
 * (see SolverWorker, which keeps one process for many solves and is what a
 * process that plans repeatedly should hold).
 */
export async function solveInWorker(problem: RoutingProblem, options: SolveOptions = {}): Promise<RoutingSolution> {
  const worker = new SolverWorker();
  try {
    return await worker.solve(problem, options);
  } finally {
    await worker.close();
  }
}

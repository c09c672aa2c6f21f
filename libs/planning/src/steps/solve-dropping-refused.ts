import type { Plan, StopCategory } from '@vulgraad/contracts';
import { InfeasibleProblemError, type RoutingProblem, type RoutingSolution, type SolveOptions } from '@vulgraad/routing';
import { isMustLike } from '../select';
import type { ContainerDecision, SolveFn } from '../types';

/** How many stops the planner drops one by one when the solver refuses a problem because of one stop. */
export const MAX_REFUSED_STOPS = 50;

/**
 * Step 4, solve: hands the problem to the solver; a stop the solver refuses
 * before searching (`InfeasibleProblemError` naming a stop, e.g. demand over
 * every truck's capacity) is taken out and reported with the reason, and the
 * rest is solved again. Returns the solution and the decisions its stop
 * indices refer to.
 */
export async function solveDroppingRefused(args: {
  decisions: readonly ContainerDecision[];
  problemOf: (decisions: readonly ContainerDecision[]) => RoutingProblem;
  solve: SolveFn;
  options: (problem: RoutingProblem) => SolveOptions;
}): Promise<{ solution: RoutingSolution | null; decisions: ContainerDecision[]; unassigned: Plan['unassigned'] }> {
  let decisions = [...args.decisions];
  const unassigned: Plan['unassigned'] = [];
  for (let refused = 0; decisions.length > 0; refused++) {
    const problem = args.problemOf(decisions);
    try {
      return { solution: await args.solve(problem, args.options(problem)), decisions, unassigned };
    } catch (error) {
      if (!(error instanceof InfeasibleProblemError) || error.stopIndex === undefined || refused >= MAX_REFUSED_STOPS) throw error;
      const d = decisions[error.stopIndex] as ContainerDecision;
      if (isMustLike(d)) unassigned.push({ containerId: d.containerId, category: d.category as StopCategory, reason: `${error.reason}: ${error.message}` });
      decisions = decisions.filter((_, k) => k !== error.stopIndex);
    }
  }
  return { solution: null, decisions, unassigned };
}

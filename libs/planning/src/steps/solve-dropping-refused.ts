import type { Plan, StopCategory } from '@vulgraad/contracts';
import { InfeasibleProblemError, verifySolution, type RoutingProblem, type RoutingSolution, type SolveOptions } from '@vulgraad/routing';
import { isMustLike } from '../select';
import type { ContainerDecision, SolveFn } from '../types';

/** How many stops the planner drops one by one when the solver refuses a problem because of one stop. */
export const MAX_REFUSED_STOPS = 50;

/**
 * Step 4, solve: hands the problem to the solver; a stop the solver refuses
 * before searching (`InfeasibleProblemError` naming a stop, e.g. demand over
 * every truck's capacity) is taken out and reported with the reason, and the
 * rest is solved again. A solution the solver could not make feasible in its
 * time is not passed on as it is: its broken routes are withdrawn (see
 * `withdrawBrokenRoutes`). Returns the solution and the decisions its stop
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
    let solution: RoutingSolution;
    try {
      solution = await args.solve(problem, args.options(problem));
    } catch (error) {
      if (!(error instanceof InfeasibleProblemError) || error.stopIndex === undefined || refused >= MAX_REFUSED_STOPS) throw error;
      const d = decisions[error.stopIndex] as ContainerDecision;
      if (isMustLike(d)) unassigned.push({ containerId: d.containerId, category: d.category as StopCategory, reason: `${error.reason}: ${error.message}` });
      decisions = decisions.filter((_, k) => k !== error.stopIndex);
      continue;
    }
    if (solution.feasible) return { solution, decisions, unassigned };
    const kept = withdrawBrokenRoutes(problem, solution, decisions);
    return { solution: kept.solution, decisions, unassigned: [...unassigned, ...kept.unassigned] };
  }
  return { solution: null, decisions, unassigned };
}

/**
 * A published route must be drivable: within its truck's shift, its windows
 * and its capacity. When the solver's best solution is not (a short time
 * budget on a busy machine, or a rule no order of stops can meet), each
 * route the independent check faults is left out of the plan, and every
 * container it would have served is listed as unassigned with the reason;
 * the truck keeps its driven stops and the next plan tries again.
 */
export function withdrawBrokenRoutes(
  problem: RoutingProblem,
  solution: RoutingSolution,
  decisions: readonly ContainerDecision[],
): { solution: RoutingSolution; unassigned: Plan['unassigned'] } {
  const { problems } = verifySolution(problem, solution);
  const unassigned: Plan['unassigned'] = [];
  const routes = solution.routes.filter((route) => {
    const fault = problems.find((p) => p.startsWith(`vehicle ${route.vehicleId}: `));
    if (fault === undefined) return true;
    for (const visit of route.visits) {
      if (visit.kind !== 'stop' || visit.stopIndex === undefined) continue;
      const d = decisions[visit.stopIndex] as ContainerDecision;
      unassigned.push({
        containerId: d.containerId,
        category: d.category as StopCategory,
        reason: `no_drivable_route: no route for ${route.vehicleId} within its shift, windows and capacity was found in the time given (${fault.slice(`vehicle ${route.vehicleId}: `.length)}), so it is left out`,
      });
    }
    return false;
  });
  if (routes.length === solution.routes.length) return { solution, unassigned };
  const sum = (f: (r: RoutingSolution['routes'][number]) => number): number => routes.reduce((s, r) => s + f(r), 0);
  const cost = sum((r) => r.cost);
  return {
    solution: { ...solution, routes, cost, objective: solution.objective - solution.cost + cost, distanceM: sum((r) => r.distanceM), durationS: sum((r) => r.durationS) },
    unassigned,
  };
}

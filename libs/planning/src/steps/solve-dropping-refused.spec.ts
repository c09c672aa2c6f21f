import { InfeasibleProblemError, type RoutingProblem, type RoutingSolution } from '@vulgraad/routing';
import type { ContainerDecision } from '../types';
import { solveDroppingRefused } from './solve-dropping-refused';

const decision = (containerId: string, category: ContainerDecision['category']): ContainerDecision => ({
  containerId, category, why: { fillNowPct: 50, predictedFillAtArrivalPct: null, overflowRisk: 0.5, plannerDecision: null, fromHistoryOnly: false }, prize: null, demandL: 100, demandKg: 10,
});
const problemOf = (decisions: readonly ContainerDecision[]): RoutingProblem =>
  ({ stops: decisions.map((d) => ({ id: d.containerId })) }) as unknown as RoutingProblem;
const solution = { routes: [], cost: 0, unserved: [] } as unknown as RoutingSolution;

describe(solveDroppingRefused.name, () => {
  it('takes out a stop the solver refuses, reports a must with the reason, and solves the rest', async () => {
    const seen: string[][] = [];
    const sut = await solveDroppingRefused({
      decisions: [decision('a', 'must'), decision('b', 'must'), decision('c', 'worth')],
      problemOf,
      options: () => ({}),
      solve: (problem) => {
        seen.push(problem.stops.map((s) => s.id));
        const too = problem.stops.findIndex((s) => s.id === 'b' || s.id === 'c');
        if (too >= 0) throw new InfeasibleProblemError('demand_exceeds_capacity', `stop ${problem.stops[too]?.id} is larger than every truck`, too);
        return solution;
      },
    });
    expect(seen).toEqual([['a', 'b', 'c'], ['a', 'c'], ['a']]);
    expect(sut.decisions.map((d) => d.containerId)).toEqual(['a']);
    expect(sut.unassigned).toEqual([{ containerId: 'b', category: 'must', reason: 'demand_exceeds_capacity: stop b is larger than every truck' }]);
    expect(sut.solution).toBe(solution);
  });

  it('passes on an error that names no stop', async () => {
    const failing = solveDroppingRefused({
      decisions: [decision('a', 'must')], problemOf, options: () => ({}),
      solve: () => {
        throw new InfeasibleProblemError('invalid_input', 'no vehicles');
      },
    });
    await expect(failing).rejects.toThrow('no vehicles');
  });
});

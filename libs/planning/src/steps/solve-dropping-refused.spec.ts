import { InfeasibleProblemError, solve, verifySolution, type RoutingProblem, type RoutingSolution } from '@vulgraad/routing';
import type { ContainerDecision } from '../types';
import { solveDroppingRefused } from './solve-dropping-refused';

const decision = (containerId: string, category: ContainerDecision['category']): ContainerDecision => ({
  containerId, category, why: { fillNowPct: 50, predictedFillAtArrivalPct: null, overflowRisk: 0.5, plannerDecision: null, fromHistoryOnly: false }, prize: null, demandL: 100, demandKg: 10,
});
const problemOf = (decisions: readonly ContainerDecision[]): RoutingProblem =>
  ({ stops: decisions.map((d) => ({ id: d.containerId })) }) as unknown as RoutingProblem;
const solution = { routes: [], cost: 0, unserved: [], feasible: true } as unknown as RoutingSolution;

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

describe('solveDroppingRefused on a solution that breaks a rule', () => {
  // Three places 100 s apart; the truck may leave at 500, but its break had to start by 100: no order of stops is drivable.
  const problem: RoutingProblem = {
    locationCount: 3,
    distances: Float64Array.from([0, 1000, 1000, 1000, 0, 1000, 1000, 1000, 0]),
    durations: Float64Array.from([0, 100, 100, 100, 0, 100, 100, 100, 0]),
    vehicles: [{ id: 'truck-1', startLocationIndex: 0, endLocationIndex: 0, capacity: [1000], shift: { startS: 500, endS: 2000 }, break: { durationS: 600, window: { startS: 0, endS: 100 } } }],
    stops: [
      { id: 'a', locationIndex: 1, demand: [100], serviceTimeS: 60 },
      { id: 'b', locationIndex: 2, demand: [100], serviceTimeS: 60 },
    ],
  };

  it('publishes no route that breaks its shift: the route is left out and each of its stops is reported with the reason', async () => {
    const sut = await solveDroppingRefused({
      decisions: [decision('a', 'must'), decision('b', 'worth')],
      problemOf: () => problem,
      options: () => ({ seed: 1, maxIterations: 50 }),
      solve,
    });
    expect(sut.solution).not.toBeNull();
    expect(verifySolution(problem, sut.solution as RoutingSolution).problems.filter((p) => p.startsWith('vehicle '))).toEqual([]);
    expect(sut.solution?.routes).toEqual([]);
    expect(sut.unassigned.map((u) => [u.containerId, u.category])).toEqual([['a', 'must'], ['b', 'worth']]);
    for (const u of sut.unassigned) expect(u.reason).toMatch(/^no_drivable_route: no route for truck-1 .*break/);
  });
});

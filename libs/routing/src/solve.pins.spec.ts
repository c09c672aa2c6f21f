import { solve } from './solve';
import { gridMatrices, stopAt, stopIdsByRoute, truck } from './testing/grid';
import { verifySolution } from './verify';
import type { RoutingProblem } from './model';

describe(solve.name, () => {
  const sut = solve;
  // Two clusters: east and west of the depot.
  const points: Array<[number, number]> = [[0, 0], [100, 0], [110, 0], [120, 0], [-100, 0], [-110, 0], [-120, 0]];

  it('keeps a stop pinned to a truck on that truck even when another is nearer', () => {
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('east', [100]), truck('west', [100])],
      stops: [stopAt(1, [1]), stopAt(2, [1]), stopAt(3, [1]), stopAt(4, [1]), stopAt(5, [1], { pin: { vehicleId: 'east' } }), stopAt(6, [1])],
    };
    const solution = sut(problem, { seed: 1, maxIterations: 50 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    const routes = stopIdsByRoute(problem, solution);
    const holder = Object.entries(routes).find(([, ids]) => ids.includes('s5'))?.[0];
    expect(holder).toBe('east');
  });

  it('serves sequence-pinned stops in the planner order, with other stops in between', () => {
    // The planner wants s3, then s1, then s2: against the line's natural order.
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [100])],
      stops: [
        stopAt(1, [1], { pin: { vehicleId: 'a', sequence: 2 } }),
        stopAt(2, [1], { pin: { vehicleId: 'a', sequence: 3 } }),
        stopAt(3, [1], { pin: { vehicleId: 'a', sequence: 1 } }),
        stopAt(4, [1]),
        stopAt(5, [1]),
      ],
    };
    const solution = sut(problem, { seed: 4, maxIterations: 100 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    const order = stopIdsByRoute(problem, solution).a.filter((id) => ['s1', 's2', 's3'].includes(id));
    expect(order).toEqual(['s3', 's1', 's2']);
  });

  it('refuses a stop pinned to a truck that is not in the fleet', () => {
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [100])],
      stops: [stopAt(1, [1], { pin: { vehicleId: 'ghost' } })],
    };
    expect(() => sut(problem, { maxIterations: 1 })).toThrow(/s1.*ghost/);
  });
});

import { solve } from './solve';
import { gridMatrices, stopAt, truck } from './testing/grid';
import { verifySolution } from './verify';
import type { RoutingProblem } from './model';

describe(solve.name, () => {
  const sut = solve;
  const points: Array<[number, number]> = [[0, 0], [100, 0], [110, 0], [1000, 0], [0, 120]];

  it('visits an optional stop only when its prize pays for the detour', () => {
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [100])],
      stops: [
        stopAt(1, [1]),
        // 20 m of detour for a prize of 500: worth it.
        stopAt(2, [1], { prize: 500 }),
        // About 1800 m of detour for a prize of 500: not worth it.
        stopAt(3, [1], { prize: 500 }),
      ],
    };
    const solution = sut(problem, { seed: 1, maxIterations: 50 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(solution.droppedOptional).toEqual([2]);
    expect(solution.objective).toBeCloseTo(solution.cost + 500, 6);
  });

  it('collects a far optional stop once its prize outweighs the trip', () => {
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [100])],
      stops: [stopAt(1, [1]), stopAt(3, [1], { prize: 5000 })],
    };
    const solution = sut(problem, { seed: 1, maxIterations: 50 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(solution.droppedOptional).toEqual([]);
  });

  it('leaves out the optional stops when capacity runs short, never a mandatory one', () => {
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [10])],
      stops: [stopAt(1, [6]), stopAt(2, [6], { prize: 10000 }), stopAt(4, [4], { prize: 500 })],
    };
    const solution = sut(problem, { seed: 1, maxIterations: 100 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(solution.unserved).toEqual([]);
    expect(solution.droppedOptional).toEqual([1]);
  });
});

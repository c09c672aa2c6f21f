import { solve } from './solve';
import { gridMatrices, stopAt, truck } from './testing/grid';
import { verifySolution } from './verify';
import type { RoutingProblem } from './model';

describe(solve.name, () => {
  const sut = solve;

  it('splits stops over trucks so that no truck carries more than its capacity', () => {
    // Six stops of 4 units around the depot, trucks of 10: at least three routes.
    const points: Array<[number, number]> = [[0, 0], [10, 0], [12, 2], [0, 10], [2, 12], [-10, 0], [-12, -2]];
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [10]), truck('b', [10]), truck('c', [10]), truck('d', [10])],
      stops: [1, 2, 3, 4, 5, 6].map((loc) => stopAt(loc, [4])),
    };
    const solution = sut(problem, { seed: 1, maxIterations: 50 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(solution.feasible).toBe(true);
    expect(solution.routes).toHaveLength(3);
    for (const route of solution.routes) expect(route.collected[0]).toBeLessThanOrEqual(10);
  });

  it('respects every capacity dimension at once (litres and kilograms)', () => {
    // Stops heavy in one dimension or the other: pairs must mix a heavy and a bulky stop.
    const points: Array<[number, number]> = [[0, 0], [10, 0], [11, 0], [0, 10], [0, 11]];
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      dimensions: ['litres', 'kg'],
      vehicles: [truck('a', [1000, 500]), truck('b', [1000, 500])],
      stops: [stopAt(1, [900, 100]), stopAt(2, [100, 400]), stopAt(3, [900, 100]), stopAt(4, [100, 400])],
    };
    const solution = sut(problem, { seed: 3, maxIterations: 100 });
    const report = verifySolution(problem, solution);
    expect(report.problems).toEqual([]);
    expect(solution.unserved).toEqual([]);
    for (const route of solution.routes) {
      expect(route.collected[0]).toBeLessThanOrEqual(1000);
      expect(route.collected[1]).toBeLessThanOrEqual(500);
    }
  });

  it('keeps to a daily load limit and a stop limit across trips', () => {
    const points: Array<[number, number]> = [[0, 0], [5, 0], [6, 0], [7, 0], [8, 0], [1, 1]];
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [10], { routeCapacity: [12], maxStops: 3 }), truck('b', [10], { routeCapacity: [12], maxStops: 3 })],
      stops: [1, 2, 3, 4].map((loc) => stopAt(loc, [5])),
      disposalSites: [{ id: 'tip', locationIndex: 5 }],
    };
    const solution = sut(problem, { seed: 2, maxIterations: 100 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(solution.routes).toHaveLength(2);
    for (const route of solution.routes) expect(route.collected[0]).toBeLessThanOrEqual(12);
  });
});

import { solve } from './solve';
import { gridMatrices, stopAt, truck } from './testing/grid';
import { verifySolution } from './verify';
import type { RoutingProblem } from './model';

describe(solve.name, () => {
  const sut = solve;
  const points: Array<[number, number]> = [[0, 0], [100, 0], [200, 0], [300, 0], [400, 0], [500, 0]];

  it('takes the break inside its window between two visits', () => {
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [100], { shift: { startS: 0, endS: 10000 }, break: { durationS: 600, window: { startS: 700, endS: 900 } } })],
      stops: [1, 2, 3, 4, 5].map((loc) => stopAt(loc, [1], { serviceTimeS: 200 })),
    };
    const solution = sut(problem, { seed: 1, maxIterations: 50 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    const breaks = solution.routes[0].visits.filter((v) => v.kind === 'break');
    expect(breaks).toHaveLength(1);
    expect(breaks[0].startS).toBeGreaterThanOrEqual(700);
    expect(breaks[0].startS).toBeLessThanOrEqual(900);
    expect(breaks[0].departureS - breaks[0].startS).toBe(600);
  });

  it('places the break where it does not push a stop out of its window', () => {
    // The far stop closes at 900: a break taken before it would make it late.
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [100], { shift: { startS: 0, endS: 10000 }, break: { durationS: 500, window: { startS: 0, endS: 5000 } } })],
      stops: [stopAt(1, [1], { serviceTimeS: 100 }), stopAt(5, [1], { timeWindow: { startS: 0, endS: 900 }, serviceTimeS: 100 })],
    };
    const solution = sut(problem, { seed: 2, maxIterations: 50 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    const kinds = solution.routes[0].visits.map((v) => v.kind);
    const breakAt = kinds.indexOf('break');
    const lateStop = solution.routes[0].visits.findIndex((v) => v.kind === 'stop' && v.stopIndex === 1);
    expect(breakAt).toBeGreaterThan(lateStop);
  });

  it('skips the break of a driver who already took it', () => {
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [100], { break: { durationS: 600, window: { startS: 0, endS: 5000 } }, progress: { locationIndex: 0, timeS: 100, breakTaken: true } })],
      stops: [stopAt(1, [1])],
    };
    const solution = sut(problem, { seed: 2, maxIterations: 20 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(solution.routes[0].visits.some((v) => v.kind === 'break')).toBe(false);
  });
});

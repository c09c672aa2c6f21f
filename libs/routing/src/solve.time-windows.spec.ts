import { solve } from './solve';
import { gridMatrices, stopAt, stopIdsByRoute, truck } from './testing/grid';
import { verifySolution } from './verify';
import type { RoutingProblem } from './model';

describe(solve.name, () => {
  const sut = solve;
  // A line of stops east of the depot, 100 m apart; 1 m/s.
  const points: Array<[number, number]> = [[0, 0], [100, 0], [200, 0], [300, 0], [400, 0]];

  it('serves each stop inside its time window, even against the geographic order', () => {
    // The far stop must be served first, the near one last.
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [100])],
      stops: [
        stopAt(1, [1], { timeWindow: { startS: 900, endS: 1000 }, serviceTimeS: 10 }),
        stopAt(2, [1], { timeWindow: { startS: 500, endS: 700 }, serviceTimeS: 10 }),
        stopAt(4, [1], { timeWindow: { startS: 0, endS: 450 }, serviceTimeS: 10 }),
      ],
    };
    const solution = sut(problem, { seed: 1, maxIterations: 50 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(solution.feasible).toBe(true);
    expect(stopIdsByRoute(problem, solution)).toEqual({ a: ['s4', 's2', 's1'] });
    const starts = solution.routes[0].visits.filter((v) => v.kind === 'stop').map((v) => v.startS);
    expect(starts[0]).toBeLessThanOrEqual(450);
    expect(starts[1]).toBeGreaterThanOrEqual(500);
    expect(starts[2]).toBeGreaterThanOrEqual(900);
  });

  it('uses a second truck when one cannot make both windows', () => {
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [100]), truck('b', [100])],
      stops: [stopAt(4, [1], { timeWindow: { startS: 400, endS: 410 } }), stopAt(1, [1], { timeWindow: { startS: 100, endS: 420 }, serviceTimeS: 300 })],
    };
    const solution = sut(problem, { seed: 1, maxIterations: 50 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(solution.routes).toHaveLength(2);
  });

  it('keeps routes inside the shift and under the maximum duration', () => {
    // 8 stops at 300-400 m: one truck would need > 1000 s; the shift and duration cap force two.
    const pts: Array<[number, number]> = [[0, 0], [300, 0], [300, 100], [0, 300], [100, 300], [-300, 0], [-300, -100], [0, -300], [-100, -300]];
    const problem: RoutingProblem = {
      ...gridMatrices({ points: pts }),
      vehicles: [
        truck('a', [100], { shift: { startS: 1000, endS: 3000 }, maxDurationS: 1500 }),
        truck('b', [100], { shift: { startS: 1000, endS: 3000 }, maxDurationS: 1500 }),
        truck('c', [100], { shift: { startS: 1000, endS: 3000 }, maxDurationS: 1500 }),
      ],
      stops: [1, 2, 3, 4, 5, 6, 7, 8].map((loc) => stopAt(loc, [1], { serviceTimeS: 60 })),
    };
    const solution = sut(problem, { seed: 5, maxIterations: 100 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(solution.unserved).toEqual([]);
    for (const route of solution.routes) {
      expect(route.visits[0].departureS).toBeGreaterThanOrEqual(1000);
      expect(route.visits[route.visits.length - 1].arrivalS).toBeLessThanOrEqual(3000);
      expect(route.durationS).toBeLessThanOrEqual(1500);
    }
    expect(solution.routes.length).toBeGreaterThanOrEqual(2);
  });

  it('reports a mandatory stop it cannot fit in the shift as unserved, with a reason, instead of breaking the shift', () => {
    // Two stops each needing the whole shift of the only truck.
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [100], { shift: { startS: 0, endS: 1000 } })],
      stops: [stopAt(1, [1], { serviceTimeS: 700 }), stopAt(1, [1], { id: 'twin', serviceTimeS: 700 })],
    };
    const solution = sut(problem, { seed: 1, maxIterations: 300 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(solution.feasible).toBe(true);
    expect(solution.unserved).toHaveLength(1);
    expect(solution.unserved[0].reason).toBe('time_exhausted');
    expect(solution.unserved[0].detail).toContain(solution.unserved[0].stopId);
  });
});

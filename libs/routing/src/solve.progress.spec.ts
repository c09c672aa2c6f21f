import { solve } from './solve';
import { gridMatrices, stopAt, truck } from './testing/grid';
import { verifySolution } from './verify';
import type { RoutingProblem } from './model';

describe(solve.name, () => {
  const sut = solve;
  const points: Array<[number, number]> = [[0, 0], [100, 0], [200, 0], [300, 0], [250, 50]];

  it('re-plans a route under way from where the truck is, with the load it carries', () => {
    // The truck is at stop 2's place at t=1000 with 8 of 10 on board: the next stop (3 units)
    // only fits after a disposal visit.
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [
        truck('a', [10], {
          shift: { startS: 0, endS: 5000 },
          maxDurationS: 2000,
          progress: { locationIndex: 2, timeS: 1000, load: [8], collectedToday: [8], stopsServed: 2, startedAtS: 500 },
        }),
      ],
      stops: [stopAt(3, [3], { serviceTimeS: 10 })],
      disposalSites: [{ id: 'tip', locationIndex: 4, serviceTimeS: 60 }],
    };
    const solution = sut(problem, { seed: 1, maxIterations: 30 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    const visits = solution.routes[0].visits;
    expect(visits[0]).toMatchObject({ kind: 'start', locationIndex: 2, loadAfter: [8] });
    expect(visits[0].departureS).toBeGreaterThanOrEqual(1000);
    expect(visits.map((v) => v.kind)).toEqual(['start', 'disposal', 'stop', 'disposal', 'end']);
    // 500 s already used of 2000.
    expect(solution.routes[0].durationS).toBeLessThanOrEqual(1500);
  });

  it('brings a truck under way home (through a disposal site) even when no stop is left for it', () => {
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [10], { progress: { locationIndex: 3, timeS: 100, load: [4] } })],
      stops: [],
      disposalSites: [{ id: 'tip', locationIndex: 4 }],
    };
    const solution = sut(problem, { seed: 1, maxIterations: 5 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(solution.routes).toHaveLength(1);
    expect(solution.routes[0].visits.map((v) => v.kind)).toEqual(['start', 'disposal', 'end']);
  });
});

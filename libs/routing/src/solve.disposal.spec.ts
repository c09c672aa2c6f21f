import { solve } from './solve';
import { gridMatrices, stopAt, truck } from './testing/grid';
import { verifySolution } from './verify';
import type { RoutingProblem } from './model';

describe(solve.name, () => {
  const sut = solve;

  it('sends a full truck to a disposal site and on again, and ends the day with a disposal visit', () => {
    // Six stops of 4 east of the depot, a truck of 10, a site among the stops: three trips.
    const points: Array<[number, number]> = [[0, 0], [100, 0], [110, 0], [120, 0], [130, 0], [140, 0], [150, 0], [125, 10]];
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [10])],
      stops: [1, 2, 3, 4, 5, 6].map((loc) => stopAt(loc, [4], { serviceTimeS: 30 })),
      disposalSites: [{ id: 'tip', locationIndex: 7, serviceTimeS: 120 }],
    };
    const solution = sut(problem, { seed: 1, maxIterations: 100 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(solution.feasible).toBe(true);
    const route = solution.routes[0];
    expect(route.trips).toBe(3);
    const kinds = route.visits.map((v) => v.kind);
    expect(kinds.filter((k) => k === 'disposal')).toHaveLength(3);
    expect(kinds[kinds.length - 2]).toBe('disposal');
    for (const visit of route.visits) expect(visit.loadAfter[0]).toBeLessThanOrEqual(10);
  });

  it('unloads at an open site: a site that closes early is not used late in the day', () => {
    const points: Array<[number, number]> = [[0, 0], [100, 0], [200, 0], [150, 10], [160, 10]];
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [10], { shift: { startS: 0, endS: 5000 } })],
      stops: [stopAt(1, [8], { serviceTimeS: 600 }), stopAt(2, [8], { serviceTimeS: 600 })],
      // The nearer site closes before the truck can be there the second time.
      disposalSites: [
        { id: 'near', locationIndex: 3, serviceTimeS: 60, openingWindow: { startS: 0, endS: 900 } },
        { id: 'far', locationIndex: 4, serviceTimeS: 60 },
      ],
    };
    const solution = sut(problem, { seed: 1, maxIterations: 100 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    const disposals = solution.routes[0].visits.filter((v) => v.kind === 'disposal');
    expect(disposals).toHaveLength(2);
    for (const visit of disposals) {
      if (visit.disposalSiteIndex === 0) expect(visit.startS).toBeLessThanOrEqual(900);
    }
    expect(disposals[1].disposalSiteIndex).toBe(1);
  });

  it('uses only the disposal sites a truck may use', () => {
    const points: Array<[number, number]> = [[0, 0], [100, 0], [105, 0], [500, 0]];
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [10], { disposalSiteIndices: [1] })],
      stops: [stopAt(1, [5])],
      disposalSites: [
        { id: 'close', locationIndex: 2 },
        { id: 'allowed', locationIndex: 3 },
      ],
    };
    const solution = sut(problem, { seed: 1, maxIterations: 20 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    const disposals = solution.routes[0].visits.filter((v) => v.kind === 'disposal');
    expect(disposals.map((v) => v.disposalSiteIndex)).toEqual([1]);
  });

  it('ends at the depot without a disposal visit when the truck is told not to need one', () => {
    const points: Array<[number, number]> = [[0, 0], [100, 0], [105, 0]];
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('a', [10], { endWithDisposal: false })],
      stops: [stopAt(1, [5])],
      disposalSites: [{ id: 'tip', locationIndex: 2 }],
    };
    const solution = sut(problem, { seed: 1, maxIterations: 20 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(solution.routes[0].visits.map((v) => v.kind)).toEqual(['start', 'stop', 'end']);
  });
});

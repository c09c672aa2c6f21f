import { compileProblem } from './instance';
import { LocalSearch, type SolutionFigures, siteItem } from './local-search';
import { Rng } from './rng';
import { gridMatrices, stopAt, truck } from './testing/grid';
import type { RoutingProblem } from './model';

/** Trip loads of a route given as items (stops by index, disposal visits as site items). */
function tripLoads(items: ArrayLike<number>, demand: number[]): number[] {
  const trips = [0];
  for (let i = 0; i < items.length; i++) {
    if (items[i] >= 0) trips[trips.length - 1] += demand[items[i]];
    else if (items[i] <= siteItem(0)) trips.push(0);
  }
  return trips;
}

describe('RouteOperators trip re-split', () => {
  // Six stops on a line east of the depot, a truck of 10, the disposal site at the depot.
  const demand = [5, 2, 3, 5, 5, 3];
  const problem: RoutingProblem = {
    ...gridMatrices({ points: [[0, 0], [10, 0], [20, 0], [30, 0], [40, 0], [50, 0], [60, 0], [0, 0]] }),
    vehicles: [truck('a', [10], { endWithDisposal: true })],
    stops: demand.map((d, i) => stopAt(i + 1, [d])),
    disposalSites: [{ id: 'tip', locationIndex: 7 }],
  };

  it('moves two trip boundaries at once where moving either alone removes no overload', () => {
    const ls = new LocalSearch(compileProblem(problem), new Rng(1));
    // Trips 7 | 3 | 13 against 10: moving the first visit later leaves the last trip at 13,
    // moving the second later makes the middle one 13.
    ls.load([Int32Array.from([0, 1, siteItem(0), 2, siteItem(0), 3, 4, 5, siteItem(0)])]);
    ls.segs.penLoad = 1000;
    ls.segs.penTW = 1;
    ls.refreshCosts();
    const before = ls.measure({} as SolutionFigures);
    expect(before.loadExcess).toBe(3);
    const sut = (r: number): boolean => ls.routeOperators.resplitTrips(r);

    expect(sut(0)).toBe(true);

    const items = ls.export()[0];
    expect(Array.from(items).filter((x) => x >= 0)).toEqual([0, 1, 2, 3, 4, 5]);
    const loads = tripLoads(items, demand);
    expect(Math.max(...loads)).toBeLessThanOrEqual(10);
    // Two visits on the way and the closing one: [5] [2 3 5] [5 3], the shortest split that fits
    // (detours of 20 and 80 m to the site at the depot; [5 2 3] [5] [5 3] would take 60 and 80).
    expect(loads).toEqual([5, 10, 8, 0]);
    const after = ls.measure({} as SolutionFigures);
    expect(after.loadExcess).toBe(0);
    // Nothing left to re-split.
    expect(sut(0)).toBe(false);
  });

  it('keeps a split that is already the cheapest', () => {
    const ls = new LocalSearch(compileProblem(problem), new Rng(1));
    ls.load([Int32Array.from([0, siteItem(0), 1, 2, 3, siteItem(0), 4, 5, siteItem(0)])]);
    ls.segs.penLoad = 1000;
    ls.segs.penTW = 1;
    ls.refreshCosts();
    const sut = (r: number): boolean => ls.routeOperators.resplitTrips(r);

    expect(sut(0)).toBe(false);
    expect(Array.from(ls.export()[0])).toEqual([0, siteItem(0), 1, 2, 3, siteItem(0), 4, 5, siteItem(0)]);
  });
});

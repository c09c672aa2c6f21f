import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sharedPath } from '@vulgraad/config';
import { solve } from '@vulgraad/routing';
import { referenceFor } from '../../bench/routing/bks';
import { checkSolution } from '../../bench/routing/checker';
import { toBenchRoutes, toProblem } from '../../bench/routing/convert';
import { type BenchRoute, distanceOf, readInstance, readSolution } from '../../bench/routing/formats';

const stops = (locs: number[]): BenchRoute => ({ visits: locs.map((loc) => ({ kind: 'stop' as const, loc })) });

// The benchmark files live outside the repository; without them these tests cannot run.
const benchmarks = sharedPath('benchmarks');
const maybe = benchmarks ? describe : describe.skip;

maybe('routing benchmark readers and checker on the shared instances', () => {
  const file = (...parts: string[]): string => path.join(benchmarks as string, ...parts);

  it('reads X-n101-k25 and its best-known solution checks at exactly the published cost', () => {
    const sut = readInstance(file('cvrp', 'X', 'X-n101-k25.vrp'));
    expect(sut).toMatchObject({ n: 101, capacity: 206, depot: 0, convention: 'nint' });
    expect(sut.customers).toHaveLength(100);
    const bks = readSolution(file('cvrp', 'X', 'X-n101-k25.sol'));
    const check = checkSolution(sut, bks.routes.map(stops));
    expect(check).toMatchObject({ feasible: true, cost: 27591, vehicles: 26 });
    expect(bks.cost).toBe(27591);
    expect(referenceFor(file('cvrp', 'X', 'X-n101-k25.vrp'), 'X-n101-k25')?.cost).toBe(27591);
    // Merging two routes overloads the truck; dropping one leaves customers unserved.
    const merged = [bks.routes[0].concat(bks.routes[1]), ...bks.routes.slice(2)].map(stops);
    expect(checkSolution(sut, merged).violations.join('\n')).toMatch(/over capacity/);
    expect(checkSolution(sut, bks.routes.slice(1).map(stops)).violations.join('\n')).toMatch(/served 0 times/);
  });

  it('reads the classic sets with their conventions: A-n32-k5 in integers, CMT1 in reals', () => {
    const a = readInstance(file('cvrp', 'classic', 'A', 'A-n32-k5.vrp'));
    expect(checkSolution(a, readSolution(file('cvrp', 'classic', 'A', 'A-n32-k5.sol')).routes.map(stops))).toMatchObject({ feasible: true, cost: 784 });
    const cmt = readInstance(file('cvrp', 'classic', 'CMT', 'CMT1.vrp'), 'real');
    const check = checkSolution(cmt, readSolution(file('cvrp', 'classic', 'CMT', 'CMT1.sol')).routes.map(stops));
    expect(check.feasible).toBe(true);
    expect(check.cost).toBeCloseTo(524.61, 1);
  });

  it('reads Solomon C101, measures in reals or DIMACS tenths, and flags late service', () => {
    const sut = readInstance(file('vrptw', 'solomon', 'C101.txt'));
    expect(sut).toMatchObject({ n: 101, capacity: 200, vehicles: 25, hasTimeWindows: true });
    expect(sut.twEnd[0]).toBe(1236);
    expect(sut.service[1]).toBe(90);
    const dimacs = readInstance(file('vrptw', 'solomon', 'C101.txt'), 'dimacs');
    expect(distanceOf(dimacs, 0, 1)).toBe(Math.floor(10 * Math.hypot(5, 18)) / 10);
    expect(distanceOf(sut, 0, 1)).toBeCloseTo(Math.hypot(5, 18), 12);
    // One route per customer is feasible (C101's windows are reachable); all in index order is not.
    expect(checkSolution(sut, sut.customers.map((c) => stops([c])), 100).feasible).toBe(true);
    const inOrder = checkSolution(sut, [stops(sut.customers)]);
    expect(inOrder.violations.join('\n')).toMatch(/after/);
    expect(inOrder.violations.join('\n')).toMatch(/over capacity/);
  });

  it('reads Kim et al. 102_stop with its header rules and checks disposal, daily load and the lunch break', () => {
    const sut = readInstance(file('wcvrptw', '102_stop.txt'));
    expect(sut).toMatchObject({ capacity: 280, routeCapacity: 400, maxStops: 500, breakDurationS: 3600, timePerDistance: 90, depot: 0 });
    expect(sut.disposalSites).toEqual([1, 2]);
    expect(sut.customers).toHaveLength(99);
    // Kim's worked example: stop 0 to stop 1 is 15387 ft = 2.914 mi, 262.3 s at 40 mph.
    expect(distanceOf(sut, 0, 1)).toBeCloseTo(15387 / 5280, 9);
    expect(distanceOf(sut, 0, 1) * sut.timePerDistance).toBeCloseTo(262.3, 1);
    expect(sut.twStart[0]).toBe(4 * 3600);
    const noDisposal = checkSolution(sut, [stops([3, 4])]);
    expect(noDisposal.violations.join('\n')).toMatch(/does not end with a disposal visit/);
    expect(noDisposal.violations.join('\n')).toMatch(/0 breaks, expected 1/);
    // The best published row is the reference (Buhrkal et al. 2012); Kim's own rows stay listed beside it.
    const reference = referenceFor(file('wcvrptw', '102_stop.txt'), '102_stop');
    expect(reference).toMatchObject({ cost: 174.5, vehicles: 3 });
    expect(reference?.source).toMatch(/Buhrkal/);
    expect(reference?.others?.map((o) => o.cost)).toEqual(expect.arrayContaining([183.5, 205.1, 218.4]));
  });

  it('solves a small instance of each format to a solution the checker accepts', () => {
    for (const parts of [['cvrp', 'classic', 'P', 'P-n16-k8.vrp'], ['vrptw', 'solomon', 'C101.txt'], ['wcvrptw', '102_stop.txt']]) {
      const inst = readInstance(file(...parts));
      const problem = toProblem(inst);
      const solution = solve(problem, { seed: 1, timeLimitMs: 1500 });
      const check = checkSolution(inst, toBenchRoutes(problem, solution));
      expect({ instance: inst.name, violations: check.violations, unserved: solution.unserved }).toEqual({ instance: inst.name, violations: [], unserved: [] });
      expect(check.cost).toBeCloseTo(solution.distanceM, 6);
    }
  });
});

describe('routing benchmark readers on any file path', () => {
  it('reads a VRPLIB file with an explicit matrix from anywhere', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vrplib-'));
    const vrp = path.join(dir, 'tiny.vrp');
    writeFileSync(
      vrp,
      ['NAME : tiny', 'TYPE : CVRP', 'DIMENSION : 3', 'EDGE_WEIGHT_TYPE : EXPLICIT', 'EDGE_WEIGHT_FORMAT : LOWER_ROW', 'CAPACITY : 10', 'EDGE_WEIGHT_SECTION', '4', '5 3', 'DEMAND_SECTION', '1 0', '2 6', '3 4', 'DEPOT_SECTION', '1', '-1', 'EOF', ''].join('\n'),
    );
    const sut = readInstance(vrp);
    expect(sut).toMatchObject({ name: 'tiny', n: 3, capacity: 10, convention: 'explicit' });
    expect(distanceOf(sut, 2, 1)).toBe(3);
    expect(checkSolution(sut, [stops([1, 2])])).toMatchObject({ feasible: true, cost: 4 + 3 + 5 });
  });
});

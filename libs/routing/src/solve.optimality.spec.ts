import fc from 'fast-check';
import { solve } from './solve';
import type { RoutingProblem } from './model';

/**
 * Exhaustive optimum of a small problem with a homogeneous fleet: every
 * order of the stops cut into at most `vehicles` consecutive routes.
 */
function bruteForce(problem: RoutingProblem): number {
  const n = problem.locationCount;
  const v = problem.vehicles[0];
  const stops = problem.stops;
  const m = problem.vehicles.length;
  const routeCost = (seq: number[]): number => {
    let t = v.shift?.startS ?? 0;
    let load = 0;
    let dist = 0;
    let prev = v.startLocationIndex;
    for (const c of seq) {
      const s = stops[c];
      load += s.demand?.[0] ?? 0;
      if (load > v.capacity[0]) return Infinity;
      t += problem.durations[prev * n + s.locationIndex];
      dist += problem.distances[prev * n + s.locationIndex];
      if (s.timeWindow) {
        t = Math.max(t, s.timeWindow.startS);
        if (t > s.timeWindow.endS) return Infinity;
      }
      t += s.serviceTimeS ?? 0;
      prev = s.locationIndex;
    }
    t += problem.durations[prev * n + v.endLocationIndex];
    dist += problem.distances[prev * n + v.endLocationIndex];
    if (v.shift && t > v.shift.endS) return Infinity;
    return dist;
  };
  let best = Infinity;
  const perm = stops.map((_, i) => i);
  const visit = (k: number): void => {
    if (k === perm.length) {
      for (let mask = 0; mask < 1 << (perm.length - 1); mask++) {
        let cuts = 0;
        for (let b = mask; b; b &= b - 1) cuts++;
        if (cuts > m - 1) continue;
        let total = 0;
        let seq: number[] = [perm[0]];
        for (let i = 1; i < perm.length && total < best; i++) {
          if (mask & (1 << (i - 1))) {
            total += routeCost(seq);
            seq = [];
          }
          seq.push(perm[i]);
        }
        total += routeCost(seq);
        if (total < best) best = total;
      }
      return;
    }
    for (let i = k; i < perm.length; i++) {
      [perm[k], perm[i]] = [perm[i], perm[k]];
      visit(k + 1);
      [perm[k], perm[i]] = [perm[i], perm[k]];
    }
  };
  visit(0);
  return best;
}

const smallProblem = fc
  .record({
    points: fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 })), { minLength: 6, maxLength: 7 }),
    demands: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 7, maxLength: 7 }),
    windows: fc.array(fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }), { minLength: 7, maxLength: 7 }),
    oneWay: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 49, maxLength: 49 }),
  })
  .map(({ points, demands, windows, oneWay }): RoutingProblem => {
    const n = points.length;
    const distances = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const d = Math.round(Math.hypot(points[i][0] - points[j][0], points[i][1] - points[j][1]));
        // Some asymmetry: one direction gets a surcharge.
        distances[i * n + j] = i === j ? 0 : d + (i < j ? oneWay[(i * 7 + j) % 49] : 0);
      }
    }
    return {
      locationCount: n,
      distances,
      durations: distances,
      vehicles: [0, 1, 2].map((k) => ({ id: `v${k}`, startLocationIndex: 0, endLocationIndex: 0, capacity: [9], shift: { startS: 0, endS: 1000 } })),
      stops: points.slice(1).map((_, i) => ({
        id: `s${i + 1}`,
        locationIndex: i + 1,
        demand: [demands[i]],
        serviceTimeS: 10,
        timeWindow: windows[i] === undefined ? undefined : { startS: windows[i] as number, endS: (windows[i] as number) + 150 },
      })),
    };
  });

describe(solve.name, () => {
  const sut = solve;

  it('finds the optimum of small capacitated, time-windowed, asymmetric problems', () => {
    fc.assert(
      fc.property(smallProblem, (problem) => {
        const optimum = bruteForce(problem);
        fc.pre(Number.isFinite(optimum));
        const solution = sut(problem, { seed: 7, maxIterations: 100 });
        expect(solution.unserved).toEqual([]);
        expect(solution.cost).toBeCloseTo(optimum, 6);
      }),
      { seed: 20261128, numRuns: 10 },
    );
  });
});

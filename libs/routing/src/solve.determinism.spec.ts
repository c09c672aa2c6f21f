import { solve } from './solve';
import { gridMatrices, stopAt, truck } from './testing/grid';
import type { RoutingProblem, RoutingSolution } from './model';

function withoutTiming(solution: RoutingSolution): unknown {
  return { ...solution, stats: { ...solution.stats, elapsedMs: 0 } };
}

describe(solve.name, () => {
  const sut = solve;
  // 12 stops on a pseudo-random but fixed layout, with windows, a break and a disposal site.
  const points: Array<[number, number]> = [[0, 0]];
  for (let i = 1; i <= 13; i++) points.push([(i * 7919) % 997, (i * 104729) % 991]);
  const problem: RoutingProblem = {
    ...gridMatrices({ points, speed: 10 }),
    vehicles: [0, 1, 2].map((k) =>
      truck(`t${k}`, [25], { shift: { startS: 0, endS: 4000 }, break: { durationS: 300, window: { startS: 1000, endS: 2000 } } }),
    ),
    stops: points.slice(1, 13).map((_, i) => stopAt(i + 1, [3 + (i % 4)], { serviceTimeS: 30, timeWindow: i % 5 === 0 ? { startS: 500, endS: 2500 } : undefined })),
    disposalSites: [{ id: 'tip', locationIndex: 13, serviceTimeS: 120 }],
  };

  it('returns the same solution for the same seed under an iteration limit', () => {
    const first = sut(problem, { seed: 42, maxIterations: 40 });
    const second = sut(problem, { seed: 42, maxIterations: 40 });
    expect(withoutTiming(second)).toEqual(withoutTiming(first));
    expect(first.stats.stoppedBy).toBe('iteration_limit');
    expect(first.stats.iterations).toBe(40);
  });

  it('reports progress as the best objective improves, and stops when aborted', () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const solution = sut(problem, {
      seed: 1,
      timeLimitMs: 60_000,
      onProgress: (best) => {
        seen.push(best);
        controller.abort();
      },
      signal: controller.signal,
    });
    expect(seen.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeLessThan(seen[i - 1]);
    expect(solution.stats.stoppedBy).toBe('aborted');
    expect(solution.objective).toBeCloseTo(seen[seen.length - 1], 6);
  });
});

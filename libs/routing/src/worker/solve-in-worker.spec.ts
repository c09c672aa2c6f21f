import { InfeasibleProblemError } from '../errors';
import { gridMatrices, stopAt, truck } from '../testing/grid';
import { verifySolution } from '../verify';
import type { RoutingProblem } from '../model';
import { solveInWorker } from './solve-in-worker';

describe(solveInWorker.name, () => {
  const sut = solveInWorker;
  const points: Array<[number, number]> = [[0, 0]];
  for (let i = 1; i <= 40; i++) points.push([(i * 7919) % 997, (i * 104729) % 991]);
  const problem: RoutingProblem = {
    ...gridMatrices({ points }),
    vehicles: [truck('a', [30]), truck('b', [30]), truck('c', [30]), truck('d', [30])],
    stops: points.slice(1).map((_, i) => stopAt(i + 1, [2 + (i % 3)])),
  };

  it('solves in the solver\'s process and leaves the event loop free meanwhile', async () => {
    let timerFired = false;
    setTimeout(() => (timerFired = true), 10);
    const progress: number[] = [];
    const solution = await sut(problem, { seed: 3, timeLimitMs: 500, onProgress: (best) => progress.push(best) });
    expect(timerFired).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(solution.objective).toBeCloseTo(progress[progress.length - 1], 6);
  });

  it('stops when aborted and resolves with the best solution so far', async () => {
    const controller = new AbortController();
    const solution = await sut(problem, { seed: 3, timeLimitMs: 60_000, onProgress: () => controller.abort(), signal: controller.signal });
    expect(solution.stats.stoppedBy).toBe('aborted');
    expect(verifySolution(problem, solution).problems).toEqual([]);
  });

  it('rejects refused input with the same typed error as solve', async () => {
    const bad: RoutingProblem = { ...problem, stops: [stopAt(1, [99])] };
    const error: unknown = await sut(bad, { maxIterations: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfeasibleProblemError);
    expect(error).toMatchObject({ reason: 'demand_exceeds_capacity', stopId: 's1' });
  });
});

import { InfeasibleProblemError } from '../errors';
import type { RoutingProblem } from '../model';
import { solve } from '../solve';
import { gridMatrices, stopAt, truck } from '../testing/grid';
import { verifySolution } from '../verify';
import { SolverWorker } from './solver-worker';

describe(SolverWorker.name, () => {
  const points: Array<[number, number]> = [[0, 0]];
  for (let i = 1; i <= 30; i++) points.push([(i * 7919) % 997, (i * 104729) % 991]);
  const problem: RoutingProblem = {
    ...gridMatrices({ points }),
    vehicles: [truck('a', [30]), truck('b', [30]), truck('c', [30])],
    stops: points.slice(1).map((_, i) => stopAt(i + 1, [2 + (i % 3)])),
  };
  let sut: SolverWorker;

  beforeEach(() => {
    sut = new SolverWorker();
  });
  afterEach(() => sut.close());

  it('answers several problems on one thread, each as solve would in the caller', async () => {
    sut.warmUp();
    const options = { seed: 5, maxIterations: 200 };
    const [first, second, third] = await Promise.all([sut.solve(problem, options), sut.solve(problem, { ...options, seed: 6 }), sut.solve(problem, options)]);
    expect(verifySolution(problem, first).problems).toEqual([]);
    expect(verifySolution(problem, second).problems).toEqual([]);
    expect(first.objective).toBeCloseTo(solve(problem, options).objective, 9);
    expect(third.objective).toBeCloseTo(first.objective, 9);
  });

  it('reports progress on the caller thread and stops when aborted', async () => {
    const controller = new AbortController();
    const progress: number[] = [];
    const solution = await sut.solve(problem, {
      seed: 3,
      timeLimitMs: 60_000,
      signal: controller.signal,
      onProgress: (best) => {
        progress.push(best);
        controller.abort();
      },
    });
    expect(progress.length).toBeGreaterThan(0);
    expect(solution.stats.stoppedBy).toBe('aborted');
  });

  it('rejects refused input with the typed error and keeps answering after it', async () => {
    const refused = await sut.solve({ ...problem, stops: [stopAt(1, [99])] }, { maxIterations: 1 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InfeasibleProblemError);
    expect(refused).toMatchObject({ reason: 'demand_exceeds_capacity', stopId: 's1' });
    const solution = await sut.solve(problem, { seed: 1, maxIterations: 20 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
  });

  it('refuses work once closed', async () => {
    await sut.close();
    await expect(sut.solve(problem, { maxIterations: 1 })).rejects.toThrow('the solver is closed');
  });
});

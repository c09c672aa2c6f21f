import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { InfeasibleProblemError } from '../errors';
import type { RoutingProblem } from '../model';
import { solve } from '../solve';
import { gridMatrices, stopAt, truck } from '../testing/grid';
import { verifySolution } from '../verify';
import { SolverWorker } from './solver-worker';
import { BACKGROUND_NICE, SCHED_IDLE } from './thread-priority';

/** The nice value of each thread of a process, field 19 of /proc/<pid>/task/<tid>/stat. */
const nicesOf = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });

/** The scheduling policy of each thread of a process, field 41 of /proc/<pid>/task/<tid>/stat. */
const policiesOf = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
  });

const linux = existsSync('/proc/thread-self');
const hasChrt = linux && spawnSync('chrt', ['--help'], { stdio: 'ignore' }).status === 0;

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

  (linux ? it : it.skip)('solves in a process of its own whose every thread runs at background priority, the caller\'s unchanged', async () => {
    const callerBefore = nicesOf(process.pid);
    sut.warmUp();
    const solution = await sut.solve(problem, { seed: 2, maxIterations: 50 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    const pid = sut.pid as number;
    expect(pid).not.toBe(process.pid);
    const nices = nicesOf(pid);
    // main, V8's helpers, libuv's, and the search's own thread
    expect(nices.length).toBeGreaterThan(3);
    expect(nices.filter((nice) => nice < BACKGROUND_NICE)).toEqual([]);
    expect(nicesOf(process.pid)).toEqual(callerBefore);
  });

  (hasChrt ? it : it.skip)('runs every thread of its process under SCHED_IDLE where chrt can set it, the caller\'s unchanged', async () => {
    const callerBefore = policiesOf(process.pid);
    await sut.solve(problem, { seed: 2, maxIterations: 50 });
    const policies = policiesOf(sut.pid as number);
    expect(policies.length).toBeGreaterThan(3);
    expect(policies.filter((policy) => policy !== SCHED_IDLE)).toEqual([]);
    expect(policiesOf(process.pid)).toEqual(callerBefore);
  });

  it('starts a new process for the next solve when its process dies', async () => {
    sut.warmUp();
    const first = sut.pid as number;
    // Killed in the middle of a search, once it has reported progress.
    const failed = sut.solve(problem, { seed: 1, timeLimitMs: 60_000, onProgress: () => void (sut.pid === first && process.kill(first, 'SIGKILL')) }).catch((e: unknown) => e);
    expect(await failed).toMatchObject({ message: expect.stringContaining("the solver's process ended") });
    const solution = await sut.solve(problem, { seed: 1, maxIterations: 20 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(sut.pid).not.toBe(first);
  });

  it('answers several problems on one process, each as solve would in the caller', async () => {
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

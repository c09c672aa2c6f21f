import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SolveFn } from '@vulgraad/planning';
import { InfeasibleProblemError, type RoutingProblem, type RoutingSolution, type SolveOptions } from '@vulgraad/routing';
import type { SolveReply, SolveRequest } from './worker-protocol';

const REGISTER = path.resolve(__dirname, '..', '..', '..', '..', 'tools', 'register.js');
const WORKER_FILE = path.join(__dirname, 'solve.worker.ts');

interface Pending {
  resolve(solution: RoutingSolution): void;
  reject(error: Error): void;
}

/**
 * `@vulgraad/routing`'s solve in one long-lived worker thread, one problem
 * at a time, behind the planner's `SolveFn`. The library's `solveInWorker`
 * starts a thread per solve, which costs 1-4 s of loading on this 2-core
 * machine (measured), more than the all-in-one's whole solver budget; here
 * the thread is started once, at start-up, while the rest loads. A worker
 * that dies fails the plan in hand (the job is retried) and is started again
 * for the next one. `onProgress` is not forwarded.
 */
export class WorkerSolver {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  readonly solve: SolveFn = (problem, options) => {
    const run = this.tail.then(() => this.run(problem, options));
    this.tail = run.catch(() => undefined);
    return run;
  };

  /** Starts the thread now rather than at the first plan. */
  warmUp(): void {
    this.ensureWorker();
  }

  /** Stops the worker; plans in hand fail. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
    this.failAll(new Error('the solver was closed'));
  }

  private run(problem: RoutingProblem, options: SolveOptions): Promise<RoutingSolution> {
    if (this.closed) return Promise.reject(new Error('the solver is closed'));
    const worker = this.ensureWorker();
    const stopFlag = new SharedArrayBuffer(4);
    const stop = (): void => {
      Atomics.store(new Int32Array(stopFlag), 0, 1);
    };
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener('abort', stop, { once: true });
    const id = this.nextId++;
    const request: SolveRequest = {
      id,
      problem,
      stopFlag,
      options: {
        seed: options.seed,
        timeLimitMs: options.timeLimitMs,
        maxIterations: options.maxIterations,
        maxIterationsWithoutImprovement: options.maxIterationsWithoutImprovement,
        initialRoutes: options.initialRoutes,
      },
    };
    return new Promise<RoutingSolution>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage(request);
    }).finally(() => options.signal?.removeEventListener('abort', stop));
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // The worker loads TypeScript through the process's register hook, also when the parent was started without it.
    const worker = new Worker(`require(${JSON.stringify(REGISTER)}); require(${JSON.stringify(WORKER_FILE)});`, { eval: true });
    worker.unref();
    worker.on('message', (reply: SolveReply) => this.settle(reply));
    worker.on('error', (error) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new Error(`solver worker failed: ${error.message}`));
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      if (!this.closed) this.failAll(new Error(`solver worker exited with code ${code}`));
    });
    this.worker = worker;
    return worker;
  }

  private settle(reply: SolveReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (reply.ok) {
      pending.resolve(reply.solution);
      return;
    }
    const e = reply.error;
    pending.reject(e.kind === 'infeasible' ? new InfeasibleProblemError(e.reason, e.message, e.stopIndex, e.stopId, e.field) : new Error(e.message));
  }

  private failAll(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }
}

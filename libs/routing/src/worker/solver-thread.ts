import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RoutingProblem, RoutingSolution, SolveOptions } from '../model';
import { PendingSolves } from './pending-solves';
import type { SolveRequest, WorkerMessage } from './protocol';

/**
 * `solve` in one long-lived worker thread, one problem at a time, so the
 * caller's event loop stays free and no solve pays for starting a thread.
 * Same options as `solve`: `onProgress` is called on the caller's thread,
 * and aborting `signal` stops the search, which then resolves with the best
 * solution so far; refused input rejects with InfeasibleProblemError. A
 * thread that dies fails the solve in hand and is started again for the
 * next. The matrices are copied to the thread unless they live in a
 * SharedArrayBuffer. The solver's process (SolverWorker) holds one; the
 * thread shares its process's garbage-collector and compiler threads, which
 * is why a solve beside live work runs in a process of its own.
 */
export class SolverThread {
  private worker: Worker | null = null;
  private readonly pending = new PendingSolves();
  private closed = false;

  /** Solves a problem once the ones before it are done (a `SolveFn`, bound to this worker). */
  readonly solve = (problem: RoutingProblem, options: SolveOptions = {}): Promise<RoutingSolution> =>
    this.pending.queue(problem, options, (p, o) => this.run(p, o));

  /** Starts the thread now rather than at the first solve. */
  warmUp(): void {
    if (!this.closed) this.ensureWorker();
  }

  /** Stops the thread; solves in hand or queued fail. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
    this.pending.failAll(new Error('the solver was closed'));
  }

  private run(problem: RoutingProblem, options: SolveOptions): Promise<RoutingSolution> {
    if (this.closed) return Promise.reject(new Error('the solver is closed'));
    const { onProgress, signal, ...portable } = options;
    const worker = this.ensureWorker();
    const stopFlag = new SharedArrayBuffer(4);
    const stop = (): void => {
      Atomics.store(new Int32Array(stopFlag), 0, 1);
    };
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    return new Promise<RoutingSolution>((resolve, reject) => {
      const id = this.pending.open(resolve, reject, onProgress);
      const request: SolveRequest = { id, problem, options: portable, stopFlag, progress: onProgress !== undefined };
      worker.ref();
      worker.postMessage(request);
    }).finally(() => {
      signal?.removeEventListener('abort', stop);
      if (this.pending.size === 0) this.worker?.unref();
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.join(__dirname, 'worker-entry.js'));
    // An idle solver does not keep the process alive; a solve in hand does (see run).
    worker.unref();
    worker.on('message', (message: WorkerMessage) => this.pending.settle(message));
    worker.on('error', (error) => {
      if (this.worker === worker) this.worker = null;
      this.pending.failAll(new Error(`routing worker failed: ${error.message}`));
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      if (!this.closed) this.pending.failAll(new Error(`routing worker exited with code ${code} before answering`));
    });
    this.worker = worker;
    return worker;
  }
}

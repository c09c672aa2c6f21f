import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { InfeasibleProblemError } from '../errors';
import type { RoutingProblem, RoutingSolution, SolveOptions } from '../model';
import type { WorkerMessage } from './protocol';

/**
 * Runs `solve` in a worker thread so the caller's event loop stays free.
 * Same options as `solve`: `onProgress` is called on the caller's thread,
 * and aborting `signal` stops the search, which then resolves with the best
 * solution so far. Rejects with InfeasibleProblemError for refused input.
 * The matrices are copied to the worker unless they live in a
 * SharedArrayBuffer.
 */
export function solveInWorker(problem: RoutingProblem, options: SolveOptions = {}): Promise<RoutingSolution> {
  const { onProgress, signal, ...rest } = options;
  const stop = new SharedArrayBuffer(4);
  const stopFlag = new Int32Array(stop);
  if (signal?.aborted) Atomics.store(stopFlag, 0, 1);
  return new Promise<RoutingSolution>((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'worker-entry.js'), {
      workerData: { problem, options: rest, stop, progress: onProgress !== undefined },
    });
    let settled = false;
    const onAbort = (): void => {
      Atomics.store(stopFlag, 0, 1);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'progress':
          onProgress?.(message.bestCost, message.elapsedMs);
          break;
        case 'result':
          finish(() => resolve(message.solution));
          break;
        case 'infeasible':
          finish(() => reject(new InfeasibleProblemError(message.reason, message.message, message.stopIndex, message.stopId, message.field)));
          break;
        case 'failed':
          finish(() => reject(new Error(`routing worker failed: ${message.message}`)));
          break;
      }
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new Error(`routing worker exited with code ${code} before answering`))));
  });
}

import { parentPort, workerData } from 'node:worker_threads';
import { InfeasibleProblemError } from '../errors';
import type { RoutingProblem, SolveOptions } from '../model';
import { solve } from '../solve';
import type { WorkerMessage } from './protocol';
import { lowerThreadPriority } from './thread-priority';

interface WorkerInput {
  problem: RoutingProblem;
  options: Omit<SolveOptions, 'onProgress' | 'signal'>;
  stop: SharedArrayBuffer;
  progress: boolean;
}

const input = workerData as WorkerInput;
const stopFlag = new Int32Array(input.stop);
const post = (message: WorkerMessage): void => parentPort?.postMessage(message);
// A solve is background work: where it shares the cores with the ingest and the gateway (the all-in-one, a small deployment) they go first.
lowerThreadPriority();

try {
  const solution = solve(
    input.problem,
    { ...input.options, onProgress: input.progress ? (bestCost, elapsedMs) => post({ type: 'progress', bestCost, elapsedMs }) : undefined },
    { shouldStop: () => Atomics.load(stopFlag, 0) === 1 },
  );
  post({ type: 'result', solution });
} catch (error) {
  if (error instanceof InfeasibleProblemError) {
    post({ type: 'infeasible', reason: error.reason, message: error.message, stopIndex: error.stopIndex, stopId: error.stopId, field: error.field });
  } else {
    post({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}

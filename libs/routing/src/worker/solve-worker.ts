import { parentPort } from 'node:worker_threads';
import { InfeasibleProblemError } from '../errors';
import { solve } from '../solve';
import type { SolveRequest, WorkerMessage } from './protocol';
import { lowerThreadPriority } from './thread-priority';

// The solver's thread: it answers problems one after the other for as long
// as it lives, so a plan's search never stalls the caller's event loop and no
// plan pays for starting a thread. A shared flag stops a search early.
const port = parentPort;
if (!port) throw new Error('solve-worker must run as a worker thread');
const post = (message: WorkerMessage): void => port.postMessage(message);
// A solve is background work: where it shares the cores with the ingest and the
// gateway (the all-in-one, a small deployment) they go first. The thread lives
// for many solves, so it lowers its priority once, before the first.
lowerThreadPriority();

port.on('message', (request: SolveRequest) => {
  const { id } = request;
  const stopFlag = new Int32Array(request.stopFlag);
  try {
    const solution = solve(
      request.problem,
      { ...request.options, onProgress: request.progress ? (bestCost, elapsedMs) => post({ id, type: 'progress', bestCost, elapsedMs }) : undefined },
      { shouldStop: () => Atomics.load(stopFlag, 0) === 1 },
    );
    post({ id, type: 'result', solution });
  } catch (error) {
    if (error instanceof InfeasibleProblemError) {
      post({ id, type: 'infeasible', reason: error.reason, message: error.message, stopIndex: error.stopIndex, stopId: error.stopId, field: error.field });
    } else {
      post({ id, type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  }
});

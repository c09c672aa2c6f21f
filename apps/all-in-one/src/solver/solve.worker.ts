import { parentPort } from 'node:worker_threads';
import { InfeasibleProblemError, solve } from '@vulgraad/routing';
import type { SolveReply, SolveRequest } from './worker-protocol';

/**
 * The routing solver in a long-lived worker thread: problems one after the
 * other, so a plan's search never stalls the all-in-one's event loop and no
 * plan pays for starting a thread. A shared flag stops a search early.
 */
const port = parentPort;
if (!port) throw new Error('solve.worker must run as a worker thread');

port.on('message', (request: SolveRequest) => {
  const stop = new Int32Array(request.stopFlag);
  let reply: SolveReply;
  try {
    const solution = solve(request.problem, request.options, { shouldStop: () => Atomics.load(stop, 0) === 1 });
    reply = { id: request.id, ok: true, solution };
  } catch (error) {
    reply =
      error instanceof InfeasibleProblemError
        ? { id: request.id, ok: false, error: { kind: 'infeasible', reason: error.reason, message: error.message, stopIndex: error.stopIndex, stopId: error.stopId, field: error.field } }
        : { id: request.id, ok: false, error: { kind: 'other', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } };
  }
  port.postMessage(reply);
});

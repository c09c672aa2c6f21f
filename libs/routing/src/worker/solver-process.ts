import { InfeasibleProblemError } from '../errors';
import type { ProcessRequest, WorkerMessage } from './protocol';
import { SolverThread } from './solver-thread';
import { idleProcessScheduling, lowerProcessPriority } from './thread-priority';

// The solver's process: a child of the planner (or the all-in-one) that
// answers its problems one after the other on a SolverThread. A search
// allocates, and V8 collects and compiles for every thread of a process on
// helper threads of that process: in a process of its own, all of them run
// at background priority, so a solve beside the ingest and the gateway takes
// only the CPU they leave. Its main thread passes messages and stops searches.
// Under SCHED_IDLE where chrt can set it (Linux with util-linux): little
// more than the CPU the others leave; else at nice 19, which still takes a
// small share of a busy CPU.
lowerProcessPriority();
idleProcessScheduling();

const send = (message: WorkerMessage): void => void process.send?.(message);
const solver = new SolverThread();
solver.warmUp();
const running = new Map<number, AbortController>();

process.on('message', (request: ProcessRequest) => {
  if (request.type === 'stop') {
    running.get(request.id)?.abort();
    return;
  }
  const { id } = request;
  const controller = new AbortController();
  running.set(id, controller);
  solver
    .solve(request.problem, {
      ...request.options,
      signal: controller.signal,
      onProgress: request.progress ? (bestCost, elapsedMs) => send({ id, type: 'progress', bestCost, elapsedMs }) : undefined,
    })
    .then(
      (solution) => send({ id, type: 'result', solution }),
      (error: unknown) => {
        if (error instanceof InfeasibleProblemError) {
          send({ id, type: 'infeasible', reason: error.reason, message: error.message, stopIndex: error.stopIndex, stopId: error.stopId, field: error.field });
        } else {
          send({ id, type: 'failed', message: error instanceof Error ? error.message : String(error) });
        }
      },
    )
    .finally(() => running.delete(id));
});
// The planner is gone: nothing is left to answer.
process.on('disconnect', () => {
  void solver.close().finally(() => process.exit(0));
});

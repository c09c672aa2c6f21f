import { InfeasibleProblemError } from '../errors';
import type { RoutingProblem, RoutingSolution, SolveOptions } from '../model';
import type { WorkerMessage } from './protocol';

interface Pending {
  resolve(solution: RoutingSolution): void;
  reject(error: Error): void;
  onProgress?: (bestCost: number, elapsedMs: number) => void;
}

/**
 * The solves a solver outside the caller's thread (SolverThread, SolverWorker)
 * has in hand: one at a time in the order asked, each answered by the
 * messages of the protocol, all failed at once when the solver dies.
 */
export class PendingSolves {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `start` once the solves asked before it are done. */
  queue(problem: RoutingProblem, options: SolveOptions, start: (problem: RoutingProblem, options: SolveOptions) => Promise<RoutingSolution>): Promise<RoutingSolution> {
    const run = this.tail.then(() => start(problem, options));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** A new solve's id, answered through `settle`. */
  open(resolve: Pending['resolve'], reject: Pending['reject'], onProgress?: Pending['onProgress']): number {
    const id = this.nextId++;
    this.pending.set(id, { resolve, reject, onProgress });
    return id;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Fails one solve (its request could not be sent). */
  fail(id: number, error: Error): void {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    pending?.reject(error);
  }

  /** Hands a message from the solver to the solve it answers. */
  settle(message: WorkerMessage): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      pending.onProgress?.(message.bestCost, message.elapsedMs);
      return;
    }
    this.pending.delete(message.id);
    switch (message.type) {
      case 'result':
        pending.resolve(message.solution);
        break;
      case 'infeasible':
        pending.reject(new InfeasibleProblemError(message.reason, message.message, message.stopIndex, message.stopId, message.field));
        break;
      case 'failed':
        pending.reject(new Error(`routing worker failed: ${message.message}`));
        break;
    }
  }

  /** Fails every solve in hand. */
  failAll(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }
}

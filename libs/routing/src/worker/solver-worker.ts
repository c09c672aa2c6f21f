import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { InfeasibleProblemError } from '../errors';
import type { RoutingProblem, RoutingSolution, SolveOptions } from '../model';
import type { ProcessRequest, WorkerMessage } from './protocol';

interface Pending {
  resolve(solution: RoutingSolution): void;
  reject(error: Error): void;
  onProgress?: (bestCost: number, elapsedMs: number) => void;
}

/**
 * `solve` in one long-lived process of its own at background priority (nice
 * 19, every thread of it: the search and V8's garbage-collector and compiler
 * threads that serve it), one problem at a time. The caller's event loop
 * stays free, a solve sharing the cores with the ingest and the gateway (the
 * all-in-one, a small deployment) takes only the CPU they leave, and no solve
 * pays for starting the process (1-4 s of loading on a 2-core machine, more
 * than a plan's whole search budget). Same options as `solve`: `onProgress`
 * is called on the caller's thread, and aborting `signal` stops the search,
 * which then resolves with the best solution so far; refused input rejects
 * with InfeasibleProblemError. A process that dies fails the solve in hand
 * and is started again for the next. The problem is copied to the process.
 */
export class SolverWorker {
  private child: ChildProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** Solves a problem once the ones before it are done (a `SolveFn`, bound to this worker). */
  readonly solve = (problem: RoutingProblem, options: SolveOptions = {}): Promise<RoutingSolution> => {
    const run = this.tail.then(() => this.run(problem, options));
    this.tail = run.catch(() => undefined);
    return run;
  };

  /** The solver's process id while it runs (to watch its CPU). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process now rather than at the first solve. */
  warmUp(): void {
    if (!this.closed) this.ensureChild();
  }

  /** Stops the process; solves in hand or queued fail. */
  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill();
      await exited;
    }
    this.failAll(new Error('the solver was closed'));
  }

  private run(problem: RoutingProblem, options: SolveOptions): Promise<RoutingSolution> {
    if (this.closed) return Promise.reject(new Error('the solver is closed'));
    const { onProgress, signal, ...portable } = options;
    const child = this.ensureChild();
    const id = this.nextId++;
    const stop = (): void => this.send(child, { type: 'stop', id });
    return new Promise<RoutingSolution>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.hold(child, true);
      this.send(child, { type: 'solve', id, problem, options: portable, progress: onProgress !== undefined });
      if (signal?.aborted) stop();
      signal?.addEventListener('abort', stop, { once: true });
    }).finally(() => {
      signal?.removeEventListener('abort', stop);
      if (this.pending.size === 0 && this.child) this.hold(this.child, false);
    });
  }

  private send(child: ChildProcess, request: ProcessRequest): void {
    if (!child.connected) return;
    child.send(request, (error) => {
      if (!error) return;
      const pending = this.pending.get(request.id);
      this.pending.delete(request.id);
      pending?.reject(new Error(`the solver's process refused the request: ${error.message}`));
    });
  }

  /** An idle solver does not keep the caller's process alive; a solve in hand does. */
  private hold(child: ChildProcess, held: boolean): void {
    const channel = child.channel as { ref?(): void; unref?(): void } | null | undefined;
    if (held) {
      child.ref();
      channel?.ref?.();
    } else {
      child.unref();
      channel?.unref?.();
    }
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    // No inherited execArgv: a debugger's or a test runner's flags are not the solver's; the entry loads sources itself.
    const child = fork(path.join(__dirname, 'solver-process-entry.js'), [], { serialization: 'advanced', execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message: WorkerMessage) => this.settle(message));
    child.on('error', (error) => {
      if (this.child === child) this.child = null;
      this.failAll(new Error(`the solver's process failed: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      if (!this.closed) this.failAll(new Error(`the solver's process ended (${signal ?? `code ${code}`}) before answering`));
    });
    this.hold(child, false);
    this.child = child;
    return child;
  }

  private settle(message: WorkerMessage): void {
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

  private failAll(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }
}

import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { RoutingProblem, RoutingSolution, SolveOptions } from '../model';
import { PendingSolves } from './pending-solves';
import type { ProcessRequest, WorkerMessage } from './protocol';

/**
 * `solve` in one long-lived process of its own at background priority
 * (Linux's SCHED_IDLE where `chrt` can set it, else nice 19; every thread of
 * it: the search and V8's garbage-collector and compiler threads that serve
 * it), one problem at a time. The caller's event loop
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
  private readonly pending = new PendingSolves();
  private closed = false;

  /** Solves a problem once the ones before it are done (a `SolveFn`, bound to this worker). */
  readonly solve = (problem: RoutingProblem, options: SolveOptions = {}): Promise<RoutingSolution> =>
    this.pending.queue(problem, options, (p, o) => this.run(p, o));

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
    this.pending.failAll(new Error('the solver was closed'));
  }

  private run(problem: RoutingProblem, options: SolveOptions): Promise<RoutingSolution> {
    if (this.closed) return Promise.reject(new Error('the solver is closed'));
    const { onProgress, signal, ...portable } = options;
    const child = this.ensureChild();
    let stop = (): void => undefined;
    return new Promise<RoutingSolution>((resolve, reject) => {
      const id = this.pending.open(resolve, reject, onProgress);
      stop = (): void => this.send(child, { type: 'stop', id });
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
      this.pending.fail(request.id, new Error(`the solver's process refused the request: ${error.message}`));
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
    child.on('message', (message: WorkerMessage) => this.pending.settle(message));
    child.on('error', (error) => {
      if (this.child === child) this.child = null;
      this.pending.failAll(new Error(`the solver's process failed: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      if (!this.closed) this.pending.failAll(new Error(`the solver's process ended (${signal ?? `code ${code}`}) before answering`));
    });
    this.hold(child, false);
    this.child = child;
    return child;
  }
}

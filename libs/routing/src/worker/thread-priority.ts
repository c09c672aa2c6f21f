import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * The nice value a background solve runs at, the lowest there is: a thread at
 * nice 19 weighs 15 against 1,024 for one at 0, so the kernel gives live work
 * (ingest, gateway) the CPU whenever it wants it, and the solve the rest.
 */
export const BACKGROUND_NICE = 19;

/** Raises a thread's nice value to `nice` (never lowers it: that needs privileges). */
function lower(threadId: number, nice: number): boolean {
  if (!Number.isSafeInteger(threadId) || threadId <= 0) return false;
  try {
    if (getPriority(threadId) < nice) setPriority(threadId, nice);
    return true;
  } catch {
    return false;
  }
}

/**
 * Lowers the scheduling priority of the calling thread only (on Linux each
 * thread has its own nice value; /proc/thread-self names it). Best effort:
 * returns false where threads have no priority of their own.
 */
export function lowerThreadPriority(nice = BACKGROUND_NICE): boolean {
  try {
    return lower(Number(readlinkSync('/proc/thread-self').split('/').pop()), nice);
  } catch {
    return false;
  }
}

/**
 * Lowers the scheduling priority of every thread of this process: on Linux
 * each one by its id (the main thread's own, V8's garbage-collector and
 * compiler threads, libuv's), and threads started afterwards inherit it from
 * the thread that starts them; elsewhere the process's. The solver's process
 * calls it first thing. Returns how many threads were lowered.
 */
export function lowerProcessPriority(nice = BACKGROUND_NICE): number {
  let threadIds: number[];
  try {
    threadIds = readdirSync('/proc/self/task').map(Number);
  } catch {
    return lower(process.pid, nice) ? 1 : 0;
  }
  return threadIds.filter((threadId) => lower(threadId, nice)).length;
}

/** Linux's SCHED_IDLE policy number, as /proc/<pid>/stat gives it (field 41). */
export const SCHED_IDLE = 5;

/** The scheduling policy of a thread of this process from /proc (0 = SCHED_OTHER, 5 = SCHED_IDLE); NaN where there is no /proc. */
export function schedulingPolicy(threadId: number = process.pid): number {
  try {
    const stat = readFileSync(`/proc/${process.pid}/task/${threadId}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
  } catch {
    return NaN;
  }
}

/**
 * Puts every thread of this process under Linux's SCHED_IDLE policy, with
 * util-linux's `chrt --idle --all-tasks --pid 0 <pid>` (Node has no call for
 * it: os.setPriority sets the nice value only). Below even nice 19: a thread
 * at nice 19 still weighs 15 against 1,024 and gets its slice of a busy CPU
 * (the ingest and the gateway wait behind it for a few milliseconds at a
 * time); one under SCHED_IDLE weighs 3 and is preempted at once by any
 * ordinary thread that wakes, so it runs on what the others leave.
 * Threads started afterwards inherit the policy from the thread that starts
 * them. Needs no privilege. Returns false where there is no chrt (or not
 * Linux) or it refuses; the nice value of lowerProcessPriority stays the
 * fallback then. Call it once at start: it starts a process.
 */
export function idleProcessScheduling(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    execFileSync('chrt', ['--idle', '--all-tasks', '--pid', '0', String(process.pid)], { stdio: 'ignore', timeout: 10_000 });
  } catch {
    return false;
  }
  return schedulingPolicy() === SCHED_IDLE;
}

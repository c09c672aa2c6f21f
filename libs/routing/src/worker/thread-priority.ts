import { readdirSync, readlinkSync } from 'node:fs';
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

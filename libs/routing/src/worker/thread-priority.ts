import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The nice value a background solve runs at: the kernel then gives live work (ingest, gateway) the CPU first. */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the scheduling priority of the calling thread only (on Linux each
 * thread has its own nice value; /proc/thread-self names it). The solver's
 * worker calls it so that a solve sharing the cores with the ingest and the
 * gateway takes what they leave, instead of an equal share. Best effort:
 * returns false where threads have no priority of their own.
 */
export function lowerThreadPriority(nice = BACKGROUND_NICE): boolean {
  let threadId: number;
  try {
    threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return false;
  }
  if (!Number.isSafeInteger(threadId) || threadId <= 0) return false;
  try {
    if (getPriority(threadId) < nice) setPriority(threadId, nice);
    return true;
  } catch {
    return false;
  }
}

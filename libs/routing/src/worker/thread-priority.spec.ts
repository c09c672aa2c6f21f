import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BACKGROUND_NICE, lowerThreadPriority } from './thread-priority';

/** The nice value of the calling thread, field 19 of /proc/thread-self/stat. */
const niceOfThisThread = (): number => {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
};

const linux = existsSync('/proc/thread-self');

describe(lowerThreadPriority.name, () => {
  (linux ? it : it.skip)('lowers the priority of the thread that calls it, and of no other', async () => {
    const before = niceOfThisThread();
    // The worker loads this module from source through the same register the solver's worker uses.
    const source = `
      const { parentPort } = require('node:worker_threads');
      const { readFileSync } = require('node:fs');
      require(${JSON.stringify(path.join(__dirname, '..', '..', '..', '..', 'tools', 'register.js'))});
      const { lowerThreadPriority } = require(${JSON.stringify(path.join(__dirname, 'thread-priority.ts'))});
      const ok = lowerThreadPriority();
      const stat = readFileSync('/proc/thread-self/stat', 'utf8');
      parentPort.postMessage({ ok, nice: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]) });
    `;
    const result = await new Promise<{ ok: boolean; nice: number }>((resolve, reject) => {
      const worker = new Worker(source, { eval: true });
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(result).toEqual({ ok: true, nice: Math.max(BACKGROUND_NICE, before) });
    expect(niceOfThisThread()).toBe(before);
  });
});

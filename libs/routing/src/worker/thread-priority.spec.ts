import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BACKGROUND_NICE, idleProcessScheduling, lowerThreadPriority, SCHED_IDLE, schedulingPolicy } from './thread-priority';

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

const hasChrt = linux && spawnSync('chrt', ['--help'], { stdio: 'ignore' }).status === 0;

describe(idleProcessScheduling.name, () => {
  (hasChrt ? it : it.skip)('puts every thread of the calling process under SCHED_IDLE, threads started afterwards too, and leaves other processes alone', () => {
    const script = `
      require(${JSON.stringify(path.join(__dirname, '..', '..', '..', '..', 'tools', 'register.js'))});
      const { readdirSync } = require('node:fs');
      const { Worker } = require('node:worker_threads');
      const { idleProcessScheduling, schedulingPolicy } = require(${JSON.stringify(path.join(__dirname, 'thread-priority.ts'))});
      const ok = idleProcessScheduling();
      const worker = new Worker('setTimeout(() => undefined, 200)', { eval: true });
      worker.once('online', () => {
        const policies = readdirSync('/proc/self/task').map((tid) => schedulingPolicy(Number(tid)));
        process.stdout.write(JSON.stringify({ ok, policies }));
        void worker.terminate();
      });
    `;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe('');
    const { ok, policies } = JSON.parse(child.stdout) as { ok: boolean; policies: number[] };
    expect(ok).toBe(true);
    expect(policies.length).toBeGreaterThan(1);
    expect(policies.every((p) => p === SCHED_IDLE)).toBe(true);
    expect(schedulingPolicy()).not.toBe(SCHED_IDLE);
  });
});

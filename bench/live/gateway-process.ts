import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  url: string;
  kill(): Promise<void>;
}

/**
 * Node options for the service from BENCH_SERVICE_NODE_ARGS (space-separated), for a benchmark to
 * profile it, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (not allowed in NODE_OPTIONS).
 */
const nodeArgs = (): string[] => (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);

/**
 * Starts an app's main.ts as its own process (as in production) with env on
 * top of this one's, and resolves when its "listening" log line names the port.
 */
export function spawnService(main: string, readyMessage: string, env: Record<string, string>, startTimeoutMs = 90_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...nodeArgs(), '-r', './tools/register.js', main], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, LOG_JSON: 'true', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${main} did not start within ${startTimeoutMs} ms\n${stderr}`));
    }, startTimeoutMs);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${main} exited during start\n${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (entry.level === 'error') process.stderr.write(`[${path.basename(path.dirname(path.dirname(main)))}] ${line}\n`);
      if (entry.msg === readyMessage && typeof entry.port === 'number') {
        clearTimeout(timer);
        resolve({
          child,
          port: entry.port,
          url: `http://127.0.0.1:${entry.port}`,
          kill: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
            await exited;
            clearTimeout(forced);
          },
        });
      }
    });
  });
}

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** What each app logs once it listens, with its port. */
const LISTENING: Record<AppName, string> = {
  ingest: 'ingest listening',
  planner: 'planner listening',
  gateway: 'gateway listening',
  alerts: 'alerts listening',
};

export type AppName = 'ingest' | 'planner' | 'gateway' | 'alerts';

/** One app as its own operating-system process, started the way deploy/ starts it. */
export interface AppProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  port: number;
  baseUrl: string;
  /** Every JSON log line so far. */
  logs: Array<Record<string, unknown>>;
  /** Everything written to stdout and stderr, as text (for the secret checks). */
  output(): string;
  exited: Promise<number | string | null>;
  kill(signal?: NodeJS.Signals): Promise<number | string | null>;
  /** Resident memory of the process now, MiB (from /proc). */
  rssMb(): number;
}

/** Starts `node -r ./tools/register.js apps/<app>/src/main.ts` and resolves once it listens. */
export function spawnApp(app: AppName, env: Record<string, string>, options: { label?: string; startTimeoutMs?: number } = {}): Promise<AppProcess> {
  const startTimeoutMs = options.startTimeoutMs ?? 90_000;
  const portVariable = { ingest: 'INGEST_HTTP_PORT', planner: 'PLANNER_HTTP_PORT', gateway: 'GATEWAY_PORT', alerts: 'ALERTS_HTTP_PORT' }[app];
  const child = spawn(process.execPath, ['-r', './tools/register.js', `apps/${app}/src/main.ts`], {
    cwd: REPO_ROOT,
    env: { ...process.env, [portVariable]: '0', LOG_LEVEL: 'info', ...env, LOG_JSON: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let text = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${app} did not start within ${startTimeoutMs} ms\n${text.slice(-4000)}`));
    }, startTimeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${app} exited during start (${String(code)})\n${text.slice(-4000)}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      text += `${line}\n`;
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === LISTENING[app] && typeof entry.port === 'number') {
        clearTimeout(timer);
        const port = entry.port;
        resolve({
          name: options.label ?? app,
          child,
          pid: child.pid as number,
          port,
          baseUrl: `http://127.0.0.1:${port}`,
          logs,
          output: () => text,
          exited,
          kill: (signal: NodeJS.Signals = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
          rssMb: () => {
            const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
            const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
            return Math.round(kb / 1024);
          },
        });
      }
    });
  });
}

/** Polls until check() holds; fails with what it waited for. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

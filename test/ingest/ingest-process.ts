import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The ingest as its own operating-system process, as it runs in production. */
export interface IngestProcess {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  /** Every JSON log entry written so far. */
  logs: Array<Record<string, unknown>>;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | string | null>;
  kill(signal?: NodeJS.Signals): Promise<number | string | null>;
}

/**
 * Node options for the ingest process from BENCH_INGEST_NODE_ARGS (space-separated), for a
 * benchmark to profile it, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (not allowed in NODE_OPTIONS).
 */
const nodeArgs = (): string[] => (process.env.BENCH_INGEST_NODE_ARGS ?? '').split(' ').filter(Boolean);

/**
 * Starts `node -r ./tools/register.js apps/ingest/src/main.ts` with env on top
 * of the current environment, and resolves when it listens on its HTTP port.
 */
export function spawnIngest(env: Record<string, string>, startTimeoutMs = 60_000): Promise<IngestProcess> {
  const child = spawn(process.execPath, [...nodeArgs(), '-r', './tools/register.js', 'apps/ingest/src/main.ts'], {
    cwd: REPO_ROOT,
    // The start is recognised by the 'ingest listening' entry, so the level is at least info.
    env: { ...process.env, INGEST_HTTP_PORT: '0', ...env, LOG_JSON: 'true', LOG_LEVEL: env.LOG_LEVEL === 'debug' ? 'debug' : 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ingest did not start within ${startTimeoutMs} ms\n${stderr}`));
    }, startTimeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`ingest exited during start (${String(code)})\n${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === 'ingest listening' && typeof entry.port === 'number') {
        clearTimeout(timer);
        const port = entry.port;
        resolve({
          child,
          port,
          baseUrl: `http://127.0.0.1:${port}`,
          logs,
          exited,
          kill: (signal: NodeJS.Signals = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    });
  });
}

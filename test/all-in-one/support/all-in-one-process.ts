import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const READY = /vulgraad is ready: open (http:\/\/\S+)/;
/** The banner's last line: everything above it has been printed. */
const BANNER_END = 'Stop with Ctrl-C.';

/** `npm start` as a child process, exactly as a person runs it (node -r ./tools/register.js apps/all-in-one/src/main.ts). */
export interface AllInOneProcess {
  /** The dashboard's address, from the line printed when ready. */
  url: string;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Sends the signal and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ends it without waiting (for afterAll after a failure). */
  kill(): void;
}

/** Starts the process with `env` on top of this one's and waits for its whole ready banner (or fails with the output). */
export async function startAllInOneProcess(env: Record<string, string>, readyTimeoutMs = 180_000): Promise<AllInOneProcess> {
  const child: ChildProcess = spawn(process.execPath, ['-r', './tools/register.js', 'apps/all-in-one/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`not ready within ${readyTimeoutMs} ms; output:\n${tail(text)}`));
    }, readyTimeoutMs);
    const onData = (): void => {
      const match = READY.exec(text);
      if (!match || !text.includes(BANNER_END)) return;
      cleanup();
      resolve(match[1] as string);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`exited with code ${code} before it was ready; output:\n${tail(text)}`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });

  return {
    url,
    output: () => text,
    stop: async (signal = 'SIGTERM', timeoutMs = 60_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

function tail(text: string, lines = 60): string {
  return text.split('\n').slice(-lines).join('\n');
}

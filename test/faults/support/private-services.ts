import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * PostgreSQL, Mosquitto and Redis instances of a fault test's own, on free
 * ports in temporary folders. The fault tests stop and start them; the
 * machine's shared services, which other tests use at the same moment, are
 * never touched.
 */
export interface PrivateService {
  /** Connection URL (postgres://, mqtt://, redis://). */
  url: string;
  port: number;
  /** Stops the server; what it persists stays for the next start. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

const PG_BIN = process.env.TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

async function waitPort(port: number, open: boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await portOpen(port)) !== open) {
    if (Date.now() > deadline) throw new Error(`${what}: port ${port} did not ${open ? 'open' : 'close'} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** PostgreSQL refuses to run as root: as root, run its programs as the postgres user. */
const asPostgres = (args: string[]): [string, string[]] => (process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', ...args]] : [args[0] as string, args.slice(1)]);

/** True when this machine can run a PostgreSQL of the test's own. */
export const canRunPrivatePostgres = (): boolean => existsSync(path.join(PG_BIN, 'initdb'));

/** A PostgreSQL cluster of its own (initdb in a temporary folder, trust authentication, no fsync). */
export async function startPrivatePostgres(): Promise<PrivateService> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vulgraad-pg-'));
  const data = path.join(dir, 'data');
  const sockets = path.join(dir, 'sock');
  mkdirSync(sockets);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    chownSync(sockets, uid, gid);
  }
  chmodSync(dir, 0o700);
  const [initCmd, initArgs] = asPostgres([path.join(PG_BIN, 'initdb'), '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  execFileSync(initCmd, initArgs, { stdio: 'ignore' });
  const port = await freePort();
  const pgCtl = (args: string[]): void => {
    const [cmd, rest] = asPostgres([path.join(PG_BIN, 'pg_ctl'), '-D', data, ...args]);
    execFileSync(cmd, rest, { stdio: 'ignore' });
  };
  const options = `-p ${port} -k ${sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60`;
  const service: PrivateService = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: async () => {
      pgCtl(['-o', options, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', 'start']);
      await waitPort(port, true, 30_000, 'PostgreSQL');
    },
    stop: async () => {
      // fast: the server ends every connection at once, as a crash or a failover would look to the clients.
      pgCtl(['-m', 'fast', '-w', '-t', '60', 'stop']);
      await waitPort(port, false, 30_000, 'PostgreSQL');
    },
    destroy: async () => {
      try {
        pgCtl(['-m', 'immediate', '-w', 'stop']);
      } catch {
        // not running
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await service.start();
  return service;
}

/** Starts a long-running server process and resolves once its port answers. */
function spawnServer(command: string, args: string[], port: number, what: string): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const failed = (code: unknown): void => reject(new Error(`${what} exited at start (${String(code)}): ${stderr}`));
    child.once('exit', failed);
    child.once('error', failed);
    waitPort(port, true, 20_000, what).then(
      () => {
        child.off('exit', failed);
        child.off('error', failed);
        resolve(child);
      },
      (error: unknown) => {
        child.kill('SIGKILL');
        reject(error as Error);
      },
    );
  });
}

async function stopChild(child: ChildProcess | null, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/**
 * A Mosquitto of its own with the settings the README asks of a production
 * broker: persistence (sessions and queued messages survive a restart),
 * no limit on the offline queue, TCP_NODELAY. `extraConfig` adds lines
 * (password and ACL files for the security tests).
 */
export async function startPrivateMosquitto(options: { extraConfig?: string[]; allowAnonymous?: boolean } = {}): Promise<PrivateService & { dir: string; readonly pid: number | undefined }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vulgraad-mosquitto-'));
  const port = await freePort();
  const config = path.join(dir, 'mosquitto.conf');
  writeFileSync(
    config,
    [
      `listener ${port} 127.0.0.1`,
      `allow_anonymous ${options.allowAnonymous ?? true}`,
      'persistence true',
      `persistence_location ${dir}/`,
      'autosave_interval 0',
      'max_queued_messages 0',
      'max_inflight_messages 0',
      'set_tcp_nodelay true',
      'log_type error',
      'log_dest stderr',
      ...(options.extraConfig ?? []),
    ].join('\n') + '\n',
  );
  if (process.getuid?.() === 0) chmodSync(dir, 0o777);
  let child: ChildProcess | null = null;
  const service = {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    dir,
    /** The running broker's process (a benchmark reads its CPU from /proc). */
    get pid(): number | undefined {
      return child?.pid;
    },
    start: async () => {
      child = await spawnServer('mosquitto', ['-c', config], port, 'mosquitto');
    },
    // SIGTERM: Mosquitto writes its persistence file (sessions, queued and in-flight messages) on the way out.
    stop: async () => {
      await stopChild(child);
      child = null;
      await waitPort(port, false, 10_000, 'mosquitto');
    },
    destroy: async () => {
      await stopChild(child, 'SIGKILL');
      child = null;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await service.start();
  return service;
}

/** A Redis of its own with an append-only file synced on every write, so a restart keeps every queue. */
export async function startPrivateRedis(): Promise<PrivateService> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vulgraad-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--loglevel', 'warning'];
  const service: PrivateService = {
    url: `redis://127.0.0.1:${port}`,
    port,
    start: async () => {
      child = await spawnServer('redis-server', args, port, 'redis-server');
    },
    stop: async () => {
      await stopChild(child);
      child = null;
      await waitPort(port, false, 10_000, 'redis-server');
    },
    destroy: async () => {
      await stopChild(child, 'SIGKILL');
      child = null;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await service.start();
  return service;
}

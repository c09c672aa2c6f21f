import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A Mosquitto of the test's own, with the settings the README asks of a production broker. */
export interface PrivateBroker {
  url: string;
  stop(): Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

/**
 * Starts `mosquitto` on a free port with an unlimited offline queue
 * (max_queued_messages 0). The machine's broker keeps the Debian default of
 * 1000 queued messages per client, so while an ingest replica is down it
 * drops the rest of a stream: that is the broker's setting, not something the
 * ingest can recover, and the crash test must not depend on it.
 */
export async function startPrivateBroker(): Promise<PrivateBroker> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vulgraad-mosquitto-'));
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const config = path.join(dir, 'mosquitto.conf');
    writeFileSync(
      config,
      [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'max_queued_messages 0', 'set_tcp_nodelay true', 'log_type error'].join('\n') + '\n',
    );
    const child: ChildProcess = spawn('mosquitto', ['-c', config], { stdio: 'ignore' });
    const started = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(true), 700);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
      child.once('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!started) continue;
    return {
      url: `mqtt://127.0.0.1:${port}`,
      stop: async () => {
        if (child.exitCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error('mosquitto could not be started on a free port (is the mosquitto binary installed?)');
}

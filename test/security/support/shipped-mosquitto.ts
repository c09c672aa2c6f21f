import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, portOpen } from '../../faults/support/private-services';
import { DEPLOY_DIR } from '../../deploy/manifests';

/** The machine's Mosquitto running deploy/mosquitto/mosquitto.conf, moved to free ports and a folder of its own. */
export interface ShippedMosquitto {
  /** The devices' and network servers' listener (1883 in the deployment). */
  publicUrl: string;
  /** The services' listener (1884 in the deployment). */
  servicesUrl: string;
  /** Where mosquitto-auth writes: passwd, acl, services.passwd, services.acl. */
  authDir: string;
  /** The configuration as run. */
  config: string;
  output(): string;
  destroy(): Promise<void>;
}

/**
 * Starts Mosquitto with the shipped configuration after writeAuth has put the
 * generated files into authDir. Only the two listeners and the folders are
 * moved; every other line runs as shipped.
 */
export async function startShippedMosquitto(writeAuth: (authDir: string) => Promise<void> | void): Promise<ShippedMosquitto> {
  const shipped = readFileSync(path.join(DEPLOY_DIR, 'mosquitto', 'mosquitto.conf'), 'utf8');
  const dir = mkdtempSync(path.join(tmpdir(), 'vulgraad-shipped-mosquitto-'));
  // Mosquitto started as root drops to its own user, which must reach these folders and files.
  if (process.getuid?.() === 0) chmodSync(dir, 0o777);
  for (const sub of ['data', 'auth']) {
    mkdirSync(path.join(dir, sub));
    chmodSync(path.join(dir, sub), 0o777);
  }
  const authDir = path.join(dir, 'auth');
  await writeAuth(authDir);
  for (const file of ['passwd', 'acl', 'services.passwd', 'services.acl']) chmodSync(path.join(authDir, file), 0o644);
  const [publicPort, servicesPort] = [await freePort(), await freePort()];
  const config = shipped
    .replace(/^listener 1883$/m, `listener ${publicPort} 127.0.0.1`)
    .replace(/^listener 1884$/m, `listener ${servicesPort} 127.0.0.1`)
    .replaceAll('/mosquitto/data/', `${dir}/data/`)
    .replaceAll('/mosquitto/auth/', `${authDir}/`);
  writeFileSync(path.join(dir, 'mosquitto.conf'), config);
  const broker: ChildProcess = spawn('mosquitto', ['-c', path.join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  broker.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  broker.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 10_000;
  while (!(await portOpen(publicPort)) || !(await portOpen(servicesPort))) {
    if (broker.exitCode !== null || Date.now() > deadline) throw new Error(`mosquitto did not start with the shipped configuration: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    publicUrl: `mqtt://127.0.0.1:${publicPort}`,
    servicesUrl: `mqtt://127.0.0.1:${servicesPort}`,
    authDir,
    config,
    output: () => output,
    destroy: async () => {
      if (broker.exitCode === null && broker.signalCode === null) {
        const exited = new Promise((resolve) => broker.once('exit', resolve));
        broker.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

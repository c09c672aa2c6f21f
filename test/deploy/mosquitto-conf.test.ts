import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashSecret, type MqttAccount, mosquittoFiles } from '@vulgraad/security';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { freePort, portOpen } from '../faults/support/private-services';
import { DEPLOY_DIR } from './manifests';

jest.setTimeout(60_000);

// The broker settings deploy/ ships (deploy/mosquitto/mosquitto.conf, the same
// text as the Kubernetes ConfigMap) run on the machine's real Mosquitto: only
// the two listeners and the two folders are moved to free ports and a temporary
// folder. Password and ACL files come from the registry's file writer.
// Mosquitto 2.0.11 here; the manifests pin eclipse-mosquitto 2.0.20.

const SHARE = '$share/vulgraad-ingest/vulgraad/v1/#';
const DEVICE_TOPIC = 'vulgraad/v1/devices/dev-1/readings';

describe('Mosquitto with deploy/mosquitto/mosquitto.conf', () => {
  const shipped = readFileSync(path.join(DEPLOY_DIR, 'mosquitto', 'mosquitto.conf'), 'utf8');
  const secrets = { service: 'service-secret-1', device: 'device-secret-1' };
  let dir: string;
  let port: number;
  let servicesPort: number;
  let broker: ChildProcess;
  let brokerOutput = '';
  const clients: MqttClient[] = [];

  /** Connects with handlers in place before the first packet can arrive; resolves on CONNACK. */
  const connect = (options: IClientOptions, onMessage?: (payload: string) => void, listenerPort = port): Promise<MqttClient> =>
    new Promise((resolve, reject) => {
      const client = mqtt.connect(`mqtt://127.0.0.1:${listenerPort}`, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5000, ...options });
      clients.push(client);
      if (onMessage) client.on('message', (_topic, payload) => onMessage(payload.toString()));
      client.once('connect', () => resolve(client));
      client.once('error', reject);
    });
  const service = (clientId: string, onMessage: (payload: string) => void): Promise<MqttClient> =>
    connect({ clientId, username: 'vulgraad-services', password: secrets.service, clean: false, properties: { sessionExpiryInterval: 3600 } }, onMessage, servicesPort);
  const waitUntil = async (check: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 20_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vulgraad-deploy-mosquitto-'));
    // Mosquitto started as root drops to its own user, which must reach these folders.
    if (process.getuid?.() === 0) chmodSync(dir, 0o777);
    for (const sub of ['data', 'auth']) {
      mkdirSync(path.join(dir, sub));
      chmodSync(path.join(dir, sub), 0o777);
    }
    const accounts: MqttAccount[] = [
      { identity: { kind: 'service', username: 'vulgraad-services' }, passwordHash: hashSecret(secrets.service) },
      { identity: { kind: 'device', username: 'dev-1' }, passwordHash: hashSecret(secrets.device) },
    ];
    const files = mosquittoFiles(accounts);
    writeFileSync(path.join(dir, 'auth', 'passwd'), files.passwords, { mode: 0o644 });
    writeFileSync(path.join(dir, 'auth', 'acl'), files.acl, { mode: 0o644 });
    writeFileSync(path.join(dir, 'auth', 'services.passwd'), files.servicePasswords, { mode: 0o644 });
    writeFileSync(path.join(dir, 'auth', 'services.acl'), files.serviceAcl, { mode: 0o644 });

    port = await freePort();
    servicesPort = await freePort();
    const config = shipped
      .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
      .replace(/^listener 1884$/m, `listener ${servicesPort} 127.0.0.1`)
      .replaceAll('/mosquitto/data/', `${dir}/data/`)
      .replaceAll('/mosquitto/auth/', `${dir}/auth/`);
    // Exactly the listener and the three paths moved: everything else runs as shipped.
    const changed = shipped.split('\n').filter((line, i) => line !== config.split('\n')[i]);
    expect(changed).toEqual([
      'listener 1883', 'password_file /mosquitto/auth/passwd', 'acl_file /mosquitto/auth/acl',
      'listener 1884', 'password_file /mosquitto/auth/services.passwd', 'acl_file /mosquitto/auth/services.acl',
      'persistence_location /mosquitto/data/',
    ]);
    writeFileSync(path.join(dir, 'mosquitto.conf'), config);

    broker = spawn('mosquitto', ['-c', path.join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    broker.stdout?.on('data', (chunk: Buffer) => (brokerOutput += chunk.toString()));
    broker.stderr?.on('data', (chunk: Buffer) => (brokerOutput += chunk.toString()));
    const deadline = Date.now() + 10_000;
    while (!(await portOpen(port)) || !(await portOpen(servicesPort))) {
      if (broker.exitCode !== null || Date.now() > deadline) throw new Error(`mosquitto did not start with the shipped configuration: ${brokerOutput}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  afterAll(async () => {
    for (const client of clients) await client.endAsync(true).catch(() => undefined);
    if (broker && broker.exitCode === null) {
      const exited = new Promise((resolve) => broker.once('exit', resolve));
      broker.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses anonymous clients and a wrong secret, and lets the services log in on their own listener only', async () => {
    await expect(connect({ clientId: 'anonymous-1' })).rejects.toThrow(/not authori[sz]ed|135/i);
    await expect(connect({ clientId: 'anonymous-2' }, undefined, servicesPort)).rejects.toThrow(/not authori[sz]ed|135/i);
    await expect(connect({ clientId: 'wrong-1', username: 'vulgraad-services', password: 'wrong' }, undefined, servicesPort)).rejects.toThrow();
    await expect(connect({ clientId: 'service-on-public-1', username: 'vulgraad-services', password: secrets.service })).rejects.toThrow();
    await expect(connect({ clientId: 'dev-1', username: 'dev-1', password: secrets.device }, undefined, servicesPort)).rejects.toThrow();
    const client = await connect({ clientId: 'service-login-1', username: 'vulgraad-services', password: secrets.service }, undefined, servicesPort);
    expect(client.connected).toBe(true);
  });

  it('splits a device\'s readings between two replicas on the shared subscription, each delivered once', async () => {
    const received: Record<string, string[]> = { a: [], b: [] };
    const a = await service('split-a', (p) => received.a!.push(p));
    const b = await service('split-b', (p) => received.b!.push(p));
    await a.subscribeAsync(SHARE, { qos: 1 });
    await b.subscribeAsync(SHARE, { qos: 1 });
    const device = await connect({ clientId: 'dev-1', username: 'dev-1', password: secrets.device });
    for (let seq = 0; seq < 40; seq++) await device.publishAsync(DEVICE_TOPIC, `{"v":1,"ts":${seq},"seq":${seq},"fillPct":10}`, { qos: 1 });
    await waitUntil(() => received.a!.length + received.b!.length >= 40, '40 readings');
    const all = [...received.a!, ...received.b!];
    expect(new Set(all).size).toBe(40);
    expect(all).toHaveLength(40);
    expect(received.a!.length).toBeGreaterThan(0);
    expect(received.b!.length).toBeGreaterThan(0);
    await Promise.all([a.unsubscribeAsync(SHARE), b.unsubscribeAsync(SHARE)]);
    await device.endAsync();
  });

  it('keeps more than Mosquitto\'s default 1000 readings for a replica that is away, and hands them over when it returns', async () => {
    const received: Record<string, string[]> = { a: [], b: [] };
    const a = await service('away-a', (p) => received.a!.push(p));
    const b = await service('away-b', (p) => received.b!.push(p));
    await a.subscribeAsync(SHARE, { qos: 1 });
    await b.subscribeAsync(SHARE, { qos: 1 });
    // Replica b stops; its session (and its place in the share group) stays at the broker.
    await b.endAsync();
    const device = await connect({ clientId: 'dev-1-away', username: 'dev-1', password: secrets.device });
    const count = 3000;
    for (let seq = 0; seq < count; seq++) device.publish(DEVICE_TOPIC, `{"v":1,"ts":${seq},"seq":${seq},"fillPct":20}`, { qos: 1 });
    await waitUntil(() => received.a!.length >= count / 2, 'replica a\'s share');
    await service('away-b', (p) => received.b!.push(p));
    await waitUntil(() => received.a!.length + received.b!.length >= count, `${count} readings`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const all = [...received.a!, ...received.b!];
    expect(all).toHaveLength(count);
    expect(new Set(all).size).toBe(count);
    // Mosquitto kept handing the absent replica its share: over 1000 of them waited for it (the default max_queued_messages would have dropped the rest).
    expect(received.b!.length).toBeGreaterThan(1000);
    await device.endAsync();
  });
});

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { generateSecret, hashSecret, mosquittoFiles, MqttAccountsRepository } from '@vulgraad/security';
import mqtt from 'mqtt';
import { call, login, ADMIN_PASSWORD, type RunningGateway, startGateway } from '../gateway/support/gateway-app';
import { seedDevices, uniqueName, waitFor } from '../ingest/harness';
import { testPostgresUrl } from '../support/services';
import { type ShippedMosquitto, startShippedMosquitto } from './support/shipped-mosquitto';

jest.setTimeout(120_000);

/** The pid of the Mosquitto running this configuration file, from /proc (the helper keeps its child to itself). */
function pidRunning(configFile: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(configFile)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no process runs ${configFile}`);
}

// The machine's Mosquitto with the shipped configuration, and a gateway told where its files
// and pid are: a login made through the API works on Mosquitto without a restart.
describe('onboarding through the API with Mosquitto', () => {
  let scratch: ScratchDatabase;
  let broker: ShippedMosquitto;
  let gw: RunningGateway;
  let token = '';
  const connect = (username: string, password: string) =>
    mqtt.connectAsync(broker.publicUrl, { protocolVersion: 5, clientId: username, username, password, reconnectPeriod: 0, connectTimeout: 5000 });

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'sec_mosq_onboard' });
    await new MqttAccountsRepository(scratch.db).upsertAccount({ username: 'vulgraad-ingest', passwordHash: hashSecret(generateSecret()), kind: 'service', applications: null });
    broker = await startShippedMosquitto(async (authDir) => {
      const files = mosquittoFiles(await new MqttAccountsRepository(scratch.db).list());
      writeFileSync(path.join(authDir, 'passwd'), files.passwords);
      writeFileSync(path.join(authDir, 'acl'), files.acl);
      writeFileSync(path.join(authDir, 'services.passwd'), files.servicePasswords);
      writeFileSync(path.join(authDir, 'services.acl'), files.serviceAcl);
    });
    const configFile = path.join(path.dirname(broker.authDir), 'mosquitto.conf');
    const pidFile = path.join(path.dirname(broker.authDir), 'mosquitto.pid');
    writeFileSync(pidFile, `${pidRunning(configFile)}\n`);
    gw = await startGateway({ db: scratch.db, env: { MOSQUITTO_AUTH_DIR: broker.authDir, MOSQUITTO_PID_FILE: pidFile } });
    token = await login(gw.url, 'admin', ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await gw?.close();
    await broker?.destroy();
    await scratch?.drop();
  });

  it('a device secret set through the API logs in to the running Mosquitto; a new one shuts the old one out', async () => {
    const [device] = await seedDevices(scratch.db, uniqueName('mq'), 1);
    await expect(connect(device!.externalRef, 'anything')).rejects.toThrow();
    const issued = await call<{ secret: string; broker: string; brokerState: { state: string; folder: string; pid: number } }>(`${gw.url}/api/devices/${device!.deviceId}/secret`, { token, method: 'POST' });
    expect(issued.status).toBe(201);
    expect(issued.body.broker).toMatch(/told to read them/);
    // The same, for a page to say in its own language.
    expect(issued.body.brokerState).toEqual({ state: 'reloaded', folder: broker.authDir, pid: expect.any(Number) });
    expect(readFileSync(path.join(broker.authDir, 'passwd'), 'utf8')).toContain(`${device!.externalRef}:$7$`);
    // SIGHUP is handled by Mosquitto's loop a moment later.
    await waitFor(async () => {
      const client = await connect(device!.externalRef, issued.body.secret);
      await client.endAsync();
      return true;
    }, 10_000, 'Mosquitto accepts the new secret');

    const rotated = await call<{ secret: string }>(`${gw.url}/api/devices/${device!.deviceId}/secret`, { token, method: 'POST' });
    await waitFor(async () => {
      const client = await connect(device!.externalRef, issued.body.secret).catch(() => null);
      if (client) await client.endAsync();
      return client === null;
    }, 10_000, 'Mosquitto refuses the old secret');
    const client = await connect(device!.externalRef, rotated.body.secret);
    await client.endAsync();
  });

  it('a network server account made through the API publishes its application\'s uplinks on Mosquitto', async () => {
    const username = uniqueName('ns');
    const made = await call<{ secret: string }>(`${gw.url}/api/mqtt-accounts`, { token, body: { username, kind: 'network_server', applications: ['waste@ttn'] } });
    expect(made.status).toBe(201);
    let ns: mqtt.MqttClient | null = null;
    await waitFor(async () => {
      ns = await mqtt.connectAsync(broker.publicUrl, { protocolVersion: 5, clientId: uniqueName('nsc'), username, password: made.body.secret, reconnectPeriod: 0, connectTimeout: 5000 });
      return true;
    }, 10_000, 'Mosquitto accepts the network server');
    const client = ns as unknown as mqtt.MqttClient;
    await client.publishAsync('v3/waste@ttn/devices/d1/up', '{}', { qos: 1 });
    // Another application's topic: Mosquitto answers the QoS 1 publish with "not authorized".
    await expect(client.publishAsync('v3/parking@ttn/devices/d1/up', '{}', { qos: 1 })).rejects.toThrow();
    await client.endAsync();
  });
});

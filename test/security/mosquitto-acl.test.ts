import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import mqtt, { type MqttClient } from 'mqtt';
import { parseArgs, run } from '../../apps/cli/src/main';
import { seedDevices, uniqueName } from '../ingest/harness';
import { testPostgresUrl } from '../support/services';
import { type ShippedMosquitto, startShippedMosquitto } from './support/shipped-mosquitto';

jest.setTimeout(60_000);

// The registry's devices and accounts become Mosquitto's password and ACL files
// through the CLI; a real Mosquitto (one of the test's own, with the shipped
// deploy/mosquitto/mosquitto.conf) then lets a device publish on its own topic
// and refuses it on another device's topic.
describe('Mosquitto with the password and ACL files generated from the registry', () => {
  let scratch: ScratchDatabase;
  let broker: ShippedMosquitto;
  const clients: MqttClient[] = [];
  const secrets: Record<string, string> = {};

  const cli = async (...argv: string[]): Promise<string[]> => run(scratch.db, parseArgs(argv));
  const printed = (lines: string[], label: string): string => lines.find((l) => l.startsWith(`${label}: `))!.slice(label.length + 2);
  const connect = async (username?: string, password?: string, url = broker.publicUrl): Promise<MqttClient> => {
    const client = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: uniqueName('acl'), username, password, reconnectPeriod: 0, connectTimeout: 5000 });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'sec_acl' });
    const devices = await seedDevices(scratch.db, 'acl', 2);
    for (const d of devices) secrets[d.externalRef] = printed(await cli('device-secret', d.externalRef), 'secret');
    secrets.ingest = printed(await cli('mqtt-account', 'ingest', '--kind', 'service'), 'password');
    // The files go where Mosquitto is told to read them, before it starts.
    broker = await startShippedMosquitto(async (authDir) => {
      expect((await cli('mosquitto-auth', authDir))[0]).toMatch(/2 users \(devices and network servers\); services\.passwd and services\.acl: 1 users \(services\)/);
    });
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    await broker?.destroy();
    await scratch?.drop();
  });

  it('keeps the secrets out of the files and the audit log, and audits every credential change', async () => {
    const files = ['passwd', 'acl', 'services.passwd', 'services.acl'].map((file) => readFileSync(path.join(broker.authDir, file), 'utf8')).join('');
    const audit = (await scratch.db.query<{ action: string; actor: string; detail: unknown }>('SELECT action, actor, detail FROM audit_log ORDER BY id')).rows;
    for (const secret of Object.values(secrets)) {
      expect(files).not.toContain(secret);
      expect(JSON.stringify(audit)).not.toContain(secret);
    }
    expect(audit.map((a) => a.action)).toEqual(['device.secret', 'device.secret', 'mqtt_account.set']);
    expect(audit.every((a) => a.actor.startsWith('cli:'))).toBe(true);
  });

  it('lets a device publish on its own topic and refuses another device\'s topic', async () => {
    const service = await connect('ingest', secrets.ingest, broker.servicesUrl);
    const received: string[] = [];
    service.on('message', (topic) => received.push(topic));
    await service.subscribeAsync('vulgraad/v1/#', { qos: 1 });

    const device = await connect('acl-d0', secrets['acl-d0']);
    const own = 'vulgraad/v1/devices/acl-d0/readings';
    const other = 'vulgraad/v1/devices/acl-d1/readings';
    await device.publishAsync(own, '{"v":1,"ts":0,"fillPct":10}', { qos: 1 });
    // MQTT 5: Mosquitto answers the refused publish with PUBACK reason 0x87 (not authorized) and forwards nothing.
    await expect(device.publishAsync(other, '{"v":1,"ts":0,"fillPct":99}', { qos: 1 })).rejects.toThrow(/not authori[sz]ed|135/i);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received).toEqual([own]);
  });

  it('refuses a wrong secret, a device using another device\'s secret, and anonymous clients', async () => {
    await expect(connect('acl-d0', 'wrong-secret')).rejects.toThrow();
    await expect(connect('acl-d1', secrets['acl-d0'])).rejects.toThrow();
    await expect(connect()).rejects.toThrow();
  });

  it('does not let a device read other devices\' readings', async () => {
    const device = await connect('acl-d1', secrets['acl-d1']);
    const granted = await device.subscribeAsync('vulgraad/v1/#', { qos: 1 });
    // Mosquitto grants the subscription but delivers nothing the ACL does not allow.
    const seen: string[] = [];
    device.on('message', (topic) => seen.push(topic));
    const publisher = await connect('acl-d0', secrets['acl-d0']);
    await publisher.publishAsync('vulgraad/v1/devices/acl-d0/readings', '{"v":1,"ts":0,"fillPct":11}', { qos: 1 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(granted.length).toBe(1);
    expect(seen).toEqual([]);
  });
});

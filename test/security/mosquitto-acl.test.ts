import { chmodSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import mqtt, { type MqttClient } from 'mqtt';
import { parseArgs, run } from '../../apps/cli/src/main';
import { seedDevices, uniqueName } from '../ingest/harness';
import { type PrivateService, startPrivateMosquitto } from '../faults/support/private-services';
import { testPostgresUrl } from '../support/services';

jest.setTimeout(60_000);

// The registry's devices and accounts become Mosquitto's password and ACL files
// through the CLI; a real Mosquitto (one of the test's own) then lets a device
// publish on its own topic and refuses it on another device's topic.
describe('Mosquitto with the password and ACL files generated from the registry', () => {
  let scratch: ScratchDatabase;
  let broker: PrivateService & { dir: string };
  const clients: MqttClient[] = [];
  const secrets: Record<string, string> = {};

  const cli = async (...argv: string[]): Promise<string[]> => run(scratch.db, parseArgs(argv));
  const printed = (lines: string[], label: string): string => lines.find((l) => l.startsWith(`${label}: `))!.slice(label.length + 2);
  const connect = async (username?: string, password?: string): Promise<MqttClient> => {
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: uniqueName('acl'), username, password, reconnectPeriod: 0, connectTimeout: 5000 });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'sec_acl' });
    const devices = await seedDevices(scratch.db, 'acl', 2);
    for (const d of devices) secrets[d.externalRef] = printed(await cli('device-secret', d.externalRef), 'secret');
    secrets.ingest = printed(await cli('mqtt-account', 'ingest', '--kind', 'service'), 'password');
    // The files go where Mosquitto is told to read them, before it starts.
    const dir = path.join(tmpdir(), uniqueName('vulgraad-auth'));
    expect((await cli('mosquitto-auth', dir))[0]).toMatch(/3 users/);
    for (const file of ['passwd', 'acl']) chmodSync(path.join(dir, file), 0o644);
    broker = await startPrivateMosquitto({ allowAnonymous: false, extraConfig: [`password_file ${dir}/passwd`, `acl_file ${dir}/acl`] });
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    await broker?.destroy();
    await scratch?.drop();
  });

  it('keeps the secrets out of the files and the audit log, and audits every credential change', async () => {
    const dir = /password_file (\S+)\/passwd/.exec(readFileSync(path.join(broker.dir, 'mosquitto.conf'), 'utf8'))![1]!;
    const files = readFileSync(path.join(dir, 'passwd'), 'utf8') + readFileSync(path.join(dir, 'acl'), 'utf8');
    const audit = (await scratch.db.query<{ action: string; actor: string; detail: unknown }>('SELECT action, actor, detail FROM audit_log ORDER BY id')).rows;
    for (const secret of Object.values(secrets)) {
      expect(files).not.toContain(secret);
      expect(JSON.stringify(audit)).not.toContain(secret);
    }
    expect(audit.map((a) => a.action)).toEqual(['device.secret', 'device.secret', 'mqtt_account.set']);
    expect(audit.every((a) => a.actor.startsWith('cli:'))).toBe(true);
  });

  it('lets a device publish on its own topic and refuses another device\'s topic', async () => {
    const service = await connect('ingest', secrets.ingest);
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

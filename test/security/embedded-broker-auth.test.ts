import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { buildNativeReading } from '@vulgraad/payloads';
import { generateSecret, hashSecret, MqttAccountsRepository } from '@vulgraad/security';
import mqtt, { type MqttClient } from 'mqtt';
import { type AllInOneProcess, startAllInOneProcess } from '../all-in-one/support/all-in-one-process';
import { seedDevices, type SeededDevice, uniqueName, waitFor } from '../ingest/harness';
import { testPostgresUrl } from '../support/services';

jest.setTimeout(120_000);

// `npm start`'s embedded broker (aedes) with EMBEDDED_MQTT_AUTH at its default: devices log in
// from the registry (a scratch database on the machine's PostgreSQL) with their own secret and
// publish on their own topic only, while the process's own ingest logs in with the service login
// it made at start. Runs as a child process: aedes is an ES module, which Jest cannot load.
describe('the all-in-one\'s embedded broker with per-device logins', () => {
  let scratch: ScratchDatabase;
  let system: AllInOneProcess | null = null;
  let brokerUrl = '';
  let devices: SeededDevice[] = [];
  const secrets: string[] = [];
  const clients: MqttClient[] = [];

  const connect = async (username?: string, password?: string): Promise<MqttClient> => {
    const client = await mqtt.connectAsync(brokerUrl, { protocolVersion: 4, clientId: username ?? uniqueName('dev'), username, password, reconnectPeriod: 0, connectTimeout: 5000 });
    clients.push(client);
    return client;
  };
  const storedFor = async (device: SeededDevice): Promise<number> =>
    (await scratch.db.query<{ n: number }>('SELECT count(*)::int AS n FROM readings WHERE device_id = $1', [device.deviceId])).rows[0]?.n ?? 0;
  const rejectedFor = async (device: SeededDevice): Promise<number> =>
    (await scratch.db.query<{ n: number }>('SELECT count(*)::int AS n FROM rejected_messages WHERE device_ref = $1', [device.externalRef])).rows[0]?.n ?? 0;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'sec_aedes' });
    devices = await seedDevices(scratch.db, uniqueName('auth'), 2);
    const accounts = new MqttAccountsRepository(scratch.db);
    for (const device of devices) {
      const secret = generateSecret();
      secrets.push(secret);
      expect(await accounts.setDeviceSecret(device.externalRef, hashSecret(secret))).toBe(device.deviceId);
    }
    system = await startAllInOneProcess({
      DATABASE_URL: scratch.url,
      MQTT_URL: '',
      MQTT_USERNAME: '',
      MQTT_PASSWORD: '',
      REDIS_URL: '',
      EMBEDDED_MQTT_PORT: '0',
      GATEWAY_PORT: '0',
      DEMO_SIMULATOR: 'false',
      INGEST_CLIENT_ID: uniqueName('aio-auth'),
      INGEST_BATCH_WAIT_MS: '20',
      DB_MAINTENANCE_INTERVAL_S: '0',
      LOG_LEVEL: 'warn',
      LOG_JSON: 'true',
    });
    brokerUrl = /MQTT\s+(mqtt:\/\/\S+)/.exec(system.output())![1]!;
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    system?.kill();
    await scratch?.drop();
  });

  it('says at start that devices log in with their own secret', () => {
    expect(system!.output()).toMatch(/MQTT broker \(embedded aedes, MQTT 3\.1\.1\) on mqtt:\S+, devices log in with their own secret/);
  });

  it('refuses anonymous clients, a wrong secret, another device\'s secret and an unknown user', async () => {
    await expect(connect()).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(connect(devices[0]!.externalRef, 'wrong-secret')).rejects.toThrow(/Bad username or password/i);
    await expect(connect(devices[1]!.externalRef, secrets[0])).rejects.toThrow(/Bad username or password/i);
    await expect(connect('no-such-device', secrets[0])).rejects.toThrow(/Bad username or password/i);
  });

  it('stores a reading a device publishes on its own topic', async () => {
    const device = await connect(devices[0]!.externalRef, secrets[0]);
    const own = buildNativeReading(devices[0]!.externalRef, { ts: new Date().toISOString(), fillPct: 42 });
    await device.publishAsync(own.topic, own.payload, { qos: 1 });
    await waitFor(async () => (await storedFor(devices[0]!)) === 1, 20_000, 'the device\'s own reading stored');
    await device.endAsync();
  });

  it('drops a publish on another device\'s topic, ends that connection, and stores nothing for the other device', async () => {
    const device = await connect(devices[0]!.externalRef, secrets[0]);
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    const forged = buildNativeReading(devices[1]!.externalRef, { ts: new Date().toISOString(), fillPct: 99 });
    device.publish(forged.topic, forged.payload, { qos: 1 }, () => undefined);
    await closed;

    // A reading of the other device through its own login is stored after the forged one would have been.
    const other = await connect(devices[1]!.externalRef, secrets[1]);
    const genuine = buildNativeReading(devices[1]!.externalRef, { ts: new Date(Date.now() + 1000).toISOString(), fillPct: 7 });
    await other.publishAsync(genuine.topic, genuine.payload, { qos: 1 });
    await waitFor(async () => (await storedFor(devices[1]!)) === 1, 20_000, 'the other device\'s genuine reading stored');
    const { rows } = await scratch.db.query<{ fill_pct: number }>('SELECT fill_pct FROM readings WHERE device_id = $1', [devices[1]!.deviceId]);
    expect(rows.map((r) => r.fill_pct)).toEqual([7]);
    expect(await rejectedFor(devices[1]!)).toBe(0);
    expect(system!.output()).toContain(`may not publish on ${forged.topic}`);
  });

  it('does not let a device subscribe to readings', async () => {
    const device = await connect(devices[1]!.externalRef, secrets[1]);
    // SUBACK 0x80: mqtt.js turns the refusal into an error; the connection stays open.
    await expect(device.subscribeAsync('vulgraad/v1/#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    expect(device.connected).toBe(true);
  });

  it('never writes a device secret or the service password to the log', () => {
    const out = system!.output();
    for (const secret of secrets) expect(out).not.toContain(secret);
    expect(out).not.toMatch(/"password"/);
  });
});

import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { buildNativeReading, buildTtnV3Uplink } from '@vulgraad/payloads';
import { generateSecret, hashSecret, MqttAccountsRepository } from '@vulgraad/security';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { type AllInOneProcess, startAllInOneProcess } from '../all-in-one/support/all-in-one-process';
import { seedDevices, type SeededDevice, uniqueName, waitFor } from '../ingest/harness';
import { testPostgresUrl } from '../support/services';

jest.setTimeout(120_000);

// Hostile devices and network servers against `npm start`'s embedded broker (aedes) and ingest, as a
// child process on a scratch database: each probe is a door that was open, tried as an attacker would.
describe('probes: a hostile device or network server on the embedded broker', () => {
  const ingestClientId = `vulgraad-ingest-${uniqueName('probe')}`;
  let scratch: ScratchDatabase;
  let system: AllInOneProcess | null = null;
  let brokerUrl = '';
  let devices: SeededDevice[] = [];
  let appA: SeededDevice;
  let appB: SeededDevice;
  const secrets = new Map<string, string>();
  const networkServer = { username: uniqueName('ns'), password: generateSecret() };
  const clients: MqttClient[] = [];

  const connect = async (username: string, password: string, options: IClientOptions = {}): Promise<MqttClient> => {
    const client = await mqtt.connectAsync(brokerUrl, { protocolVersion: 4, clientId: username, username, password, reconnectPeriod: 0, connectTimeout: 5000, ...options });
    clients.push(client);
    return client;
  };
  const asDevice = (device: SeededDevice, options: IClientOptions = {}): Promise<MqttClient> => connect(device.externalRef, secrets.get(device.externalRef)!, options);
  const count = async (sql: string, params: unknown[]): Promise<number> => (await scratch.db.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0;
  const readingsOf = (device: SeededDevice): Promise<number> => count('SELECT count(*)::int AS n FROM readings WHERE device_id = $1', [device.deviceId]);
  const rejectedOf = (ref: string, reason: string): Promise<number> => count('SELECT count(*)::int AS n FROM rejected_messages WHERE device_ref = $1 AND reason = $2', [ref, reason]);

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'sec_probe_aedes' });
    devices = await seedDevices(scratch.db, uniqueName('hostile'), 3);
    [appA, appB] = await seedDevices(scratch.db, uniqueName('lora'), 2).then(async (seeded) => {
      // Two devices of two LoRaWAN applications.
      await scratch.db.query('UPDATE devices SET lorawan_application_id = $2 WHERE id = $1', [seeded[0]!.deviceId, 'probe-app-a']);
      await scratch.db.query('UPDATE devices SET lorawan_application_id = $2 WHERE id = $1', [seeded[1]!.deviceId, 'probe-app-b']);
      return seeded as [SeededDevice, SeededDevice];
    });
    const accounts = new MqttAccountsRepository(scratch.db);
    for (const device of devices) {
      const secret = generateSecret();
      secrets.set(device.externalRef, secret);
      await accounts.setDeviceSecret(device.externalRef, hashSecret(secret));
    }
    // A network server whose login is scoped to application A (The Things Stack: app@tenant).
    await accounts.upsertAccount({ username: networkServer.username, passwordHash: hashSecret(networkServer.password), kind: 'network_server', applications: ['probe-app-a@city'] });
    system = await startAllInOneProcess({
      DATABASE_URL: scratch.url,
      MQTT_URL: '',
      MQTT_USERNAME: '',
      MQTT_PASSWORD: '',
      REDIS_URL: '',
      EMBEDDED_MQTT_PORT: '0',
      GATEWAY_PORT: '0',
      DEMO_SIMULATOR: 'false',
      INGEST_CLIENT_ID: ingestClientId,
      INGEST_BATCH_WAIT_MS: '20',
      DB_MAINTENANCE_INTERVAL_S: '0',
      // As behind a proxy on this host: a request with X-Forwarded-For comes from that client.
      GATEWAY_TRUST_PROXY: 'loopback',
      LOG_LEVEL: 'warn',
      // The readable log, where a forged line would pass for an entry.
      LOG_JSON: 'false',
    });
    brokerUrl = /MQTT\s+(mqtt:\/\/\S+)/.exec(system.output())![1]!;
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    system?.kill();
    await scratch?.drop();
  });

  it('probe 3: without the demo, npm start has no admin with the demo password', async () => {
    const res = await fetch(new URL('api/auth/login', system!.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'vulgraad-demo' }) });
    expect(res.status).toBe(401);
    expect(system!.output()).toContain('no first admin (GATEWAY_ADMIN_PASSWORD is empty)');
  });

  it('probe 9: /metrics and /internal/* answer the deployment, not a client from outside', async () => {
    const from = (address: string | null) => (address ? { 'x-forwarded-for': address } : undefined);
    for (const path of ['metrics', 'internal/ingest/metrics', 'internal/ingest/stats', 'internal/planner/jobs/failed']) {
      expect((await fetch(new URL(path, system!.url), { headers: from('203.0.113.9') })).status).toBe(404);
    }
    expect((await fetch(new URL('internal/ingest/metrics', system!.url), { headers: from(null) })).status).toBe(200);
  });

  it('probe 1 (embedded broker): a device cannot take the ingest\'s client id, nor another device\'s, and the ingest keeps its session', async () => {
    const [device, other] = devices as [SeededDevice, SeededDevice];
    await expect(asDevice(device, { clientId: ingestClientId, clean: false })).rejects.toThrow(/Identifier rejected/i);
    await expect(asDevice(device, { clientId: other.externalRef })).rejects.toThrow(/Identifier rejected/i);
    // The ingest was never pushed off its session: a reading published now is stored.
    const client = await asDevice(device);
    const reading = buildNativeReading(device.externalRef, { ts: new Date().toISOString(), fillPct: 31 });
    await client.publishAsync(reading.topic, reading.payload, { qos: 1 });
    await waitFor(async () => (await readingsOf(device)) === 1, 20_000, 'the device\'s reading stored by the ingest');
    await client.endAsync();
    expect(system!.output()).toContain('must connect with its own reference as client id');
  });

  it('probe 1 (embedded broker): a network server cannot take a vulgraad- client id', async () => {
    await expect(connect(networkServer.username, networkServer.password, { clientId: ingestClientId, clean: false })).rejects.toThrow(/Identifier rejected/i);
  });

  it('probe 2 (embedded broker): a network server scoped to one application cannot write readings for a device of another', async () => {
    const server = await connect(networkServer.username, networkServer.password, { clientId: `${networkServer.username}-1` });
    // Topic of its own application A, device B of application B in the payload and the topic.
    const forged = buildTtnV3Uplink({ deviceId: appB.externalRef, devEui: appB.devEui, applicationId: 'probe-app-a', receivedAt: new Date(), fCnt: 1, decoded: { fillPct: 99, temperatureC: 90 } }, 'city');
    const genuine = buildTtnV3Uplink({ deviceId: appA.externalRef, devEui: appA.devEui, applicationId: 'probe-app-a', receivedAt: new Date(), fCnt: 1, decoded: { fillPct: 12 } }, 'city');
    await server.publishAsync(forged.topic, forged.payload, { qos: 1 });
    await server.publishAsync(genuine.topic, genuine.payload, { qos: 1 });
    await waitFor(async () => (await readingsOf(appA)) === 1, 20_000, 'the genuine uplink of application A stored');
    await waitFor(async () => (await rejectedOf(appB.externalRef, 'foreign_device')) === 1, 20_000, 'the forged uplink kept as foreign_device');
    expect(await readingsOf(appB)).toBe(0);
    const { rows } = await scratch.db.query<{ detail: string }>('SELECT detail FROM rejected_messages WHERE device_ref = $1', [appB.externalRef]);
    expect(rows[0]!.detail).toMatch(/probe-app-b/);
  });

  it('probe 6: a reading dated far in the future is kept as rejected and never becomes the container\'s state', async () => {
    const device = devices[1]!;
    const client = await asDevice(device);
    const future = buildNativeReading(device.externalRef, { ts: new Date(Date.now() + 30 * 86_400_000).toISOString(), fillPct: 95 });
    await client.publishAsync(future.topic, future.payload, { qos: 1 });
    const now = new Date();
    const current = buildNativeReading(device.externalRef, { ts: now.toISOString(), fillPct: 22 });
    await client.publishAsync(current.topic, current.payload, { qos: 1 });
    await waitFor(async () => (await rejectedOf(device.externalRef, 'future_time')) === 1, 20_000, 'the future reading kept as future_time');
    await waitFor(async () => (await readingsOf(device)) === 1, 20_000, 'the current reading stored');
    const { rows } = await scratch.db.query<{ fill_pct: number; measured_at: Date }>('SELECT fill_pct, measured_at FROM container_state WHERE container_id = $1', [device.containerId]);
    expect(rows).toEqual([{ fill_pct: 22, measured_at: now }]);
    await client.endAsync();
  });

  it('probe 9: a newline in an MQTT topic does not forge a line in the readable log', async () => {
    const device = devices[0]!;
    const client = await asDevice(device);
    let closed = false;
    client.once('close', () => (closed = true));
    const forgedLine = '2026-01-01T00:00:00.000Z INFO [Forged] all readings stored';
    client.publish(`vulgraad/v1/devices/${device.externalRef}/readings\n${forgedLine}`, '{}', { qos: 0 });
    // The broker refuses the topic (not the device's own) and ends the connection; the refusal is logged.
    await waitFor(() => closed, 20_000, 'the refusal');
    await waitFor(() => system!.output().includes('INFO [Forged] all readings stored'), 10_000, 'the refusal with the topic in the log');
    const lines = system!.output().split('\n');
    expect(lines.some((line) => line.startsWith(forgedLine))).toBe(false);
    expect(lines.some((line) => line.includes(`readings\\n${forgedLine}`))).toBe(true);
  });

  it('probe 9: decoded field names like constructor do not reach Object.prototype', async () => {
    const server = await connect(networkServer.username, networkServer.password, { clientId: `${networkServer.username}-proto` });
    const before = await readingsOf(appA);
    const uplink = buildTtnV3Uplink({ deviceId: appA.externalRef, devEui: appA.devEui, applicationId: 'probe-app-a', receivedAt: new Date(), fCnt: 2, decoded: { constructor: true, toString: true, fillPct: 44 } }, 'city');
    await server.publishAsync(uplink.topic, uplink.payload, { qos: 1 });
    const oddUnit = buildTtnV3Uplink({ deviceId: appA.externalRef, devEui: appA.devEui, applicationId: 'probe-app-a', receivedAt: new Date(), fCnt: 3, decoded: { fillPct: '45 constructor' } }, 'city');
    await server.publishAsync(oddUnit.topic, oddUnit.payload, { qos: 1 });
    await waitFor(async () => (await readingsOf(appA)) === before + 1, 20_000, 'the uplink stored');
    await waitFor(async () => (await rejectedOf(appA.externalRef, 'wrong_type')) === 1, 20_000, 'the value with an unknown unit rejected');
    const { rows } = await scratch.db.query<{ fill_pct: number; alarms: string[] }>('SELECT fill_pct, alarms FROM readings WHERE device_id = $1 ORDER BY measured_at DESC LIMIT 1', [appA.deviceId]);
    expect(rows[0]).toEqual({ fill_pct: 44, alarms: [] });
  });

  it('probe 7 (embedded broker): a packet over EMBEDDED_MQTT_MAX_PACKET_BYTES ends the connection before it is read', async () => {
    const device = devices[2]!;
    const client = await asDevice(device);
    let closed = false;
    client.once('close', () => (closed = true));
    client.publish(`vulgraad/v1/devices/${device.externalRef}/readings`, Buffer.alloc(4 * 1024 * 1024, 0x20), { qos: 0 });
    await waitFor(() => closed, 20_000, 'the broker to end the connection');
    await waitFor(() => system!.output().includes('over EMBEDDED_MQTT_MAX_PACKET_BYTES'), 10_000, 'the refusal in the log');
    expect(await count('SELECT count(*)::int AS n FROM rejected_messages WHERE device_ref = $1', [device.externalRef])).toBe(0);
    // The broker goes on serving the device once it sends what fits.
    const again = await asDevice(device);
    const reading = buildNativeReading(device.externalRef, { ts: new Date().toISOString(), fillPct: 40 });
    await again.publishAsync(reading.topic, reading.payload, { qos: 1 });
    await waitFor(async () => (await readingsOf(device)) === 1, 20_000, 'a reading after the refused packet');
  });
});

import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { buildNativeReading, buildTtnV3Uplink } from '@vulgraad/payloads';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { parseArgs, run } from '../../apps/cli/src/main';
import { type RunningIngest, seedDevices, type SeededDevice, startIngest, uniqueName, waitFor } from '../ingest/harness';
import { testPostgresUrl } from '../support/services';
import { type ShippedMosquitto, startShippedMosquitto } from './support/shipped-mosquitto';

jest.setTimeout(120_000);

// The same hostile devices and network servers against a deployment's broker: the machine's
// Mosquitto with the shipped deploy/mosquitto/mosquitto.conf and the files `mosquitto-auth`
// generates from the registry, and the ingest (in this process) on the services' listener.
describe('probes: a hostile device or network server on Mosquitto with the generated configuration', () => {
  const ingestClientId = `vulgraad-ingest-${uniqueName('probe')}`;
  let scratch: ScratchDatabase;
  let broker: ShippedMosquitto;
  let ingest: RunningIngest | null = null;
  let devices: SeededDevice[] = [];
  let appA: SeededDevice;
  let appB: SeededDevice;
  const secrets = new Map<string, string>();
  const clients: MqttClient[] = [];
  const networkServer = uniqueName('ns');

  const cli = async (...argv: string[]): Promise<string[]> => run(scratch.db, parseArgs(argv));
  const printed = (lines: string[], label: string): string => lines.find((l) => l.startsWith(`${label}: `))!.slice(label.length + 2);
  const connect = async (url: string, username: string, options: IClientOptions = {}): Promise<MqttClient> => {
    const client = await mqtt.connectAsync(url, { protocolVersion: 4, clientId: username, username, password: secrets.get(username), reconnectPeriod: 0, connectTimeout: 5000, ...options });
    clients.push(client);
    return client;
  };
  const count = async (sql: string, params: unknown[]): Promise<number> => (await scratch.db.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0;
  const readingsOf = (device: SeededDevice): Promise<number> => count('SELECT count(*)::int AS n FROM readings WHERE device_id = $1', [device.deviceId]);

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'sec_probe_mosq' });
    devices = await seedDevices(scratch.db, uniqueName('hostile'), 3);
    [appA, appB] = (await seedDevices(scratch.db, uniqueName('lora'), 2)) as [SeededDevice, SeededDevice];
    await scratch.db.query('UPDATE devices SET lorawan_application_id = $2 WHERE id = $1', [appA.deviceId, 'probe-app-a']);
    await scratch.db.query('UPDATE devices SET lorawan_application_id = $2 WHERE id = $1', [appB.deviceId, 'probe-app-b']);
    // A device registered under a vulgraad- name: the generated files must leave it out.
    await scratch.db.query("INSERT INTO devices (external_ref) VALUES ('vulgraad-ingest-0')");
    for (const ref of [...devices.map((d) => d.externalRef), 'vulgraad-ingest-0']) secrets.set(ref, printed(await cli('device-secret', ref), 'secret'));
    secrets.set('vulgraad-services', printed(await cli('mqtt-account', 'vulgraad-services', '--kind', 'service'), 'password'));
    secrets.set(networkServer, printed(await cli('mqtt-account', networkServer, '--kind', 'network-server', '--applications', 'probe-app-a@city'), 'password'));
    broker = await startShippedMosquitto(async (authDir) => {
      const lines = await cli('mosquitto-auth', authDir);
      expect(lines).toContain('skipped vulgraad-ingest-0: names starting with vulgraad- are client ids of the system\'s services; register the device under another name');
    });
    // Rejected messages from before the retention (30 days by default) and within it.
    for (const [ref, days] of [['retention-old', 40], ['retention-recent', 5]] as const) {
      await scratch.db.query(
        "INSERT INTO rejected_messages (received_at, topic, payload, payload_size, reason, detail, device_ref) VALUES (now() - make_interval(days => $2), 't', '\\x00', 1, 'unknown_device', 'probe', $1)",
        [ref, days],
      );
    }
    ingest = await startIngest(scratch.url, {
      DB_MAINTENANCE_INTERVAL_S: '3600',
      MQTT_URL: broker.servicesUrl,
      MQTT_USERNAME: 'vulgraad-services',
      MQTT_PASSWORD: secrets.get('vulgraad-services')!,
      INGEST_TOPIC_PREFIX: '',
      INGEST_CLIENT_ID: ingestClientId,
    });
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    await ingest?.close();
    await broker?.destroy();
    await scratch?.drop();
  });

  it('probe 1 (Mosquitto): a device that sends a service\'s client id gets its own, and the service keeps its session', async () => {
    const device = devices[0]!;
    // A service with a persistent session under a vulgraad- id, as the ingest has.
    const serviceId = `vulgraad-ingest-${uniqueName('svc')}`;
    const service = await connect(broker.servicesUrl, 'vulgraad-services', { clientId: serviceId, clean: false });
    let serviceClosed = false;
    service.once('close', () => (serviceClosed = true));
    const received: string[] = [];
    service.on('message', (_topic, payload) => received.push(payload.toString()));
    await service.subscribeAsync('vulgraad/v1/#', { qos: 1 });

    const hostile = await connect(broker.publicUrl, device.externalRef, { clientId: serviceId, clean: false });
    const reading = buildNativeReading(device.externalRef, { ts: new Date().toISOString(), fillPct: 17 });
    await hostile.publishAsync(reading.topic, reading.payload, { qos: 1 });
    // Mosquitto handled the device's CONNECT before its PUBLISH: had it taken the session, the service would be gone before this arrived.
    await waitFor(() => received.includes(reading.payload), 20_000, 'the service to receive the device\'s reading');
    expect(serviceClosed).toBe(false);
    await waitFor(async () => (await readingsOf(device)) === 1, 20_000, 'the ingest to store it');
  });

  it('probe 1 (Mosquitto): a device registered under a vulgraad- name cannot log in, and devices cannot use the services\' listener', async () => {
    await expect(connect(broker.publicUrl, 'vulgraad-ingest-0')).rejects.toThrow(/not authori[sz]ed|Bad username/i);
    await expect(connect(broker.servicesUrl, devices[1]!.externalRef, { clientId: ingestClientId, clean: false })).rejects.toThrow(/not authori[sz]ed|Bad username/i);
  });

  it('probe 2 (Mosquitto): a network server scoped to one application cannot write readings for a device of another', async () => {
    const server = await connect(broker.publicUrl, networkServer);
    const forged = buildTtnV3Uplink({ deviceId: appB.externalRef, devEui: appB.devEui, applicationId: 'probe-app-a', receivedAt: new Date(), fCnt: 1, decoded: { fillPct: 99 } }, 'city');
    const genuine = buildTtnV3Uplink({ deviceId: appA.externalRef, devEui: appA.devEui, applicationId: 'probe-app-a', receivedAt: new Date(), fCnt: 1, decoded: { fillPct: 12 } }, 'city');
    await server.publishAsync(forged.topic, forged.payload, { qos: 1 });
    await server.publishAsync(genuine.topic, genuine.payload, { qos: 1 });
    await waitFor(async () => (await readingsOf(appA)) === 1, 20_000, 'the genuine uplink of application A stored');
    await waitFor(async () => (await count("SELECT count(*)::int AS n FROM rejected_messages WHERE device_ref = $1 AND reason = 'foreign_device'", [appB.externalRef])) === 1, 20_000, 'the forged uplink kept as foreign_device');
    expect(await readingsOf(appB)).toBe(0);
  });

  it('probe 7 (Mosquitto): a packet over max_packet_size ends the connection', async () => {
    const device = devices[2]!;
    const client = await connect(broker.publicUrl, device.externalRef);
    let closed = false;
    client.once('close', () => (closed = true));
    client.publish(`vulgraad/v1/devices/${device.externalRef}/readings`, Buffer.alloc(4 * 1024 * 1024, 0x20), { qos: 0 });
    await waitFor(() => closed, 20_000, 'Mosquitto to end the connection');
    const again = await connect(broker.publicUrl, device.externalRef);
    const reading = buildNativeReading(device.externalRef, { ts: new Date().toISOString(), fillPct: 40 });
    await again.publishAsync(reading.topic, reading.payload, { qos: 1 });
    await waitFor(async () => (await readingsOf(device)) === 1, 20_000, 'a reading after the refused packet');
    expect(await count('SELECT count(*)::int AS n FROM rejected_messages WHERE device_ref = $1', [device.externalRef])).toBe(0);
  });

  it('probe 9: rejected messages are kept for DB_REJECTED_RETENTION_DAYS, not for ever', async () => {
    const refs = async (): Promise<string[]> =>
      (await scratch.db.query<{ device_ref: string }>("SELECT device_ref FROM rejected_messages WHERE device_ref LIKE 'retention-%' ORDER BY device_ref")).rows.map((r) => r.device_ref);
    await waitFor(async () => !(await refs()).includes('retention-old'), 30_000, 'the maintenance run to remove the old rejected message');
    expect(await refs()).toEqual(['retention-recent']);
  });
});

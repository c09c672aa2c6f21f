import type { ContainerStateChanged } from '@vulgraad/contracts';
import { createScratchDatabase, DevicesRepository, ReadingsRepository, type ScratchDatabase } from '@vulgraad/database';
import { buildChirpstackV4Uplink, buildNativeReading, buildTtnV3Uplink } from '@vulgraad/payloads';
import type { MqttClient } from 'mqtt';
import { testPostgresUrl } from '../support/services';
import { connectPublisher, type RunningIngest, seedDevices, startIngest, uniqueName, waitFor } from './harness';

// Every message format end to end: a real MQTT client publishes through the
// machine's Mosquitto, the ingest (in this process) commits to a scratch
// PostgreSQL, and the row, its flags and the event are checked.
describe('ingest: each format end to end', () => {
  let scratch: ScratchDatabase;
  let ingest: RunningIngest;
  let publisher: MqttClient;
  const events: ContainerStateChanged[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'ingest_formats' });
    ingest = await startIngest(scratch.url);
    await ingest.bus.subscribe('container.state', (e) => {
      events.push(e);
    });
    publisher = await connectPublisher();
  });
  afterAll(async () => {
    await publisher?.endAsync();
    await ingest?.close();
    await scratch?.drop();
  });

  const publish = (message: { topic: string; payload: string }) => publisher.publishAsync(ingest.prefix + message.topic, message.payload, { qos: 1 });
  const readingsOf = (containerId: string) => new ReadingsRepository(scratch.db).range(containerId, new Date(0), new Date('2100-01-01'));
  const storedCount = async (containerId: string, n: number) => waitFor(async () => (await readingsOf(containerId)).length >= n, 15_000, `${n} readings of ${containerId}`);

  it('native v1: stores the reading, flags a tilted sensor and an impossible jump, and publishes the state', async () => {
    const [device] = await seedDevices(scratch.db, 'native', 1);
    const now = Date.now();
    await publish(buildNativeReading(device!.externalRef, { ts: new Date(now - 10 * 60_000).toISOString(), seq: 1, fillPct: 20, temperatureC: 11.5, batteryPct: 90 }));
    await storedCount(device!.containerId, 1);
    await publish(buildNativeReading(device!.externalRef, { ts: new Date(now).toISOString(), seq: 2, fillPct: 90, tiltDeg: 40, alarms: ['tilt'] }));
    await storedCount(device!.containerId, 2);

    const [second, first] = await readingsOf(device!.containerId);
    expect(first).toMatchObject({ fillPct: 20, temperatureC: 11.5, batteryPct: 90, seq: 1, flags: [], format: 'native' });
    expect(second!.flags.sort()).toEqual(['device_alarm', 'impossible_jump', 'tilted']);
    expect(second).toMatchObject({ fillPct: 90, tiltDeg: 40, alarms: ['tilt'], seq: 2 });
    await waitFor(() => events.some((e) => e.containerId === device!.containerId && e.fillPct === 90), 5000, 'container.state event');
    const event = events.filter((e) => e.containerId === device!.containerId).at(-1)!;
    expect(event).toMatchObject({ district: 'Centrum', wasteType: 'residual', deviceId: device!.deviceId, measuredAt: new Date(now).toISOString() });
    expect(event.flags.sort()).toEqual(['device_alarm', 'impossible_jump', 'tilted']);

    const [state] = await new ReadingsRepository(scratch.db).statesOf([device!.containerId]);
    expect(state).toMatchObject({ fillPct: 90, deviceId: device!.deviceId });
  });

  it('TTN v3 with decoded values: fill from distance and depth, gateway signal, frame counter', async () => {
    const [device] = await seedDevices(scratch.db, 'ttn', 1, { lorawanApplicationId: 'waste' });
    const receivedAt = new Date(Date.now() - 1000);
    await publish(buildTtnV3Uplink({
      deviceId: device!.externalRef, devEui: device!.devEui, applicationId: 'waste', receivedAt, fCnt: 77, rssi: -88, snr: 9,
      decoded: { distance: 500, battery_v: 3.55, temperature: 19 },
    }));
    await storedCount(device!.containerId, 1);
    const [row] = await readingsOf(device!.containerId);
    expect(row).toMatchObject({
      format: 'ttn-v3', distanceMm: 500, fillPct: 80, batteryV: 3.55, temperatureC: 19, rssiDbm: -88, snrDb: 9, seq: 77, flags: [],
      measuredAt: receivedAt,
    });
    expect(row!.correlationId).toMatch(/^as:up:/);
  });

  it('TTN v3 without decoded values: the raw bytes go through the device model decoder', async () => {
    const [device] = await seedDevices(scratch.db, 'ttnraw', 1, { model: 'dingtek-df702', lorawanApplicationId: 'waste' });
    await publish(buildTtnV3Uplink({
      deviceId: device!.externalRef, devEui: device!.devEui, applicationId: 'waste', receivedAt: new Date(), fCnt: 5, fPort: 3,
      bytes: Buffer.from('800001011107d000190000000000000081', 'hex'),
    }));
    await storedCount(device!.containerId, 1);
    const [row] = await readingsOf(device!.containerId);
    // DF702 frame: 2000 mm to the surface, 25 °C; the container is 2500 mm deep.
    expect(row).toMatchObject({ distanceMm: 2000, fillPct: 20, temperatureC: 25, seq: 5, flags: [] });
  });

  it('ChirpStack v4: found by DevEUI, decoder from the LoRaWAN application default, out-of-range flagged', async () => {
    await new DevicesRepository(scratch.db).upsertApplication({ applicationId: 'cs-app-1', defaultModel: 'dingtek-df702' });
    const [decodedDevice, rawDevice] = await seedDevices(scratch.db, 'cs', 2, { lorawanApplicationId: 'cs-app-1' });
    await publish(buildChirpstackV4Uplink({
      deviceId: 'x', devEui: decodedDevice!.devEui, applicationId: 'cs-app-1', receivedAt: new Date(), fCnt: 0, decoded: { fillPct: 130, batteryPct: 55 },
    }));
    await publish(buildChirpstackV4Uplink({
      deviceId: 'y', devEui: rawDevice!.devEui, applicationId: 'cs-app-1', receivedAt: new Date(), fCnt: 9, fPort: 3,
      bytes: Buffer.from('800001011107d000190000000000000081', 'hex'),
    }));
    await storedCount(decodedDevice!.containerId, 1);
    await storedCount(rawDevice!.containerId, 1);
    const [flagged] = await readingsOf(decodedDevice!.containerId);
    expect(flagged).toMatchObject({ format: 'chirpstack-v4', fillPct: 100, batteryPct: 55, seq: 0 });
    expect(flagged!.flags).toEqual(['out_of_range']);
    const [decoded] = await readingsOf(rawDevice!.containerId);
    expect(decoded).toMatchObject({ distanceMm: 2000, fillPct: 20, seq: 9 });
  });

  it('the same message delivered twice is stored once', async () => {
    const [device] = await seedDevices(scratch.db, 'dup', 1);
    const message = buildNativeReading(device!.externalRef, { ts: new Date().toISOString(), seq: 41, fillPct: 33 });
    const duplicatesBefore = Number(ingest.metrics.snapshot().duplicates);
    await publish(message);
    await publish(message);
    await waitFor(() => Number(ingest.metrics.snapshot().duplicates) > duplicatesBefore || false, 10_000, 'the second copy to be counted as duplicate');
    expect(await readingsOf(device!.containerId)).toHaveLength(1);
  });

  it('acknowledges committed messages to the broker: after a restart nothing comes again', async () => {
    const [device] = await seedDevices(scratch.db, 'acks', 1);
    const env = { INGEST_CLIENT_ID: uniqueName('acks'), INGEST_SHARE_GROUP: uniqueName('acks'), INGEST_TOPIC_PREFIX: `${uniqueName('acks')}/` };
    const first = await startIngest(scratch.url, env);
    const base = Date.now() - 3600_000;
    for (let seq = 0; seq < 300; seq++) {
      const { topic, payload } = buildNativeReading(device!.externalRef, { ts: new Date(base + seq * 1000).toISOString(), seq, fillPct: 10 });
      await publisher.publishAsync(env.INGEST_TOPIC_PREFIX + topic, payload, { qos: 1 });
    }
    await storedCount(device!.containerId, 300);
    await first.close();
    const second = await startIngest(scratch.url, env);
    try {
      // Anything not acknowledged would be redelivered to the resumed session right after it connects.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(second.metrics.snapshot().received).toBe(0);
    } finally {
      await second.close();
    }
  }, 60_000);

  it('reports health and counters over HTTP', async () => {
    const health = await (await fetch(`${ingest.baseUrl}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', database: true, broker: true });
    const stats = (await (await fetch(`${ingest.baseUrl}/stats`)).json()) as { stored: number; received: number };
    expect(stats.stored).toBeGreaterThanOrEqual(7);
    expect(stats.received).toBeGreaterThanOrEqual(stats.stored);
    const metrics = await (await fetch(`${ingest.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/vulgraad_ingest_readings_stored_total \d+/);
    expect(metrics).toMatch(/vulgraad_ingest_batch_seconds_bucket/);
  });
});

import { REJECT_REASONS, type ReadingRejected } from '@vulgraad/contracts';
import { ContainersRepository, createScratchDatabase, DevicesRepository, ReadingsRepository, RejectedMessagesRepository, type ScratchDatabase } from '@vulgraad/database';
import { buildNativeReading, buildTtnV3Uplink } from '@vulgraad/payloads';
import type { MqttClient } from 'mqtt';
import { testPostgresUrl } from '../support/services';
import { connectPublisher, type RunningIngest, seedDevices, startIngest, waitFor } from './harness';

// Every kind of bad input is kept in rejected_messages with its reason, the
// topic, a bounded copy of the payload and its size, and the process carries on.
describe('ingest: bad input', () => {
  let scratch: ScratchDatabase;
  let ingest: RunningIngest;
  let publisher: MqttClient;
  const rejectedEvents: ReadingRejected[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'ingest_bad' });
    ingest = await startIngest(scratch.url, { INGEST_MAX_PAYLOAD_BYTES: '2048', INGEST_REJECT_KEEP_BYTES: '512' });
    await ingest.bus.subscribe('reading.rejected', (e) => {
      rejectedEvents.push(e);
    });
    publisher = await connectPublisher();
  });
  afterAll(async () => {
    await publisher?.endAsync();
    await ingest?.close();
    await scratch?.drop();
  });

  it('rejects each kind with the right reason and keeps going', async () => {
    const [good, noModel, badBytes] = await seedDevices(scratch.db, 'bad', 3);
    await new DevicesRepository(scratch.db).upsert([
      { externalRef: noModel!.externalRef, devEui: noModel!.devEui, lorawanApplicationId: 'app-without-default' },
      { externalRef: badBytes!.externalRef, devEui: badBytes!.devEui, model: 'dragino-ldds75', lorawanApplicationId: 'app-without-default' },
      { externalRef: 'bad-wrong-model', model: 'no-such-sensor', lorawanApplicationId: 'app-without-default' },
      { externalRef: 'bad-unbound' },
    ]);
    const [spare] = await new ContainersRepository(scratch.db).upsert([{ externalRef: 'bad-spare', lng: 4.9, lat: 52.3, district: 'Oost', wasteType: 'paper', volumeL: 3000 }]);
    const [wrongModel] = await new DevicesRepository(scratch.db).findByRefs(['bad-wrong-model']);
    await new DevicesRepository(scratch.db).bind(wrongModel!.id, spare!.id, new Date('2020-01-01T00:00:00Z'));

    const ts = new Date().toISOString();
    const native = (device: string) => `vulgraad/v1/devices/${device}/readings`;
    const ttnRaw = (deviceId: string, devEui: string, bytes: Buffer) =>
      buildTtnV3Uplink({ deviceId, devEui, applicationId: 'app-without-default', receivedAt: new Date(), fCnt: 1, fPort: 2, bytes });
    const cases: Array<{ reason: string; topic: string; payload: string | Buffer }> = [
      { reason: 'malformed_json', topic: native(good!.externalRef), payload: '{"v":1,"ts":' },
      { reason: 'malformed_json', topic: native('binary-garbage'), payload: Buffer.from([0xff, 0xfe, 0x00, 0x81]) },
      { reason: 'wrong_type', topic: native(good!.externalRef), payload: JSON.stringify({ v: 1, ts, fillPct: '42' }) },
      { reason: 'missing_field', topic: native(good!.externalRef), payload: JSON.stringify({ v: 1, fillPct: 42 }) },
      { reason: 'unsupported_version', topic: native(good!.externalRef), payload: JSON.stringify({ v: 9, ts, fillPct: 42 }) },
      { reason: 'unknown_device', topic: native('never-registered'), payload: JSON.stringify({ v: 1, ts, fillPct: 42 }) },
      { reason: 'unknown_topic', topic: `vulgraad/v1/devices/${good!.externalRef}/status`, payload: JSON.stringify({ v: 1, ts, fillPct: 42 }) },
      { reason: 'oversize', topic: native(good!.externalRef), payload: JSON.stringify({ v: 1, ts, fillPct: 42, pad: 'x'.repeat(4000) }) },
      { reason: 'unknown_decoder', ...ttnRaw(noModel!.externalRef, noModel!.devEui, Buffer.from('800001011107d000190000000000000081', 'hex')) },
      { reason: 'unknown_decoder', ...ttnRaw('bad-wrong-model', 'a1b2c3d4e5f60718', Buffer.from('0102', 'hex')) },
      { reason: 'undecodable_payload', ...ttnRaw(badBytes!.externalRef, badBytes!.devEui, Buffer.from('0c', 'hex')) },
      { reason: 'unbound_device', topic: native('bad-unbound'), payload: JSON.stringify({ v: 1, ts, fillPct: 42 }) },
      // A device registered without a LoRaWAN application, named in an uplink of some application.
      { reason: 'foreign_device', ...buildTtnV3Uplink({ deviceId: good!.externalRef, devEui: good!.devEui, applicationId: 'app-without-default', receivedAt: new Date(), fCnt: 2, decoded: { fillPct: 5 } }) },
      { reason: 'future_time', topic: native(good!.externalRef), payload: JSON.stringify({ v: 1, ts: new Date(Date.now() + 86_400_000).toISOString(), fillPct: 42 }) },
      // Parses, but the database refuses it (integer overflow): isolated from its batch and kept as rejected.
      { reason: 'wrong_type', topic: native(good!.externalRef), payload: JSON.stringify({ v: 1, ts, seq: 5, distanceMm: 1e12 }) },
    ];
    for (const c of cases) await publisher.publishAsync(ingest.prefix + c.topic, c.payload, { qos: 1 });
    await publisher.publishAsync(ingest.prefix + buildNativeReading(good!.externalRef, { ts, fillPct: 61 }).topic, JSON.stringify({ v: 1, ts, fillPct: 61 }), { qos: 1 });

    const repo = new RejectedMessagesRepository(scratch.db);
    await waitFor(async () => (await repo.recent({ limit: 100 })).length >= cases.length, 15_000, `${cases.length} rejected messages`);
    const stored = (await repo.recent({ limit: 100 })).reverse();
    expect(stored.map((r) => r.reason).sort()).toEqual(cases.map((c) => c.reason).sort());
    expect(new Set(stored.map((r) => r.reason))).toEqual(new Set(REJECT_REASONS));

    for (const c of cases) {
      const size = Buffer.byteLength(c.payload);
      const row = stored.find((r) => r.topic === ingest.prefix + c.topic && r.reason === c.reason && r.payloadSize === size);
      expect(row).toBeDefined();
      expect(row!.detail.length).toBeGreaterThan(10);
      expect(row!.payload.byteLength).toBe(Math.min(512, Buffer.byteLength(c.payload)));
    }
    expect(stored.find((r) => r.reason === 'unknown_device')?.deviceRef).toBe('never-registered');
    expect(stored.filter((r) => r.reason === 'wrong_type').map((r) => r.detail)).toEqual([
      expect.stringMatching(/fillPct/),
      expect.stringMatching(/not storable: .*out of range/),
    ]);
    expect(stored.find((r) => r.reason === 'undecodable_payload')?.detail).toMatch(/dragino-ldds75/);

    // Nothing crashed: the good reading after them is stored, and every rejection was announced.
    await waitFor(async () => (await new ReadingsRepository(scratch.db).range(good!.containerId, new Date(0), new Date('2100-01-01'))).length === 1, 10_000, 'the good reading');
    await waitFor(() => rejectedEvents.length >= cases.length, 5000, 'reading.rejected events');
    const health = await fetch(`${ingest.baseUrl}/health`);
    expect(health.status).toBe(200);
    const stats = (await (await fetch(`${ingest.baseUrl}/stats`)).json()) as { rejected: Record<string, number> };
    expect(Object.values(stats.rejected).reduce((a, b) => a + b, 0)).toBe(cases.length);
  });
});

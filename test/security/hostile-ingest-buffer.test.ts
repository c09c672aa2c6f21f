import { createDatabase, type Database } from '@vulgraad/database';
import type { MqttClient } from 'mqtt';
import { IngestPipeline } from '../../apps/ingest/src/ingest.pipeline';
import { type PrivateService, startPrivatePostgres } from '../faults/support/private-services';
import { connectPublisher, type RunningIngest, seedDevices, type SeededDevice, startIngest, waitFor } from '../ingest/harness';

jest.setTimeout(180_000);

const LIMIT_BYTES = 256 * 1024;
/** What mqtt.js may still parse after it is told to pause: the socket chunk it is in (64 KiB) and a message. */
const SLACK_BYTES = 128 * 1024;
const MESSAGES = 200;
const PAYLOAD_BYTES = 8 * 1024;

// Large messages while the database is down: the ingest holds them only up to INGEST_MAX_BUFFERED_BYTES
// (the count limit alone, 80,000, let a flood of large messages fill memory), leaves the rest at the
// broker, and stores every one once the database is back. PostgreSQL of the test's own, stopped and
// started; the machine's Mosquitto.
describe('probes: large messages while the database is down', () => {
  let postgres: PrivateService;
  let db: Database;
  let ingest: RunningIngest | null = null;
  let publisher: MqttClient;
  let device: SeededDevice;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    ingest = await startIngest(postgres.url, { INGEST_MAX_BUFFERED_BYTES: String(LIMIT_BYTES), INGEST_BATCH_WAIT_MS: '20' });
    db = await createDatabase({ databaseUrl: postgres.url, poolSize: 2 });
    [device] = (await seedDevices(db, 'held', 1)) as [SeededDevice];
    publisher = await connectPublisher();
  });
  afterAll(async () => {
    await publisher?.endAsync();
    await ingest?.close();
    await db?.close();
    await postgres?.destroy();
  });

  it('probe 7: held payloads are bounded in bytes, and nothing is lost', async () => {
    const pipeline = ingest!.app.get(IngestPipeline);
    await db.close();
    await postgres.stop();
    let mostHeld = 0;
    const sampler = setInterval(() => (mostHeld = Math.max(mostHeld, pipeline.bufferedBytes)), 5);
    const base = Date.now() - 3600_000;
    try {
      for (let seq = 0; seq < MESSAGES; seq++) {
        const reading = { v: 1, ts: new Date(base + seq * 1000).toISOString(), seq, fillPct: 10 + (seq % 50) };
        // Padded to PAYLOAD_BYTES with spaces, which JSON allows between tokens.
        const json = JSON.stringify(reading);
        const payload = json.slice(0, -1) + ' '.repeat(PAYLOAD_BYTES - json.length) + '}';
        await publisher.publishAsync(`${ingest!.prefix}vulgraad/v1/devices/${device.externalRef}/readings`, payload, { qos: 1 });
      }
      // The ingest stopped reading once it held the limit; what it did not take waits at the broker.
      await waitFor(() => pipeline.bufferedBytes >= LIMIT_BYTES, 30_000, 'the ingest to hold its limit');
      mostHeld = Math.max(mostHeld, pipeline.bufferedBytes);
    } finally {
      clearInterval(sampler);
    }
    expect(mostHeld).toBeLessThanOrEqual(LIMIT_BYTES + SLACK_BYTES);
    expect(Number(ingest!.metrics.snapshot().received)).toBeLessThan(MESSAGES);

    await postgres.start();
    db = await createDatabase({ databaseUrl: postgres.url, poolSize: 2 });
    await waitFor(async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM readings WHERE device_id = $1', [device.deviceId])).rows[0]!.n === MESSAGES, 120_000, `${MESSAGES} readings stored`);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM rejected_messages')).rows[0]!.n).toBe(0);
  });
});

import { systemClock } from '@vulgraad/contracts';
import { createDatabase, type Database, migrate, ReadingsRepository, RejectedMessagesRepository } from '@vulgraad/database';
import { InProcessEventBus } from '@vulgraad/events';
import { buildNativeReading, decodeUplink, DEFAULT_QUALITY_THRESHOLDS, parseMessage } from '@vulgraad/payloads';
import { IngestMetrics } from '../../apps/ingest/src/ingest.metrics';
import { type InboundMessage, IngestPipeline, type MessageOutcome } from '../../apps/ingest/src/ingest.pipeline';
import { seedDevices } from './harness';

// The all-in-one runs the ingest on the embedded PGlite with TimescaleDB:
// the batch writer's COPY (through PGlite's /dev/blob), its savepoint and the
// staging fallback for redelivered readings must work there as on PostgreSQL.
describe('ingest pipeline on the embedded database', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createDatabase({ databaseUrl: null, pgliteDataDir: 'memory://' });
    await migrate(db);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });

  it.each(['copy', 'staging', 'unnest'] as const)('stores each reading once, with %s', async (writeStrategy) => {
    const devices = await seedDevices(db, `pgl-${writeStrategy}`, 3);
    const acked: string[] = [];
    const pipeline = new IngestPipeline(db, new InProcessEventBus(), systemClock, { decode: decodeUplink }, new IngestMetrics(), {
      // Small batches would all go in one INSERT: smallBatchRows 0 keeps each strategy under test.
      batchSize: 100, batchWaitMs: 5, writers: 1, maxBuffered: 1000, writeStrategy, smallBatchRows: 0, maxPayloadBytes: 16384, rejectKeepBytes: 256, cacheTtlS: 30,
      thresholds: DEFAULT_QUALITY_THRESHOLDS,
    });
    const base = Date.now() - 3600_000;
    const message = (device: number, seq: number): { message: InboundMessage; parsed: ReturnType<typeof parseMessage> } => {
      const { topic, payload } = buildNativeReading(devices[device]!.externalRef, { ts: new Date(base + seq * 60_000).toISOString(), seq, distanceMm: 2000 - seq * 10 });
      const buffer = Buffer.from(payload);
      return { message: { topic, payload: buffer, receivedAt: new Date(), ack: () => acked.push(`${device}:${seq}`) }, parsed: parseMessage(topic, buffer) };
    };
    const first = [0, 1, 2].flatMap((d) => [0, 1, 2, 3].map((seq) => message(d, seq)));
    expect(await pipeline.process(first)).toMatchObject({ messages: 12, stored: 12, duplicates: 0 });
    // A redelivery of half of them with new ones: the duplicates are absorbed, whichever way the batch is written.
    const redelivered = first.slice(0, 6).map((p) => ({ message: { ...p.message, ack: () => acked.push('again') }, parsed: p.parsed }));
    const second = [...redelivered, ...[0, 1, 2].map((d) => message(d, 4))];
    const outcome = await pipeline.process(second);
    expect(outcome.stored).toBe(3);
    expect(outcome.duplicates).toBe(6);
    expect(acked).toHaveLength(21);
    for (const d of devices) {
      const rows = await new ReadingsRepository(db).range(d.containerId, new Date(0), new Date('2100-01-01'));
      expect(rows.map((r) => r.seq).sort()).toEqual([0, 1, 2, 3, 4]);
    }
    const [state] = await new ReadingsRepository(db).statesOf([devices[0]!.containerId]);
    expect(state).toMatchObject({ fillPct: expect.closeTo(((2500 - 1960) / 2500) * 100, 6) });
  }, 60_000);

  it('takes messages another transport has read itself (acceptParsed): readings stored, refusals kept with their reason, each acknowledged after its commit', async () => {
    const [device] = await seedDevices(db, 'pgl-parsed', 1);
    const acked: string[] = [];
    const pipeline = new IngestPipeline(db, new InProcessEventBus(), systemClock, { decode: decodeUplink }, new IngestMetrics(), {
      batchSize: 10, batchWaitMs: 5, writers: 1, maxBuffered: 100, writeStrategy: 'copy', maxPayloadBytes: 16384, rejectKeepBytes: 256, cacheTtlS: 30,
      thresholds: DEFAULT_QUALITY_THRESHOLDS,
    });
    const { topic, payload } = buildNativeReading(device!.externalRef, { ts: new Date(Date.now() - 60_000).toISOString(), seq: 1, fillPct: 42, id: 'http-req-1' });
    const body = Buffer.from(payload);
    const message = (name: string, source: string): InboundMessage => ({ topic, brokerTopic: source, payload: body, receivedAt: new Date(), ack: () => acked.push(name) });
    pipeline.acceptParsed(message('reading', 'POST /api/readings'), parseMessage(topic, body));
    pipeline.acceptParsed(message('refused', 'POST /api/readings'), { ok: false, reason: 'missing_field', detail: 'body: fillPct is missing', deviceRef: device!.externalRef, format: 'native' });
    for (let i = 0; i < 200 && acked.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(acked.sort()).toEqual(['reading', 'refused']);
    const rows = await new ReadingsRepository(db).range(device!.containerId, new Date(0), new Date('2100-01-01'));
    expect(rows).toEqual([expect.objectContaining({ fillPct: 42, seq: 1, correlationId: 'http-req-1' })]);
    const rejected = await new RejectedMessagesRepository(db).recent({ reason: 'missing_field' });
    expect(rejected).toEqual(expect.arrayContaining([expect.objectContaining({ topic: 'POST /api/readings', detail: 'body: fillPct is missing', deviceRef: device!.externalRef })]));
  }, 60_000);

  it('writes a batch that holds a message whose sender waits after the shorter wait, with the messages that came before it', async () => {
    const [device] = await seedDevices(db, 'pgl-waiting', 1);
    const acked: string[] = [];
    const pipeline = new IngestPipeline(db, new InProcessEventBus(), systemClock, { decode: decodeUplink }, new IngestMetrics(), {
      // Without a sender that waits, nothing would be written for ten minutes.
      batchSize: 100, batchWaitMs: 600_000, waitingSenderBatchWaitMs: 0, writers: 1, maxBuffered: 100, writeStrategy: 'copy', maxPayloadBytes: 16384, rejectKeepBytes: 256,
      cacheTtlS: 30, thresholds: DEFAULT_QUALITY_THRESHOLDS,
    });
    const message = (seq: number): InboundMessage => {
      const { topic, payload } = buildNativeReading(device!.externalRef, { ts: new Date(Date.now() - 60_000 + seq).toISOString(), seq, fillPct: 40 + seq });
      return { topic, payload: Buffer.from(payload), receivedAt: new Date(), ack: () => acked.push(`${seq}`) };
    };
    pipeline.accept(message(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(acked).toEqual([]);
    expect(pipeline.buffered).toBe(1);

    const outcome = await new Promise<MessageOutcome>((settled) => pipeline.accept({ ...message(2), settled }));
    expect(outcome).toEqual({ stored: true });
    expect(acked).toEqual(['1', '2']);
    const rows = await new ReadingsRepository(db).range(device!.containerId, new Date(0), new Date('2100-01-01'));
    expect(rows.map((r) => r.seq).sort()).toEqual([1, 2]);
  }, 60_000);
});

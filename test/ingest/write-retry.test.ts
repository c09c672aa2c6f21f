import { systemClock } from '@vulgraad/contracts';
import { createScratchDatabase, type Database, type Queryable, ReadingsRepository, type ScratchDatabase } from '@vulgraad/database';
import { InProcessEventBus } from '@vulgraad/events';
import { buildNativeReading, decodeUplink, DEFAULT_QUALITY_THRESHOLDS } from '@vulgraad/payloads';
import { IngestMetrics } from '../../apps/ingest/src/ingest.metrics';
import { type InboundMessage, IngestPipeline } from '../../apps/ingest/src/ingest.pipeline';
import { testPostgresUrl } from '../support/services';
import { seedDevices, waitFor } from './harness';

/**
 * The real scratch database, whose next `failures` writes of a batch fail as
 * a lost connection would: a transaction, or the one statement a small batch
 * without rejected messages is written in.
 */
function failingFirst(db: Database, failures: number): Database & { attempts: number } {
  let left = failures;
  const wrapper = Object.create(db) as Database & { attempts: number };
  wrapper.attempts = 0;
  const attempt = (): void => {
    wrapper.attempts++;
    if (left > 0) {
      left--;
      throw Object.assign(new Error('Connection terminated unexpectedly'), { code: undefined });
    }
  };
  wrapper.transaction = async <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => {
    attempt();
    return db.transaction(fn);
  };
  wrapper.query = async <R>(sql: string, params?: unknown[]) => {
    if (/INSERT INTO readings/.test(sql)) attempt();
    return db.query<R>(sql, params);
  };
  return wrapper;
}

// While the database is away, nothing is acknowledged and the batch is tried
// again; once it commits, every message is acknowledged exactly once.
describe('ingest pipeline when the database fails', () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'ingest_retry' });
  }, 60_000);
  afterAll(async () => {
    await scratch?.drop();
  }, 60_000);

  it('retries the batch, acknowledges only after the commit, and stores each reading once', async () => {
    const [device] = await seedDevices(scratch.db, 'retry', 1);
    const db = failingFirst(scratch.db, 3);
    const metrics = new IngestMetrics();
    const pipeline = new IngestPipeline(db, new InProcessEventBus(), systemClock, { decode: decodeUplink }, metrics, {
      batchSize: 50, batchWaitMs: 5, writers: 2, maxBuffered: 1000, writeStrategy: 'copy', maxPayloadBytes: 16384, rejectKeepBytes: 256, cacheTtlS: 30,
      thresholds: DEFAULT_QUALITY_THRESHOLDS,
    });
    const acks = new Map<number, number>();
    const base = Date.now() - 3600_000;
    for (let seq = 0; seq < 120; seq++) {
      const { topic, payload } = buildNativeReading(device!.externalRef, { ts: new Date(base + seq * 1000).toISOString(), seq, fillPct: 30 });
      const message: InboundMessage = { topic, payload: Buffer.from(payload), receivedAt: new Date(), ack: () => acks.set(seq, (acks.get(seq) ?? 0) + 1) };
      pipeline.accept(message);
    }
    await waitFor(() => db.attempts >= 2, 10_000, 'the first failed attempts');
    expect(acks.size).toBe(0);
    await waitFor(() => acks.size === 120, 30_000, 'every message acknowledged');
    await pipeline.drain(5000);
    expect([...acks.values()].every((n) => n === 1)).toBe(true);
    expect(Number(metrics.snapshot().writeFailures)).toBeGreaterThanOrEqual(3);
    const rows = await new ReadingsRepository(scratch.db).range(device!.containerId, new Date(0), new Date('2100-01-01'));
    expect(rows).toHaveLength(120);
    expect(pipeline.buffered).toBe(0);
  }, 60_000);
});

import { systemClock } from '@vulgraad/contracts';
import type { Database, Queryable } from '@vulgraad/database';
import { InProcessEventBus } from '@vulgraad/events';
import { buildNativeReading, decodeUplink, DEFAULT_QUALITY_THRESHOLDS } from '@vulgraad/payloads';
import { IngestMetrics } from './ingest.metrics';
import { chooseWriteStrategy, type InboundMessage, IngestPipeline, SMALL_BATCH_ROWS } from './ingest.pipeline';

describe(chooseWriteStrategy.name, () => {
  it('writes a small batch in one statement, whatever is configured', () => {
    for (const configured of ['copy', 'staging', 'unnest'] as const) expect(chooseWriteStrategy(configured, SMALL_BATCH_ROWS - 1, false)).toBe('unnest');
  });

  it('keeps the configured strategy for a full batch, and COPY goes the staging way while redelivery lasts', () => {
    expect(chooseWriteStrategy('copy', 5000, false)).toBe('copy');
    expect(chooseWriteStrategy('copy', 5000, true)).toBe('staging');
    expect(chooseWriteStrategy('staging', 5000, false)).toBe('staging');
    expect(chooseWriteStrategy('unnest', SMALL_BATCH_ROWS, true)).toBe('unnest');
  });
});

describe('IngestPipeline batch timing', () => {
  /** A database that knows no device (every message is kept as rejected) and whose transactions end when the spec says. */
  function fakeDatabase(): { db: Database; commits: Array<() => void> } {
    const commits: Array<() => void> = [];
    const tx: Queryable = { query: async () => ({ rows: [], rowCount: 0 }), copyFrom: async () => undefined, exec: async () => undefined };
    const db = {
      ...tx,
      kind: 'postgres',
      hasTimescale: false,
      detectCapabilities: async () => undefined,
      close: async () => undefined,
      transaction: async <T>(fn: (t: Queryable) => Promise<T>): Promise<T> => {
        const result = await fn(tx);
        await new Promise<void>((resolve) => commits.push(resolve));
        return result;
      },
    } as unknown as Database;
    return { db, commits };
  }

  const message = (i: number, acked: () => void): InboundMessage => {
    const { topic, payload } = buildNativeReading(`unknown-${i}`, { ts: '2026-12-07T10:00:00.000Z', seq: i, fillPct: 10 });
    return { topic, payload: Buffer.from(payload), receivedAt: new Date(), ack: acked };
  };

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('writes what arrived during a commit once it has waited its batch wait, not right after the commit', async () => {
    const { db, commits } = fakeDatabase();
    const pipeline = new IngestPipeline(db, new InProcessEventBus(), systemClock, { decode: decodeUplink }, new IngestMetrics(), {
      batchSize: 1000, batchWaitMs: 50, writers: 2, maxBuffered: 10_000, writeStrategy: 'copy', maxPayloadBytes: 16384, rejectKeepBytes: 256, cacheTtlS: 30,
      thresholds: DEFAULT_QUALITY_THRESHOLDS,
    });
    let acked = 0;
    pipeline.accept(message(0, () => acked++));
    await jest.advanceTimersByTimeAsync(50);
    expect(commits).toHaveLength(1);
    // Writer 1 is busy; the second writer takes what comes once it has waited 50 ms.
    pipeline.accept(message(1, () => acked++));
    await jest.advanceTimersByTimeAsync(40);
    expect(commits).toHaveLength(1);
    // The first commit ends 40 ms after message 1 came: message 1 still has 10 ms to wait, with a writer free.
    commits.shift()!();
    await jest.advanceTimersByTimeAsync(0);
    expect(acked).toBe(1);
    expect(commits).toHaveLength(0);
    pipeline.accept(message(2, () => acked++));
    await jest.advanceTimersByTimeAsync(9);
    expect(commits).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    // Messages 1 and 2 in one batch, at message 1's batch wait.
    expect(commits).toHaveLength(1);
    commits.shift()!();
    await jest.advanceTimersByTimeAsync(0);
    expect(acked).toBe(3);
    expect(pipeline.buffered).toBe(0);
  });
});

import type { ParseResult } from '@vulgraad/contracts';
import { ProcessPauses, RecentDurations } from '@vulgraad/runtime';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What the stage timings read of a message: when it was received, and the time its reading says it was measured. */
interface TimedMessage {
  message: { receivedAt: Date };
  parsed: ParseResult;
}

/**
 * The ingest's counters, on a registry of its own so that several apps in
 * one process (the all-in-one) do not collide. Exposed at /metrics; the same
 * numbers as JSON at /stats.
 */
export class IngestMetrics {
  readonly registry = new Registry();
  readonly received: Counter;
  readonly stored: Counter;
  readonly duplicates: Counter;
  readonly rejected: Counter<'reason'>;
  readonly writeFailures: Counter;
  readonly batchSeconds: Histogram;
  readonly buffered: Gauge;
  readonly bufferedBytes: Gauge;
  readonly batchSize: Histogram;

  private readonly totals = { received: 0, stored: 0, duplicates: 0, batches: 0, writeFailures: 0 };
  private readonly rejectedByReason: Record<string, number> = {};
  private lastBatch: { rows: number; seconds: number; committedAt: string } | null = null;
  /** Per-message figures are plain numbers, handed to prom-client when scraped: its counters cost more than the rest of a message's accounting. */
  private receivedReported = 0;
  private bufferedNow = 0;
  private bufferedBytesNow = 0;
  /**
   * Where a reading's time goes on its way through, per message of the
   * recent batches (ms, on the pipeline's clock): measured -> received (the
   * sensor's and the broker's share, with any clock skew), received -> its
   * batch taken (the batch wait), received -> committed, and received ->
   * its events written to the bus.
   */
  private readonly stages = {
    measuredToReceived: new RecentDurations(),
    receivedToBatch: new RecentDurations(),
    receivedToCommitted: new RecentDurations(),
    receivedToPublished: new RecentDurations(),
  };
  private readonly pauses = new ProcessPauses();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.received = new Counter({
      name: 'vulgraad_ingest_messages_received_total',
      help: 'MQTT messages received',
      registers,
      collect: () => {
        this.received.inc(this.totals.received - this.receivedReported);
        this.receivedReported = this.totals.received;
      },
    });
    this.stored = new Counter({ name: 'vulgraad_ingest_readings_stored_total', help: 'Readings committed (new rows)', registers });
    this.duplicates = new Counter({ name: 'vulgraad_ingest_readings_duplicate_total', help: 'Readings already stored (broker redelivery)', registers });
    this.rejected = new Counter({ name: 'vulgraad_ingest_messages_rejected_total', help: 'Messages rejected, by reason', labelNames: ['reason'], registers });
    this.writeFailures = new Counter({ name: 'vulgraad_ingest_write_failures_total', help: 'Batch transactions that failed and were retried', registers });
    this.batchSeconds = new Histogram({
      name: 'vulgraad_ingest_batch_seconds',
      help: 'Time from taking a batch to its commit',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.batchSize = new Histogram({ name: 'vulgraad_ingest_batch_messages', help: 'Messages per batch', buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10000], registers });
    this.buffered = new Gauge({
      name: 'vulgraad_ingest_buffered_messages',
      help: 'Messages received and not yet committed',
      registers,
      collect: () => this.buffered.set(this.bufferedNow),
    });
    this.bufferedBytes = new Gauge({
      name: 'vulgraad_ingest_buffered_bytes',
      help: 'Payload bytes received and not yet committed',
      registers,
      collect: () => this.bufferedBytes.set(this.bufferedBytesNow),
    });
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'vulgraad_ingest_' });
  }

  countReceived(n = 1): void {
    this.totals.received += n;
  }

  /** Messages and their payload bytes held now (received, not yet committed). */
  setBuffered(messages: number, bytes: number): void {
    this.bufferedNow = messages;
    this.bufferedBytesNow = bytes;
  }

  countBatch(result: { messages: number; stored: number; duplicates: number; rejectedByReason: Record<string, number>; seconds: number }): void {
    this.stored.inc(result.stored);
    this.duplicates.inc(result.duplicates);
    this.batchSeconds.observe(result.seconds);
    this.batchSize.observe(result.messages);
    this.totals.stored += result.stored;
    this.totals.duplicates += result.duplicates;
    this.totals.batches += 1;
    for (const [reason, n] of Object.entries(result.rejectedByReason)) {
      this.rejected.inc({ reason }, n);
      this.rejectedByReason[reason] = (this.rejectedByReason[reason] ?? 0) + n;
    }
    this.lastBatch = { rows: result.messages, seconds: result.seconds, committedAt: new Date().toISOString() };
  }

  /** The stage timings of a committed batch's messages: taken at startedAtMs, committed at committedAtMs. */
  observeCommitted(batch: readonly TimedMessage[], startedAtMs: number, committedAtMs: number): void {
    for (const { message, parsed } of batch) {
      const receivedAtMs = message.receivedAt.getTime();
      if (parsed.ok && parsed.reading.measuredAt) this.stages.measuredToReceived.add(receivedAtMs - parsed.reading.measuredAt.getTime());
      this.stages.receivedToBatch.add(startedAtMs - receivedAtMs);
      this.stages.receivedToCommitted.add(committedAtMs - receivedAtMs);
    }
  }

  /** The same once the batch's events were written to the bus. */
  observePublished(batch: readonly TimedMessage[], publishedAtMs: number): void {
    for (const { message } of batch) this.stages.receivedToPublished.add(publishedAtMs - message.receivedAt.getTime());
  }

  /** Starts the stage timings, event-loop delay and GC pauses afresh (before a measurement). */
  resetTimings(): void {
    for (const stage of Object.values(this.stages)) stage.reset();
    this.pauses.reset();
  }

  /** The stage timings, event-loop delay and GC pauses since the last reset. */
  timings(): Record<string, unknown> {
    const stages: Record<string, ReturnType<RecentDurations['quantiles']>> = {};
    for (const [name, stage] of Object.entries(this.stages)) stages[name] = stage.quantiles();
    return { stagesMs: stages, ...this.pauses.snapshot() };
  }

  countWriteFailure(): void {
    this.writeFailures.inc();
    this.totals.writeFailures += 1;
  }

  snapshot(): Record<string, unknown> {
    return { ...this.totals, rejected: { ...this.rejectedByReason }, lastBatch: this.lastBatch };
  }
}

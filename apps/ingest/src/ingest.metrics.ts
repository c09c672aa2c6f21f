import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

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

  countWriteFailure(): void {
    this.writeFailures.inc();
    this.totals.writeFailures += 1;
  }

  snapshot(): Record<string, unknown> {
    return { ...this.totals, rejected: { ...this.rejectedByReason }, lastBatch: this.lastBatch };
  }
}

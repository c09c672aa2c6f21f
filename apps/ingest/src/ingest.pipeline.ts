import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Clock, ContainerStateChanged, ParseResult, RejectReason } from '@vulgraad/contracts';
import {
  type ContainerState, type Database, type InsertOutcome, ReadingsAlreadyStoredError, ReadingsRepository, type ReadingRow, type ReadingWriteStrategy, type RejectedMessage,
  RejectedMessagesRepository,
} from '@vulgraad/database';
import type { EventBus } from '@vulgraad/events';
import {
  CorrelationIds, type IngestMessage, prepareBatch, type PrepareOptions, type ReadOptions, readMessage, type TakenMessage, takeMessage,
  type UplinkDecoder,
} from '@vulgraad/ingest-core';
import type { QualityThresholds } from '@vulgraad/payloads';
import { DeviceDirectory } from './device-directory';
import type { IngestMetrics } from './ingest.metrics';

export type { UplinkDecoder } from '@vulgraad/ingest-core';

/**
 * One message as a transport hands it over (MQTT, HTTP; any transport that
 * can say when a message is safe). ack() is called once, after the commit
 * that stored it or its rejected row: then the sender may forget it (MQTT
 * PUBACK). A transport's refusal and the size sent (refusal, payloadSize)
 * are data of @vulgraad/ingest-core's IngestMessage.
 */
export interface InboundMessage extends IngestMessage {
  /** The topic the parsers read: for MQTT without the configured prefix. */
  topic: string;
  /** Where the message came from as delivered (the broker topic with its prefix, an HTTP route), kept with a rejected message. */
  brokerTopic?: string;
  payload: Buffer;
  receivedAt: Date;
  ack(): void;
  /**
   * Told right after ack(), once the message is settled: its reading committed
   * (or already stored), or the message kept as rejected with its reason. The
   * HTTP transport answers the sender from it.
   */
  settled?(outcome: MessageOutcome): void;
}

/** What became of one message: stored (a duplicate counts as stored), or kept as rejected. */
export type MessageOutcome = { stored: true } | { stored: false; reason: RejectReason; detail: string };
const STORED: MessageOutcome = { stored: true };

export interface IngestPipelineOptions {
  batchSize: number;
  batchWaitMs: number;
  /**
   * The same for a message whose sender waits for the commit to be answered
   * (HTTP, settled()): a batch holding one is written after at most this
   * long (default batchWaitMs). At low rates a shorter wait is what the sender
   * sees as latency; at high rates the writers are busy and batches fill anyway.
   */
  waitingSenderBatchWaitMs?: number;
  /** Batches written at the same time, each in its own transaction. */
  writers: number;
  /** Above this many messages held, the transport is asked to stop reading until a batch is written. */
  maxBuffered: number;
  /** The same in payload bytes: many large messages stop the reading before many small ones would (unset = no byte limit). */
  maxBufferedBytes?: number;
  writeStrategy: ReadingWriteStrategy;
  /** Batches of fewer rows are written in one INSERT whatever writeStrategy says (default SMALL_BATCH_ROWS; 0 = never). */
  smallBatchRows?: number;
  maxPayloadBytes: number;
  rejectKeepBytes: number;
  cacheTtlS: number;
  thresholds: QualityThresholds;
}

type Pending = TakenMessage<InboundMessage>;

/** What one committed batch did; returned for tests and the benchmark. */
export interface BatchOutcome {
  messages: number;
  stored: number;
  duplicates: number;
  rejectedByReason: Partial<Record<RejectReason, number>>;
}

/** A batch resolved and flagged, ready for its transaction. */
interface PreparedForCommit {
  batch: Pending[];
  rows: ReadingRow[];
  states: ContainerState[];
  events: ContainerStateChanged[];
  rejects: RejectedMessage[];
  /** The message each rejected row was made from, in the same order as rejects. */
  rejectedFrom: Pending[];
  startedAt: number;
  /** startedAt on the pipeline's clock, which stamps the messages' receipt. */
  startedAtMs: number;
}

/** Below this many rows a batch goes in one INSERT by default: COPY's stream costs more round trips than its speed saves. */
export const SMALL_BATCH_ROWS = 256;

/**
 * The write strategy for one batch: the configured one, except that a small
 * batch (live traffic, short batch waits) goes in one statement, and COPY
 * goes the staging way right after a batch met redelivered readings.
 */
export function chooseWriteStrategy(configured: ReadingWriteStrategy, rows: number, redelivering: boolean, smallBatchRows = SMALL_BATCH_ROWS): ReadingWriteStrategy {
  if (rows < smallBatchRows) return 'unnest';
  return configured === 'copy' && redelivering ? 'staging' : configured;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** SQLSTATE classes of errors caused by the data, not by the connection: 22 data exception, 23 constraint. */
const isDataError = (error: unknown): boolean => /^2[23]/.test(String((error as { code?: unknown }).code ?? ''));

/**
 * From MQTT message to committed row. Messages are parsed as they arrive and
 * written in batches: readings (duplicates skipped by the unique key),
 * rejected messages and the containers' latest state in one transaction.
 * Only after the commit are the messages acknowledged to the broker, so a
 * crash before it loses nothing; then the events go out. Batches are
 * resolved and flagged one after the other, in arrival order (the flags
 * compare a reading with the one before it), and then written by up to
 * `writers` transactions at once. A failed transaction is retried with
 * backoff and nothing of it is acknowledged meanwhile; the broker's in-flight
 * limit and the buffer limit hold the rest.
 */
export class IngestPipeline {
  private readonly logger = new Logger(IngestPipeline.name);
  private readonly directory: DeviceDirectory;
  /** Correlation ids given here: a random prefix per process and a counter (unique across replicas, cheap per message). */
  private readonly correlationIds = new CorrelationIds(`ig-${randomBytes(5).toString('hex')}-`);
  private readonly readOptions: ReadOptions;
  private readonly prepareOptions: PrepareOptions;
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** When the batch timer fires (performance.now()); Infinity without one. */
  private timerDueAt = Infinity;
  /**
   * By when the messages held back must go (performance.now()): the earliest
   * of their arrival plus their batch wait; Infinity with none held. Messages
   * left behind by a full batch keep it (they came no earlier).
   */
  private pendingDueAt = Infinity;
  private readonly running = new Set<Promise<void>>();
  private inFlightMessages = 0;
  /** Payload bytes of the messages held (pending and in flight). */
  private heldBytes = 0;
  private prepareChain: Promise<unknown> = Promise.resolve();
  private paused = false;
  private stopping = false;
  private lastCommitAt: Date | null = null;
  /** The last batch met readings already stored (redelivery): write the next one the staging way. */
  private redelivering = false;
  /** Told when the transport should stop (true) or resume (false) reading from the broker. */
  onFlowChange: (paused: boolean) => void = () => undefined;

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly decoder: UplinkDecoder,
    private readonly metrics: IngestMetrics,
    private readonly options: IngestPipelineOptions,
  ) {
    this.directory = new DeviceDirectory(db, options.cacheTtlS * 1000);
    this.readOptions = { maxPayloadBytes: options.maxPayloadBytes };
    this.prepareOptions = { rejectKeepBytes: options.rejectKeepBytes, thresholds: options.thresholds };
  }

  /**
   * The entry point of every transport: takes one message as received (raw
   * bytes and the topic they came on), reads it and queues it for the next
   * batch; ack() follows its commit. Never throws.
   */
  accept(message: InboundMessage): void {
    this.enqueue(readMessage(message, this.readOptions, this.correlationIds));
  }

  /**
   * accept() for a transport that has already read the message (an HTTP
   * body parsed by its route, with parseMessage or its own checks): the
   * result, a reading or a reject reason, goes the same way from here on.
   */
  acceptParsed(message: InboundMessage, parsed: ParseResult): void {
    this.enqueue(takeMessage(message, parsed, this.correlationIds));
  }

  private enqueue(taken: Pending): void {
    this.metrics.countReceived();
    this.pending.push(taken);
    this.heldBytes += taken.message.payload.byteLength;
    this.updateFlow();
    const waitMs = taken.message.settled ? (this.options.waitingSenderBatchWaitMs ?? this.options.batchWaitMs) : this.options.batchWaitMs;
    this.pendingDueAt = Math.min(this.pendingDueAt, performance.now() + waitMs);
    this.schedule();
  }

  /** Messages received and not yet committed. */
  get buffered(): number {
    return this.pending.length + this.inFlightMessages;
  }

  /** Payload bytes received and not yet committed. */
  get bufferedBytes(): number {
    return this.heldBytes;
  }

  get lastCommit(): Date | null {
    return this.lastCommitAt;
  }

  /** Writes everything held, waiting at most timeoutMs; what is left is not acknowledged and comes again. */
  async drain(timeoutMs: number): Promise<void> {
    this.stopping = true;
    const deadline = Date.now() + timeoutMs;
    while ((this.pending.length > 0 || this.running.size > 0) && Date.now() < deadline) {
      this.kick();
      await Promise.race([Promise.allSettled([...this.running]), sleep(Math.max(0, deadline - Date.now()))]);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Starts the batch at once when it is full or its messages have waited
   * their batch wait, else makes sure it starts by then (pendingDueAt).
   */
  private schedule(): void {
    if (this.running.size >= this.options.writers || this.pending.length === 0) return;
    const now = performance.now();
    if (this.pending.length >= this.options.batchSize || this.pendingDueAt <= now) {
      this.kick();
      return;
    }
    const dueAt = this.pendingDueAt;
    if (this.timer && this.timerDueAt <= dueAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDueAt = dueAt;
    this.timer = setTimeout(() => this.kick(), dueAt - now);
  }

  /** Starts batches while writers are free. */
  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerDueAt = Infinity;
    while (this.running.size < this.options.writers && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.batchSize);
      if (this.pending.length === 0) this.pendingDueAt = Infinity;
      this.inFlightMessages += batch.length;
      const run: Promise<void> = this.writeWithRetry(batch)
        .then((committed) => {
          // Given up while stopping: not acknowledged, so the broker delivers it again.
          if (!committed) this.logger.warn({ msg: 'batch left to the broker for redelivery', messages: batch.length });
        })
        .finally(() => {
          this.running.delete(run);
          this.inFlightMessages -= batch.length;
          for (const p of batch) this.heldBytes -= p.message.payload.byteLength;
          this.updateFlow();
          // What arrived while writing goes once it is a full batch or has waited its batch wait (at once when it already has):
          // at a live pace a commit is shorter than the wait, and starting the next batch right after it would write
          // a stream of small batches back to back, each with the fixed costs of a transaction and its events.
          if (this.pending.length > 0 && !this.stopping) this.schedule();
        });
      this.running.add(run);
    }
  }

  private updateFlow(): void {
    const held = this.buffered;
    this.metrics.setBuffered(held, this.heldBytes);
    const maxBytes = this.options.maxBufferedBytes ?? Infinity;
    if (!this.paused && (held >= this.options.maxBuffered || this.heldBytes >= maxBytes)) {
      this.paused = true;
      this.onFlowChange(true);
    } else if (this.paused && held < this.options.maxBuffered / 2 && this.heldBytes < maxBytes / 2) {
      this.paused = false;
      this.onFlowChange(false);
    }
  }

  /** True when the batch was committed; false when stopping made us give up (it is redelivered). */
  private async writeWithRetry(batch: Pending[]): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.process(batch);
        return true;
      } catch (writeError) {
        this.metrics.countWriteFailure();
        let error = writeError;
        if (isDataError(error)) {
          // The database refused something in the batch: find the message(s) and keep them as rejected.
          this.logger.warn({ msg: 'batch refused by the database, isolating the message', messages: batch.length, err: error });
          try {
            await this.isolate(batch, error);
            return true;
          } catch (isolateError) {
            error = isolateError;
          }
        }
        this.logger.error({ msg: 'batch not committed, will retry', attempt, messages: batch.length, err: error });
        // A registry change (a container or device removed) can make cached data wrong: read it again.
        if (attempt % 5 === 0) this.directory.clear();
        if (this.stopping && attempt >= 3) return false;
        await sleep(Math.min(5000, 50 * 2 ** attempt));
      }
    }
  }
  /**
   * Splits a batch the database refused until the refused message is alone,
   * then stores it as rejected (wrong_type, with the database's reason). If
   * even that is refused, it is logged in full here and acknowledged, so one
   * message can never stop the stream. Connection errors propagate.
   */
  private async isolate(batch: Pending[], cause: unknown): Promise<void> {
    this.directory.clear();
    if (batch.length > 1) {
      const mid = Math.ceil(batch.length / 2);
      for (const half of [batch.slice(0, mid), batch.slice(mid)]) {
        try {
          await this.process(half);
        } catch (error) {
          if (!isDataError(error)) throw error;
          await this.isolate(half, error);
        }
      }
      return;
    }
    const [p] = batch as [Pending];
    const deviceRef = p.parsed.ok ? p.parsed.reading.deviceRef : p.parsed.deviceRef;
    const detail = `not storable: ${(cause as Error).message}`;
    try {
      await this.process([{ message: p.message, parsed: { ok: false, reason: 'wrong_type', detail, deviceRef }, correlationId: p.correlationId }]);
    } catch (error) {
      if (!isDataError(error)) throw error;
      this.logger.error({
        msg: 'message refused by the database even as rejected; kept in this log and acknowledged',
        correlationId: p.correlationId,
        topic: p.message.brokerTopic ?? p.message.topic,
        payloadBase64: p.message.payload.subarray(0, this.options.rejectKeepBytes).toString('base64'),
        payloadSize: p.message.payloadSize ?? p.message.payload.byteLength,
        err: error,
      });
      p.message.ack();
      p.message.settled?.({ stored: false, reason: 'wrong_type', detail });
    }
  }

  /** Resolves, flags and writes one batch, then acknowledges and publishes. */
  async process(batch: Pending[]): Promise<BatchOutcome> {
    const prepared = await this.inOrder(() => this.prepare(batch));
    return this.commit(prepared);
  }

  /** Runs fn after every earlier call has finished: batches are flagged in arrival order. */
  private inOrder<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.prepareChain.then(fn);
    this.prepareChain = run.catch(() => undefined);
    return run;
  }

  /**
   * The preparation of @vulgraad/ingest-core on the cached directory. The
   * quality memory moves on here, before the commit: a batch that fails and
   * is retried is flagged against memory that already holds its own
   * readings, which can only drop its jump and stuck flags, never lose a reading.
   */
  private async prepare(batch: Pending[]): Promise<PreparedForCommit> {
    const startedAt = performance.now();
    const startedAtMs = this.clock.now().getTime();
    const prepared = await prepareBatch(batch, this.directory, this.decoder, this.prepareOptions);
    for (const [containerId, memory] of prepared.memories) this.directory.remember(containerId, memory);
    return { batch, rows: prepared.rows, states: prepared.states, events: prepared.events, rejects: prepared.rejects, rejectedFrom: prepared.rejectedFrom, startedAt, startedAtMs };
  }

  /** One transaction for the batch, then the acknowledgements and the events. */
  private async commit(prepared: PreparedForCommit): Promise<BatchOutcome> {
    const { batch, rows, rejects } = prepared;
    const strategy = chooseWriteStrategy(this.options.writeStrategy, rows.length, this.redelivering, this.options.smallBatchRows);
    let written: InsertOutcome;
    try {
      written = await this.writeTransaction(prepared, strategy);
    } catch (error) {
      // The COPY met redelivered readings and ended its transaction: all of it again, the staging way that skips them.
      if (!(error instanceof ReadingsAlreadyStoredError)) throw error;
      written = await this.writeTransaction(prepared, 'staging');
    }
    const stored = written.inserted;
    this.redelivering = written.hadDuplicates;

    // Committed: the broker may forget these messages now, and a transport that waits is told what became of each.
    for (const p of batch) p.message.ack();
    this.settle(prepared);
    this.lastCommitAt = this.clock.now();
    this.metrics.observeCommitted(batch, prepared.startedAtMs, this.lastCommitAt.getTime());

    const rejectedByReason: Partial<Record<RejectReason, number>> = {};
    for (const r of rejects) rejectedByReason[r.reason as RejectReason] = (rejectedByReason[r.reason as RejectReason] ?? 0) + 1;
    const outcome: BatchOutcome = { messages: batch.length, stored, duplicates: rows.length - stored, rejectedByReason };
    const seconds = (performance.now() - prepared.startedAt) / 1000;
    this.metrics.countBatch({ ...outcome, rejectedByReason: rejectedByReason as Record<string, number>, seconds });
    // Debug: at full rate this is one line per batch, with the id of every message in it (in arrival order); built only when it is written.
    if (Logger.isLevelEnabled('debug')) {
      this.logger.debug({ msg: 'batch committed', ...outcome, ms: Math.round(seconds * 10_000) / 10, correlationIds: batch.map((p) => p.correlationId) });
    }
    this.publish(batch, prepared.events, rejects);
    return outcome;
  }

  /**
   * The batch's one transaction: readings first (a COPY needs no savepoint
   * there), rejected messages, then the containers' states. A small batch
   * without rejected messages (live traffic) goes as one statement instead,
   * which commits on its own: one round trip where BEGIN, two statements and
   * COMMIT took four (not on TimescaleDB, whose hypertable keeps its inserts
   * in a statement of their own).
   */
  private writeTransaction({ rows, states, rejects }: PreparedForCommit, strategy: ReadingWriteStrategy): Promise<InsertOutcome> {
    if (strategy === 'unnest' && rejects.length === 0 && rows.length > 0 && !this.db.hasTimescale) {
      return new ReadingsRepository(this.db).writeWithStates(rows, states);
    }
    return this.db.transaction(async (tx) => {
      const outcome = await new ReadingsRepository(tx).write(rows, strategy, { firstInTransaction: true });
      if (rejects.length > 0) await new RejectedMessagesRepository(tx).insertMany(rejects);
      if (states.length > 0) await new ReadingsRepository(tx).upsertStates(states);
      return outcome;
    });
  }

  /** Tells each message of a committed batch that has a settled() callback (HTTP) whether it was stored or kept as rejected, and why. */
  private settle({ batch, rejects, rejectedFrom }: PreparedForCommit): void {
    let verdicts: Map<Pending, MessageOutcome> | null = null;
    for (let i = 0; i < rejectedFrom.length; i++) {
      const p = rejectedFrom[i] as Pending;
      if (!p.message.settled) continue;
      const row = rejects[i] as RejectedMessage;
      (verdicts ??= new Map()).set(p, { stored: false, reason: row.reason as RejectReason, detail: row.detail });
    }
    for (const p of batch) p.message.settled?.(verdicts?.get(p) ?? STORED);
  }

  /**
   * The batch's events, handed to the bus at once, in commit order: the bus
   * carries what it is handed in that order (one Redis connection), so a
   * batch's events need not wait for the answer to the batch before, which
   * under load queued them behind each other's round trips. Never blocks the next batch.
   */
  private publish(batch: Pending[], states: ContainerStateChanged[], rejects: RejectedMessage[]): void {
    // One list per event name: on Redis one message for the batch's states, where one each cost a command and a message per state.
    const lists: Array<[number, Promise<void>]> = [
      [states.length, this.bus.publishAll('container.state', states)],
      [rejects.length, this.bus.publishAll('reading.rejected', rejects.map((r) => ({ topic: r.topic, reason: r.reason, detail: r.detail, receivedAt: r.receivedAt.toISOString() })))],
    ];
    void Promise.allSettled(lists.map(([, sent]) => sent)).then((results) => {
      this.metrics.observePublished(batch, this.clock.now().getTime());
      const failed = results.reduce((sum, r, i) => sum + (r.status === 'rejected' ? lists[i]![0] : 0), 0);
      if (failed > 0) this.logger.warn({ msg: 'events not published', failed, of: states.length + rejects.length });
    });
  }
}

import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import type { Clock, ContainerStateChanged, ParsedReading, ParseResult, ReadingFlag, RejectReason } from '@vulgraad/contracts';
import {
  type ContainerRecord, type ContainerState, type Database, ReadingsRepository, type ReadingRow, type ReadingWriteStrategy, type RejectedMessage,
  RejectedMessagesRepository,
} from '@vulgraad/database';
import type { EventBus } from '@vulgraad/events';
import {
  assessReading, hasMeasurement, matchTopic, parseMessage, type QualityMemory, type QualityThresholds, rawFillPct, withoutNul,
} from '@vulgraad/payloads';
import { DeviceDirectory, type DirectoryDevice } from './device-directory';
import type { IngestMetrics } from './ingest.metrics';

/** One message as the transport hands it over; ack() tells the broker it is safe (QoS 1). */
export interface InboundMessage {
  /** The topic without the configured prefix: what the parsers read. */
  topic: string;
  /** The topic as the broker delivered it (with the prefix), kept with a rejected message. */
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
  /** The transport has judged the message already (an HTTP body over its limit): kept as rejected with this reason, not parsed. */
  refusal?: { reason: RejectReason; detail: string; deviceRef?: string };
  /** The size the sender sent, when payload holds only part of it (an oversize HTTP body that was not read). */
  payloadSize?: number;
}

/** What became of one message: stored (a duplicate counts as stored), or kept as rejected. */
export type MessageOutcome = { stored: true } | { stored: false; reason: RejectReason; detail: string };
const STORED: MessageOutcome = { stored: true };

/** Decodes the raw bytes of a LoRaWAN uplink for a device model (the decoder registry). */
export interface UplinkDecoder {
  decode(
    model: string,
    fPort: number,
    bytes: Uint8Array,
  ): { ok: true; fields: Partial<ParsedReading> } | { ok: false; reason: 'unknown_decoder' | 'undecodable_payload'; detail: string };
}

export interface IngestPipelineOptions {
  batchSize: number;
  batchWaitMs: number;
  /** Batches written at the same time, each in its own transaction. */
  writers: number;
  /** Above this many messages held, the transport is asked to stop reading until a batch is written. */
  maxBuffered: number;
  /** The same in payload bytes: many large messages stop the reading before many small ones would (unset = no byte limit). */
  maxBufferedBytes?: number;
  writeStrategy: ReadingWriteStrategy;
  maxPayloadBytes: number;
  rejectKeepBytes: number;
  cacheTtlS: number;
  thresholds: QualityThresholds;
}

interface Pending {
  message: InboundMessage;
  parsed: ParseResult;
  /** The message's own id (native `id`, TTN `as:up:...`, ChirpStack deduplicationId), else one given in accept(). */
  correlationId?: string;
}

interface Resolved {
  pending: Pending;
  reading: ParsedReading;
  device: DirectoryDevice;
  containerId: string;
  measuredAt: Date;
  measuredMs: number;
}

/** What one committed batch did; returned for tests and the benchmark. */
export interface BatchOutcome {
  messages: number;
  stored: number;
  duplicates: number;
  rejectedByReason: Partial<Record<RejectReason, number>>;
}

/** A batch resolved and flagged, ready for its transaction. */
interface PreparedBatch {
  batch: Pending[];
  rows: ReadingRow[];
  states: ContainerState[];
  events: ContainerStateChanged[];
  rejects: RejectedMessage[];
  /** The messages of the batch that were rejected, with why. */
  verdicts: Map<Pending, MessageOutcome>;
  startedAt: number;
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
  private readonly correlationPrefix = `ig-${randomBytes(5).toString('hex')}-`;
  private correlationSeq = 0;
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly running = new Set<Promise<void>>();
  private inFlightMessages = 0;
  /** Payload bytes of the messages held (pending and in flight). */
  private heldBytes = 0;
  private prepareChain: Promise<unknown> = Promise.resolve();
  private publishChain: Promise<unknown> = Promise.resolve();
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
  }

  /** Takes one message; never throws. */
  accept(message: InboundMessage): void {
    this.metrics.countReceived();
    const parsed: ParseResult = message.refusal
      ? { ok: false, ...message.refusal }
      : parseMessage(message.topic, message.payload, { maxPayloadBytes: this.options.maxPayloadBytes });
    let correlationId = parsed.ok ? parsed.reading.correlationId : undefined;
    if (!correlationId) {
      correlationId = this.correlationPrefix + (this.correlationSeq++).toString(36);
      if (parsed.ok) parsed.reading.correlationId = correlationId;
    }
    this.pending.push({ message, parsed, correlationId });
    this.heldBytes += message.payload.byteLength;
    this.updateFlow();
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

  private schedule(): void {
    if (this.running.size >= this.options.writers) return;
    if (this.pending.length >= this.options.batchSize) {
      this.kick();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.kick(), this.options.batchWaitMs);
    }
  }

  /** Starts batches while writers are free. */
  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.running.size < this.options.writers && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.batchSize);
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
          // Whatever arrived while writing goes next, without waiting for the batch timer.
          if (this.pending.length > 0 && !this.stopping) this.kick();
        });
      this.running.add(run);
    }
  }

  private updateFlow(): void {
    const held = this.buffered;
    this.metrics.buffered.set(held);
    this.metrics.bufferedBytes.set(this.heldBytes);
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
        payloadSize: p.message.payload.byteLength,
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
   * Resolves devices, decodes, maps to containers and flags. The quality
   * memory moves on here, before the commit: a batch that fails and is
   * retried is flagged against memory that already holds its own readings,
   * which can only drop its jump and stuck flags, never lose a reading.
   */
  private async prepare(batch: Pending[]): Promise<PreparedBatch> {
    const startedAt = performance.now();
    const rejects: RejectedMessage[] = [];
    const verdicts = new Map<Pending, MessageOutcome>();
    const reject = (p: Pending, reason: RejectReason, detail: string, deviceRef?: string, format?: string, correlationId?: string): void => {
      const payload = p.message.payload;
      if (p.message.settled) verdicts.set(p, { stored: false, reason, detail });
      const id = correlationId ?? p.correlationId;
      rejects.push({
        receivedAt: p.message.receivedAt,
        topic: withoutNul(p.message.brokerTopic ?? p.message.topic),
        payload: payload.subarray(0, this.options.rejectKeepBytes),
        payloadSize: p.message.payloadSize ?? payload.byteLength,
        reason,
        detail: withoutNul(detail),
        deviceRef: deviceRef === undefined ? null : withoutNul(deviceRef),
        format: format ?? null,
        correlationId: id === undefined ? null : withoutNul(id),
      });
    };

    const refs = new Set<string>();
    for (const p of batch) {
      if (!p.parsed.ok) continue;
      refs.add(p.parsed.reading.deviceRef);
      if (p.parsed.reading.devEui) refs.add(p.parsed.reading.devEui);
    }
    await this.directory.prepareDevices(refs);

    const resolved: Resolved[] = [];
    for (const p of batch) {
      const parsed = p.parsed;
      if (!parsed.ok) {
        reject(p, parsed.reason, parsed.detail, parsed.deviceRef, parsed.format);
        continue;
      }
      let reading = parsed.reading;
      const device = this.directory.device(reading.deviceRef) ?? (reading.devEui ? this.directory.device(reading.devEui) : null);
      if (!device) {
        reject(p, 'unknown_device', `no device is registered as "${reading.deviceRef}"${reading.devEui ? ` or DevEUI ${reading.devEui}` : ''}`, reading.deviceRef, reading.format, reading.correlationId);
        continue;
      }
      // The broker checks a network server's application in the topic only; the device named in the payload must be of that application too.
      if (reading.format !== 'native') {
        const topicApplication = matchTopic(p.message.topic)?.applicationId;
        const deviceApplication = device.device.lorawanApplicationId;
        if (!topicApplication || topicApplication !== deviceApplication) {
          reject(p, 'foreign_device', `device "${device.device.externalRef}" belongs to ${deviceApplication ? `LoRaWAN application "${deviceApplication}"` : 'no LoRaWAN application'}, not to "${topicApplication ?? '?'}" of the topic`, reading.deviceRef, reading.format, reading.correlationId);
          continue;
        }
      }
      if (!hasMeasurement(reading) && reading.rawUplink) {
        const model = device.device.model ?? device.device.applicationModel;
        if (!model) {
          reject(p, 'unknown_decoder', `uplink has no decoded values and device "${device.device.externalRef}" has no model (nor does its LoRaWAN application)`, reading.deviceRef, reading.format, reading.correlationId);
          continue;
        }
        const decoded = this.decoder.decode(model, reading.rawUplink.fPort, reading.rawUplink.bytes);
        if (!decoded.ok) {
          reject(p, decoded.reason, decoded.detail, reading.deviceRef, reading.format, reading.correlationId);
          continue;
        }
        reading = { ...reading, ...decoded.fields };
        if (!hasMeasurement(reading)) {
          reject(p, 'missing_field', `${model} frame on FPort ${reading.rawUplink?.fPort} carries no measurement`, reading.deviceRef, reading.format, reading.correlationId);
          continue;
        }
      }
      const measuredAt = reading.measuredAt ?? p.message.receivedAt;
      // A time far ahead would become the container's state and hide every later (older-dated) reading: kept as rejected instead.
      const aheadS = (measuredAt.getTime() - p.message.receivedAt.getTime()) / 1000;
      if (aheadS > this.options.thresholds.futureSkewS) {
        reject(p, 'future_time', `measured at ${measuredAt.toISOString()}, ${Math.round(aheadS)} s after it was received (at most ${this.options.thresholds.futureSkewS} s, INGEST_FUTURE_SKEW_S)`, reading.deviceRef, reading.format, reading.correlationId);
        continue;
      }
      const binding = this.directory.binding(device, measuredAt);
      if (!binding) {
        reject(p, 'unbound_device', `device "${device.device.externalRef}" is bound to no container at ${measuredAt.toISOString()}`, reading.deviceRef, reading.format, reading.correlationId);
        continue;
      }
      resolved.push({ pending: p, reading, device, containerId: binding.containerId, measuredAt, measuredMs: measuredAt.getTime() });
    }

    const containerIds = new Set(resolved.map((r) => r.containerId));
    await this.directory.prepareContainers(containerIds);
    await this.directory.prepareMemories(containerIds);

    // Flag in time order per container, on a copy of the memory that is kept only after the commit.
    resolved.sort((a, b) => a.measuredMs - b.measuredMs);
    const memories = new Map<string, QualityMemory>();
    const latest = new Map<string, { r: Resolved; container: ContainerRecord; row: ReadingRow; fillPct: number | null; memory: QualityMemory }>();
    const rows: ReadingRow[] = [];
    for (const r of resolved) {
      const container = this.directory.container(r.containerId);
      if (!container) {
        reject(r.pending, 'unbound_device', `device "${r.device.device.externalRef}" is bound to container ${r.containerId}, which no longer exists`, r.reading.deviceRef, r.reading.format, r.reading.correlationId);
        continue;
      }
      const memory = memories.get(r.containerId) ?? this.directory.memory(r.containerId);
      const reading = r.reading;
      const assessment = assessReading(
        {
          rawFillPct: rawFillPct(reading, container.depthMm),
          distanceMm: reading.distanceMm,
          temperatureC: reading.temperatureC,
          batteryPct: reading.batteryPct,
          tiltDeg: reading.tiltDeg,
          alarms: reading.alarms,
          measuredAt: r.measuredAt,
          receivedAt: r.pending.message.receivedAt,
        },
        memory,
        this.options.thresholds,
      );
      memories.set(r.containerId, assessment.memory);
      rows.push({
        containerId: r.containerId,
        deviceId: r.device.device.id,
        measuredAt: r.measuredAt,
        receivedAt: r.pending.message.receivedAt,
        fillPct: assessment.fillPct,
        distanceMm: reading.distanceMm === undefined ? null : Math.round(reading.distanceMm),
        levelMm: reading.levelMm === undefined ? null : Math.round(reading.levelMm),
        temperatureC: reading.temperatureC ?? null,
        batteryPct: reading.batteryPct ?? null,
        batteryV: reading.batteryV ?? null,
        rssiDbm: reading.rssiDbm ?? null,
        snrDb: reading.snrDb ?? null,
        seq: reading.seq ?? null,
        tiltDeg: reading.tiltDeg ?? null,
        flags: assessment.flags,
        alarms: reading.alarms ?? [],
        format: reading.format,
        correlationId: reading.correlationId ?? null,
      });
      // Readings are in time order: the last one seen per container is its state. Fill stays as last known
      // when a reading carries none (a battery-only status frame).
      const fillPct = assessment.fillPct ?? latest.get(r.containerId)?.fillPct ?? memory.lastFillPct;
      latest.set(r.containerId, { r, container, row: rows[rows.length - 1] as ReadingRow, fillPct, memory: assessment.memory });
    }

    const states: ContainerState[] = [];
    const events: ContainerStateChanged[] = [];
    for (const { r, container, row, fillPct, memory } of latest.values()) {
      states.push({
        containerId: row.containerId,
        deviceId: row.deviceId,
        measuredAt: row.measuredAt,
        fillPct,
        distanceMm: row.distanceMm,
        temperatureC: row.temperatureC,
        batteryPct: row.batteryPct,
        flags: row.flags,
        unchangedSince: memory.unchangedSince,
        unchangedCount: memory.unchangedCount,
      });
      events.push({
        containerId: row.containerId,
        district: container.district,
        wasteType: container.wasteType,
        deviceId: row.deviceId,
        fillPct,
        temperatureC: row.temperatureC,
        batteryPct: row.batteryPct,
        flags: row.flags as ReadingFlag[],
        measuredAt: row.measuredAt.toISOString(),
        ...(r.reading.correlationId ? { correlationId: r.reading.correlationId } : {}),
      });
    }
    for (const [containerId, memory] of memories) this.directory.remember(containerId, memory);
    return { batch, rows, states, events, rejects, verdicts, startedAt };
  }

  /** One transaction for the batch, then the acknowledgements and the events. */
  private async commit(prepared: PreparedBatch): Promise<BatchOutcome> {
    const { batch, rows, states, rejects, verdicts } = prepared;
    const strategy = this.options.writeStrategy === 'copy' && this.redelivering ? 'staging' : this.options.writeStrategy;
    const written = await this.db.transaction(async (tx) => {
      const outcome = await new ReadingsRepository(tx).write(rows, strategy);
      if (rejects.length > 0) await new RejectedMessagesRepository(tx).insertMany(rejects);
      if (states.length > 0) await new ReadingsRepository(tx).upsertStates(states);
      return outcome;
    });
    const stored = written.inserted;
    this.redelivering = written.hadDuplicates;

    // Committed: the broker may forget these messages now.
    for (const p of batch) {
      p.message.ack();
      p.message.settled?.(verdicts.get(p) ?? STORED);
    }
    this.lastCommitAt = this.clock.now();

    const rejectedByReason: Partial<Record<RejectReason, number>> = {};
    for (const r of rejects) rejectedByReason[r.reason as RejectReason] = (rejectedByReason[r.reason as RejectReason] ?? 0) + 1;
    const outcome: BatchOutcome = { messages: batch.length, stored, duplicates: rows.length - stored, rejectedByReason };
    const seconds = (performance.now() - prepared.startedAt) / 1000;
    this.metrics.countBatch({ ...outcome, rejectedByReason: rejectedByReason as Record<string, number>, seconds });
    // Debug: at full rate this is one line per batch, with the id of every message in it (in arrival order).
    this.logger.debug({
      msg: 'batch committed', ...outcome, ms: Math.round(seconds * 10_000) / 10, correlationIds: batch.map((p) => p.correlationId ?? null),
    });
    this.publish(prepared.events, rejects);
    return outcome;
  }

  /** Events go out in commit order of the batches' preparation, never blocking the next batch. */
  private publish(states: ContainerStateChanged[], rejects: RejectedMessage[]): void {
    const send = async (): Promise<void> => {
      const sends: Array<Promise<void>> = [];
      for (const state of states) sends.push(this.bus.publish('container.state', state));
      for (const r of rejects) {
        sends.push(this.bus.publish('reading.rejected', { topic: r.topic, reason: r.reason, detail: r.detail, receivedAt: r.receivedAt.toISOString() }));
      }
      const results = await Promise.allSettled(sends);
      const failed = results.filter((r) => r.status === 'rejected').length;
      if (failed > 0) this.logger.warn({ msg: 'events not published', failed, of: results.length });
    };
    this.publishChain = this.publishChain.then(send, send);
  }
}

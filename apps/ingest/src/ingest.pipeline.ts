import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import type { Clock, ContainerStateChanged, ParsedReading, ParseResult, ReadingFlag, RejectReason } from '@vulgraad/contracts';
import {
  type ContainerState, type Database, ReadingsRepository, type ReadingRow, type ReadingWriteStrategy, type RejectedMessage,
  RejectedMessagesRepository,
} from '@vulgraad/database';
import type { EventBus } from '@vulgraad/events';
import {
  assessReading, hasMeasurement, parseMessage, type QualityMemory, type QualityThresholds, rawFillPct, withoutNul,
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
}

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
  /** Above this many messages held, the transport is asked to stop reading until a batch is written. */
  maxBuffered: number;
  writeStrategy: ReadingWriteStrategy;
  maxPayloadBytes: number;
  rejectKeepBytes: number;
  cacheTtlS: number;
  thresholds: QualityThresholds;
}

interface Pending {
  message: InboundMessage;
  parsed: ParseResult;
}

interface Resolved {
  pending: Pending;
  reading: ParsedReading;
  device: DirectoryDevice;
  containerId: string;
  measuredAt: Date;
}

/** What one committed batch did; returned for tests and the benchmark. */
export interface BatchOutcome {
  messages: number;
  stored: number;
  duplicates: number;
  rejectedByReason: Partial<Record<RejectReason, number>>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** SQLSTATE classes of errors caused by the data, not by the connection: 22 data exception, 23 constraint. */
const isDataError = (error: unknown): boolean => /^2[23]/.test(String((error as { code?: unknown }).code ?? ''));

/**
 * From MQTT message to committed row. Messages are parsed as they arrive and
 * written in batches, one transaction at a time: readings (duplicates skipped
 * by the unique key), rejected messages and the containers' latest state
 * together. Only after the commit are the messages acknowledged to the
 * broker, so a crash before it loses nothing; then the events go out.
 * A failed transaction is retried with backoff and nothing is acknowledged
 * meanwhile; the broker's in-flight limit and the buffer limit hold the rest.
 */
export class IngestPipeline {
  private readonly logger = new Logger(IngestPipeline.name);
  private readonly directory: DeviceDirectory;
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private paused = false;
  private stopping = false;
  private lastCommitAt: Date | null = null;
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
    const parsed = parseMessage(message.topic, message.payload, { maxPayloadBytes: this.options.maxPayloadBytes });
    this.pending.push({ message, parsed });
    this.metrics.buffered.set(this.pending.length);
    if (!this.paused && this.pending.length >= this.options.maxBuffered) {
      this.paused = true;
      this.onFlowChange(true);
    }
    this.schedule();
  }

  get buffered(): number {
    return this.pending.length;
  }

  get lastCommit(): Date | null {
    return this.lastCommitAt;
  }

  /** Writes everything held, waiting at most timeoutMs; what is left is not acknowledged and comes again. */
  async drain(timeoutMs: number): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const deadline = Date.now() + timeoutMs;
    while ((this.pending.length > 0 || this.writing) && Date.now() < deadline) {
      if (!this.writing) this.kick(true);
      await Promise.race([this.writing, sleep(Math.max(0, deadline - Date.now()))]);
    }
  }

  private schedule(): void {
    if (this.writing) return;
    if (this.pending.length >= this.options.batchSize) {
      this.kick();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.kick(), this.options.batchWaitMs);
    }
  }

  private kick(draining = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.writing) return;
    this.writing = this.writeAll(draining).finally(() => {
      this.writing = null;
      if (this.pending.length > 0 && !this.stopping) this.schedule();
    });
  }

  private async writeAll(draining: boolean): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.slice(0, this.options.batchSize);
      const done = await this.writeWithRetry(batch, draining);
      if (!done) return;
      this.pending.splice(0, batch.length);
      this.metrics.buffered.set(this.pending.length);
      if (this.paused && this.pending.length < this.options.maxBuffered / 2) {
        this.paused = false;
        this.onFlowChange(false);
      }
    }
  }

  /** True when the batch was committed; false when stopping made us give up (it is redelivered). */
  private async writeWithRetry(batch: Pending[], draining: boolean): Promise<boolean> {
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
        if (this.stopping && (draining || attempt >= 3)) return false;
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
      await this.process([{ message: p.message, parsed: { ok: false, reason: 'wrong_type', detail, deviceRef } }]);
    } catch (error) {
      if (!isDataError(error)) throw error;
      this.logger.error({
        msg: 'message refused by the database even as rejected; kept in this log and acknowledged',
        topic: p.message.brokerTopic ?? p.message.topic,
        payloadBase64: p.message.payload.subarray(0, this.options.rejectKeepBytes).toString('base64'),
        payloadSize: p.message.payload.byteLength,
        err: error,
      });
      p.message.ack();
    }
  }

  /** Resolves, flags and writes one batch, then acknowledges and publishes. */
  async process(batch: Pending[]): Promise<BatchOutcome> {
    const started = performance.now();
    const rejects: RejectedMessage[] = [];
    const reject = (p: Pending, reason: RejectReason, detail: string, deviceRef?: string, format?: string, correlationId?: string): void => {
      const payload = p.message.payload;
      rejects.push({
        receivedAt: p.message.receivedAt,
        topic: withoutNul(p.message.brokerTopic ?? p.message.topic),
        payload: payload.subarray(0, this.options.rejectKeepBytes),
        payloadSize: payload.byteLength,
        reason,
        detail: withoutNul(detail),
        deviceRef: deviceRef === undefined ? null : withoutNul(deviceRef),
        format: format ?? null,
        correlationId: correlationId === undefined ? null : withoutNul(correlationId),
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
      const binding = this.directory.binding(device, measuredAt);
      if (!binding) {
        reject(p, 'unbound_device', `device "${device.device.externalRef}" is bound to no container at ${measuredAt.toISOString()}`, reading.deviceRef, reading.format, reading.correlationId);
        continue;
      }
      resolved.push({ pending: p, reading, device, containerId: binding.containerId, measuredAt });
    }

    const containerIds = new Set(resolved.map((r) => r.containerId));
    await this.directory.prepareContainers(containerIds);
    await this.directory.prepareMemories(containerIds);

    // Flag in time order per container, on a copy of the memory that is kept only after the commit.
    resolved.sort((a, b) => a.measuredAt.getTime() - b.measuredAt.getTime());
    const memories = new Map<string, QualityMemory>();
    const latest = new Map<string, { state: ContainerState; event: ContainerStateChanged }>();
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
      const previous = latest.get(r.containerId);
      if (!previous || previous.state.measuredAt.getTime() <= r.measuredAt.getTime()) {
        const fillPct = assessment.fillPct ?? previous?.state.fillPct ?? memory.lastFillPct;
        latest.set(r.containerId, {
          state: {
            containerId: r.containerId,
            deviceId: r.device.device.id,
            measuredAt: r.measuredAt,
            fillPct,
            distanceMm: reading.distanceMm === undefined ? null : Math.round(reading.distanceMm),
            temperatureC: reading.temperatureC ?? null,
            batteryPct: reading.batteryPct ?? null,
            flags: assessment.flags,
            unchangedSince: assessment.memory.unchangedSince,
            unchangedCount: assessment.memory.unchangedCount,
          },
          event: {
            containerId: r.containerId,
            district: container.district,
            wasteType: container.wasteType,
            deviceId: r.device.device.id,
            fillPct,
            temperatureC: reading.temperatureC ?? null,
            batteryPct: reading.batteryPct ?? null,
            flags: assessment.flags as ReadingFlag[],
            measuredAt: r.measuredAt.toISOString(),
            ...(reading.correlationId ? { correlationId: reading.correlationId } : {}),
          },
        });
      }
    }

    const states = [...latest.values()].map((l) => l.state);
    const stored = await this.db.transaction(async (tx) => {
      const inserted = await new ReadingsRepository(tx).insertBatch(rows, this.options.writeStrategy);
      if (rejects.length > 0) await new RejectedMessagesRepository(tx).insertMany(rejects);
      if (states.length > 0) await new ReadingsRepository(tx).upsertStates(states);
      return inserted;
    });

    // Committed: the broker may forget these messages now.
    for (const p of batch) p.message.ack();
    for (const [containerId, memory] of memories) this.directory.remember(containerId, memory);
    this.lastCommitAt = this.clock.now();

    const rejectedByReason: Partial<Record<RejectReason, number>> = {};
    for (const r of rejects) rejectedByReason[r.reason as RejectReason] = (rejectedByReason[r.reason as RejectReason] ?? 0) + 1;
    const outcome: BatchOutcome = { messages: batch.length, stored, duplicates: rows.length - stored, rejectedByReason };
    this.metrics.countBatch({ ...outcome, rejectedByReason: rejectedByReason as Record<string, number>, seconds: (performance.now() - started) / 1000 });
    this.publish([...latest.values()].map((l) => l.event), rejects);
    return outcome;
  }

  private publish(states: ContainerStateChanged[], rejects: RejectedMessage[]): void {
    const sends: Array<Promise<void>> = [];
    for (const state of states) sends.push(this.bus.publish('container.state', state));
    for (const r of rejects) {
      sends.push(this.bus.publish('reading.rejected', { topic: r.topic, reason: r.reason, detail: r.detail, receivedAt: r.receivedAt.toISOString() }));
    }
    void Promise.allSettled(sends).then((results) => {
      const failed = results.filter((r) => r.status === 'rejected').length;
      if (failed > 0) this.logger.warn({ msg: 'events not published', failed, of: results.length });
    });
  }
}

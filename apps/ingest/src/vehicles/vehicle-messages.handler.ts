import { Logger } from '@nestjs/common';
import type { Clock, TruckPosition } from '@vulgraad/contracts';
import { RejectedMessagesRepository, VehiclePositionsRepository, type Database, type VehiclePositionRow } from '@vulgraad/database';
import type { EventBus } from '@vulgraad/events';
import { parseVehicleMessage, withoutNul, type ParsedLift, type VehicleRejectReason } from '@vulgraad/payloads';
import type { InboundMessage } from '../ingest.pipeline';

export interface VehicleMessagesOptions {
  /** Positions are written together: at most this many per statement... */
  batchSize: number;
  /** ...and held at most this long before they are written. */
  batchWaitMs: number;
  /** A position measured further ahead of its receipt than this is rejected (future_time). */
  futureSkewS: number;
  /** Bytes of a rejected payload kept. */
  rejectKeepBytes: number;
}

/** How long the set of known trucks is trusted before an unknown id is looked up again. */
const VEHICLES_TTL_MS = 30_000;

/**
 * The trucks' messages (`vulgraad/v1/vehicles/{id}/position` and `.../lift`),
 * beside the readings pipeline. A position of a known truck is published
 * (`vehicle.position`) as soon as it is read: the live map is not the record,
 * and a truck's position waits for no database write. It is then stored with
 * the others that came meanwhile (vehicle_positions) and acknowledged only
 * after that commit; one that is not comes again from the broker, is stored
 * once (the unique key) and published once more, which the gateway and the
 * page take as the same position. Lifts are stored one by one (their
 * container resolved from an RFID tag), then published (`vehicle.lift`) and
 * acknowledged: a lift marks a stop done, so it is told only once stored. A
 * message that cannot be read, or comes from a truck the registry does not
 * know, is kept in rejected_messages with its reason (format `vehicle`) and
 * acknowledged: it would never get better.
 */
export class VehicleMessages {
  private readonly logger = new Logger(VehicleMessages.name);
  private readonly positions: VehiclePositionsRepository;
  private readonly rejected: RejectedMessagesRepository;
  /** Positions published and waiting for their write, and when the first of them came (performance.now(); Infinity with none). */
  private pending: Array<{ message: InboundMessage; row: VehiclePositionRow }> = [];
  private pendingSince = Infinity;
  private timer: NodeJS.Timeout | null = null;
  /** A write of positions is queued or running: what comes meanwhile waits for it and goes in the next one, all together. */
  private writing = false;
  /** The database's work in order: position writes, lifts, rejected messages. */
  private inFlight: Promise<void> = Promise.resolve();
  /** The last publish of a position failed: the next failure is not logged again (at hundreds a second it would flood the log). */
  private publishFailing = false;
  private known = new Set<string>();
  private knownAt = 0;
  private loading: Promise<void> | null = null;
  /** Counters for logs and the benchmark. */
  readonly stats = { positions: 0, lifts: 0, rejected: 0 };

  constructor(
    db: Database,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly options: VehicleMessagesOptions,
  ) {
    this.positions = new VehiclePositionsRepository(db);
    this.rejected = new RejectedMessagesRepository(db);
  }

  /** Takes one message from the transport; settles it later (stored and acknowledged, or rejected). */
  accept(message: InboundMessage): void {
    const parsed = parseVehicleMessage(message.topic, message.payload);
    if (!parsed.ok) {
      this.reject(message, parsed.reason, parsed.detail, parsed.vehicleId);
      return;
    }
    const vehicleId = parsed.kind === 'position' ? parsed.position.vehicleId : parsed.lift.vehicleId;
    const measuredAt = parsed.kind === 'position' ? parsed.position.measuredAt : parsed.lift.measuredAt;
    if (measuredAt.getTime() - message.receivedAt.getTime() > this.options.futureSkewS * 1000) {
      this.reject(message, 'future_time', `measured at ${measuredAt.toISOString()}, more than ${this.options.futureSkewS} s after it was received`, vehicleId);
      return;
    }
    void this.isKnown(vehicleId).then(
      (known) => {
        if (!known) return this.reject(message, 'unknown_vehicle', `no truck ${vehicleId} in the registry`, vehicleId);
        if (parsed.kind === 'position') this.queue(message, { ...parsed.position, receivedAt: message.receivedAt });
        else this.storeLift(message, parsed.lift);
      },
      (error: unknown) => this.logger.error({ msg: 'truck registry could not be read; message left unacknowledged for redelivery', topic: message.topic, err: String(error) }),
    );
  }

  /** Writes what is held; resolves when every accepted position is committed. */
  async drain(): Promise<void> {
    for (;;) {
      this.flush();
      const chain = this.inFlight;
      await chain;
      if (this.pending.length === 0 && !this.writing && chain === this.inFlight) return;
    }
  }

  private async isKnown(vehicleId: string): Promise<boolean> {
    const fresh = this.clockMs() - this.knownAt < VEHICLES_TTL_MS;
    if (this.known.has(vehicleId)) return true;
    if (!fresh || this.known.size === 0) {
      this.loading ??= this.positions.vehicleIds().then(
        (ids) => {
          this.known = new Set(ids);
          this.knownAt = this.clockMs();
          this.loading = null;
        },
        (error: unknown) => {
          this.loading = null;
          throw error;
        },
      );
      await this.loading;
    }
    return this.known.has(vehicleId);
  }

  private clockMs(): number {
    return Date.now();
  }

  private queue(message: InboundMessage, row: VehiclePositionRow): void {
    this.publishPosition(row);
    this.pending.push({ message, row });
    if (this.pending.length === 1) this.pendingSince = performance.now();
    this.schedule();
  }

  /** Live first: the gateway gets the position now; its storage and acknowledgement follow. Published in arrival order on one connection. */
  private publishPosition(row: VehiclePositionRow): void {
    const position: TruckPosition = { vehicleId: row.vehicleId, at: row.measuredAt.toISOString(), lat: row.lat, lng: row.lng, speedKmh: row.speedKmh, heading: row.heading };
    this.bus.publish('vehicle.position', position).then(
      () => {
        this.publishFailing = false;
      },
      (error: unknown) => {
        // Stored all the same: the map misses this position, the record does not.
        if (!this.publishFailing) this.logger.warn({ msg: 'truck position not published (stored all the same); further failures not logged until one succeeds', vehicleId: row.vehicleId, err: String(error) });
        this.publishFailing = true;
      },
    );
  }

  /**
   * Starts the write of what is held once the batch is full or its first
   * position has waited the batch wait; never while a write is queued or
   * running: then the positions gather and go together once it is done. At a
   * steady pace one write follows another, and a slow commit makes the next
   * write larger, not the queue of writes longer.
   */
  private schedule(): void {
    if (this.writing || this.pending.length === 0) return;
    const waitMs = this.pendingSince + this.options.batchWaitMs - performance.now();
    if (this.pending.length >= this.options.batchSize || waitMs <= 0) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.schedule();
    }, waitMs);
  }

  /** Queues the write of every position held (unless one is queued or running already). */
  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.writing || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingSince = Infinity;
    this.writing = true;
    this.inFlight = this.inFlight
      .then(() => this.write(batch))
      .finally(() => {
        this.writing = false;
        this.schedule();
      });
  }

  private async write(batch: Array<{ message: InboundMessage; row: VehiclePositionRow }>): Promise<void> {
    try {
      await this.positions.insertPositions(batch.map((b) => b.row));
    } catch (error) {
      // Not acknowledged: the broker delivers them again (QoS 1) once the database is back.
      this.logger.error({ msg: 'positions could not be stored; left unacknowledged', count: batch.length, err: String(error) });
      return;
    }
    this.stats.positions += batch.length;
    for (const { message } of batch) {
      message.ack();
      message.settled?.({ stored: true });
    }
  }

  private storeLift(message: InboundMessage, lift: ParsedLift): void {
    this.inFlight = this.inFlight.then(async () => {
      try {
        const containerId = lift.containerId ?? (lift.rfidTag ? await this.positions.containerByRfid(lift.rfidTag) : null);
        const created = await this.positions.insertLift({ ...lift, containerId, receivedAt: message.receivedAt });
        this.stats.lifts++;
        if (created) {
          await this.bus.publish('vehicle.lift', { vehicleId: lift.vehicleId, at: lift.measuredAt.toISOString(), containerId, rfidTag: lift.rfidTag, lat: lift.lat, lng: lift.lng });
        }
        message.ack();
        message.settled?.({ stored: true });
      } catch (error) {
        this.logger.error({ msg: 'lift could not be stored; left unacknowledged', topic: message.topic, err: String(error) });
      }
    });
  }

  private reject(message: InboundMessage, reason: VehicleRejectReason, detail: string, vehicleId?: string): void {
    this.inFlight = this.inFlight.then(async () => {
      try {
        await this.rejected.insertMany([
          {
            receivedAt: message.receivedAt,
            topic: withoutNul(message.brokerTopic ?? message.topic),
            payload: message.payload.subarray(0, this.options.rejectKeepBytes),
            payloadSize: message.payload.byteLength,
            reason,
            detail: withoutNul(detail),
            deviceRef: vehicleId === undefined ? null : withoutNul(vehicleId),
            format: 'vehicle',
            correlationId: null,
          },
        ]);
        this.stats.rejected++;
        this.logger.warn({ msg: 'truck message rejected', topic: message.topic, reason, detail, at: this.clock.now().toISOString() });
        message.ack();
      } catch (error) {
        this.logger.error({ msg: 'rejected truck message could not be stored; left unacknowledged', topic: message.topic, err: String(error) });
      }
    });
  }
}

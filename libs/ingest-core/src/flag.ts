import type { ContainerStateChanged, ReadingFlag } from '@vulgraad/contracts';
import { assessReading, type QualityMemory, type QualityThresholds, rawFillPct, type ReadingToAssess } from '@vulgraad/payloads';
import { rejectedRow } from './reject';
import type { ResolvedReading } from './resolve';
import type { ContainerStateOut, IngestContainer, IngestDeviceEntry, IngestMessage, ReadingRowOut, RegistryView, RejectedRow, TakenMessage } from './types';

/** What a batch writes and announces once flagged. */
export interface FlaggedBatch<M extends IngestMessage = IngestMessage> {
  rows: ReadingRowOut[];
  /** One per container: its newest reading of the batch. */
  states: ContainerStateOut[];
  /** The container.state events to publish after the commit, one per state. */
  events: ContainerStateChanged[];
  /** Readings whose container is gone from the registry. */
  rejects: RejectedRow[];
  /** The message each rejected row was made from, in the same order as rejects. */
  rejectedFrom: Array<TakenMessage<M>>;
  /** Each container's flagging memory after the batch (the caller keeps it). */
  memories: Map<string, QualityMemory>;
}

/** The newest reading per container, updated in place as the batch is walked in time order. */
interface Latest {
  resolved: ResolvedReading;
  container: IngestContainer;
  row: ReadingRowOut;
  fillPct: number | null;
  memory: QualityMemory;
}

const byMeasuredTime = (a: { measuredMs: number }, b: { measuredMs: number }): number => a.measuredMs - b.measuredMs;

/** Sorts in time order only when the batch is not already in it (the usual case costs one pass). */
function inTimeOrder<T extends { measuredMs: number }>(items: readonly T[]): readonly T[] {
  for (let i = 1; i < items.length; i++) {
    if ((items[i] as T).measuredMs < (items[i - 1] as T).measuredMs) return [...items].sort(byMeasuredTime);
  }
  return items;
}

/** The alarms of a reading that raised none: one array for all of them (rows are written, never changed). */
const NO_ALARMS: string[] = [];
const orNull = (value: number | undefined): number | null => (value === undefined ? null : value);
const roundedOrNull = (value: number | undefined): number | null => (value === undefined ? null : Math.round(value));

/**
 * Step 3: flags each reading against its container's recent past, in time
 * order per container, and builds the rows, each container's latest state and
 * the events. Fill stays as last known when a reading carries none (a
 * battery-only status frame). Pure: the memories it starts from come from the
 * registry view, and the ones it ends with are returned.
 */
export function flagReadings<M extends IngestMessage, D extends IngestDeviceEntry>(
  resolved: ReadonlyArray<ResolvedReading<M, D>>,
  registry: RegistryView<D>,
  thresholds: QualityThresholds,
  rejectKeepBytes: number,
): FlaggedBatch<M> {
  const memories = new Map<string, QualityMemory>();
  const latest = new Map<string, Latest>();
  const rows: ReadingRowOut[] = [];
  const rejects: RejectedRow[] = [];
  const rejectedFrom: Array<TakenMessage<M>> = [];
  const toAssess: ReadingToAssess = {
    rawFillPct: null, distanceMm: undefined, temperatureC: undefined, batteryPct: undefined, tiltDeg: undefined, alarms: undefined,
    measuredAt: new Date(0), receivedAt: new Date(0),
  };
  for (const r of inTimeOrder(resolved)) {
    const reading = r.reading;
    const container = registry.container(r.containerId);
    if (!container) {
      rejects.push(
        rejectedRow(r.taken.message, rejectKeepBytes, 'unbound_device', `device "${r.entry.device.externalRef}" is bound to container ${r.containerId}, which no longer exists`, {
          deviceRef: reading.deviceRef, format: reading.format, correlationId: reading.correlationId ?? r.taken.correlationId,
        }),
      );
      rejectedFrom.push(r.taken);
      continue;
    }
    // The container's memory after its last reading in this batch, else as the batch found it (one map look-up per reading).
    const last = latest.get(r.containerId);
    const memory = last ? last.memory : registry.memory(r.containerId);
    const receivedAt = r.taken.message.receivedAt;
    // One object refilled for every reading of the batch: assessReading keeps none of it but the measurement time.
    toAssess.rawFillPct = rawFillPct(reading, container.depthMm);
    toAssess.distanceMm = reading.distanceMm;
    toAssess.temperatureC = reading.temperatureC;
    toAssess.batteryPct = reading.batteryPct;
    toAssess.tiltDeg = reading.tiltDeg;
    toAssess.alarms = reading.alarms;
    toAssess.measuredAt = r.measuredAt;
    toAssess.receivedAt = receivedAt;
    const assessment = assessReading(toAssess, memory, thresholds);
    const row: ReadingRowOut = {
      containerId: r.containerId,
      deviceId: r.entry.device.id,
      measuredAt: r.measuredAt,
      receivedAt,
      fillPct: assessment.fillPct,
      distanceMm: roundedOrNull(reading.distanceMm),
      levelMm: roundedOrNull(reading.levelMm),
      temperatureC: orNull(reading.temperatureC),
      batteryPct: orNull(reading.batteryPct),
      batteryV: orNull(reading.batteryV),
      rssiDbm: orNull(reading.rssiDbm),
      snrDb: orNull(reading.snrDb),
      seq: orNull(reading.seq),
      tiltDeg: orNull(reading.tiltDeg),
      flags: assessment.flags,
      alarms: reading.alarms ?? NO_ALARMS,
      format: reading.format,
      correlationId: reading.correlationId ?? null,
    };
    rows.push(row);
    if (last) {
      last.fillPct = assessment.fillPct ?? last.fillPct;
      last.resolved = r;
      last.row = row;
      last.memory = assessment.memory;
    } else {
      latest.set(r.containerId, { resolved: r, container, row, fillPct: assessment.fillPct ?? memory.lastFillPct, memory: assessment.memory });
    }
  }

  const states: ContainerStateOut[] = [];
  const events: ContainerStateChanged[] = [];
  for (const { resolved: r, container, row, fillPct, memory } of latest.values()) {
    memories.set(row.containerId, memory);
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
    const event: ContainerStateChanged = {
      containerId: row.containerId,
      district: container.district,
      wasteType: container.wasteType,
      deviceId: row.deviceId,
      fillPct,
      temperatureC: row.temperatureC,
      batteryPct: row.batteryPct,
      flags: row.flags as ReadingFlag[],
      measuredAt: row.measuredAt.toISOString(),
    };
    // Set, not spread from an object made for it: one object per state less, and the same event on the bus (the id last, when there is one).
    if (r.reading.correlationId) event.correlationId = r.reading.correlationId;
    events.push(event);
  }
  return { rows, states, events, rejects, rejectedFrom, memories };
}

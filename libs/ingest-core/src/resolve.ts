import type { ParsedReading, RejectReason } from '@vulgraad/contracts';
import { hasMeasurement, matchTopic } from '@vulgraad/payloads';
import { rejectedRow } from './reject';
import type { IngestDeviceEntry, IngestMessage, PrepareOptions, RegistryView, RejectedRow, TakenMessage, UplinkDecoder } from './types';

/** A reading whose device and container are known, ready to be flagged. */
export interface ResolvedReading<M extends IngestMessage = IngestMessage, D extends IngestDeviceEntry = IngestDeviceEntry> {
  taken: TakenMessage<M>;
  reading: ParsedReading;
  entry: D;
  containerId: string;
  measuredAt: Date;
  measuredMs: number;
}

export interface Resolution<M extends IngestMessage = IngestMessage, D extends IngestDeviceEntry = IngestDeviceEntry> {
  /** In arrival order. */
  resolved: Array<ResolvedReading<M, D>>;
  rejects: RejectedRow[];
  /** The message each rejected row was made from, in the same order as rejects (a transport may answer its sender). */
  rejectedFrom: Array<TakenMessage<M>>;
}

/** The device references a batch names (device ref and DevEUI): what the registry view must hold before resolveReadings. */
export function devicesToLoad(batch: readonly TakenMessage[]): Set<string> {
  const refs = new Set<string>();
  for (const t of batch) {
    if (!t.parsed.ok) continue;
    refs.add(t.parsed.reading.deviceRef);
    if (t.parsed.reading.devEui) refs.add(t.parsed.reading.devEui);
  }
  return refs;
}

/** The containers resolved readings go to: what the registry view must hold before flagReadings. */
export function containersToLoad(resolved: ReadonlyArray<{ containerId: string }>): Set<string> {
  const ids = new Set<string>();
  for (const r of resolved) ids.add(r.containerId);
  return ids;
}

/**
 * Step 2: from parsed message to device and container. Each message either
 * resolves or becomes a rejected row with its reason: unparsable, unknown
 * device, a LoRaWAN device of another application than the topic's, no
 * decoder or an undecodable frame, a time too far ahead of receipt, or no
 * binding at the measurement time. Raw LoRaWAN frames are decoded here with
 * the device's model. Pure: the registry view is read, never changed.
 */
export function resolveReadings<M extends IngestMessage, D extends IngestDeviceEntry>(
  batch: ReadonlyArray<TakenMessage<M>>,
  registry: RegistryView<D>,
  decoder: UplinkDecoder,
  options: PrepareOptions,
): Resolution<M, D> {
  const resolved: Array<ResolvedReading<M, D>> = [];
  const rejects: RejectedRow[] = [];
  const rejectedFrom: Array<TakenMessage<M>> = [];
  const futureSkewS = options.thresholds.futureSkewS;
  for (const taken of batch) {
    const parsed = taken.parsed;
    const message = taken.message;
    if (!parsed.ok) {
      rejects.push(rejectedRow(message, options.rejectKeepBytes, parsed.reason, parsed.detail, { deviceRef: parsed.deviceRef, format: parsed.format, correlationId: taken.correlationId }));
      rejectedFrom.push(taken);
      continue;
    }
    let reading = parsed.reading;
    const entry = registry.device(reading.deviceRef) ?? (reading.devEui ? registry.device(reading.devEui) : null);
    if (!entry) {
      rejectReading(rejects, rejectedFrom, taken, reading, options, 'unknown_device', `no device is registered as "${reading.deviceRef}"${reading.devEui ? ` or DevEUI ${reading.devEui}` : ''}`);
      continue;
    }
    const device = entry.device;
    // The broker checks a network server's application in the topic only; the device named in the payload must be of that application too.
    if (reading.format !== 'native') {
      const topicApplication = matchTopic(message.topic)?.applicationId;
      const deviceApplication = device.lorawanApplicationId;
      if (!topicApplication || topicApplication !== deviceApplication) {
        rejectReading(rejects, rejectedFrom, taken, reading, options, 'foreign_device', `device "${device.externalRef}" belongs to ${deviceApplication ? `LoRaWAN application "${deviceApplication}"` : 'no LoRaWAN application'}, not to "${topicApplication ?? '?'}" of the topic`);
        continue;
      }
    }
    if (reading.rawUplink && !hasMeasurement(reading)) {
      const model = device.model ?? device.applicationModel;
      if (!model) {
        rejectReading(rejects, rejectedFrom, taken, reading, options, 'unknown_decoder', `uplink has no decoded values and device "${device.externalRef}" has no model (nor does its LoRaWAN application)`);
        continue;
      }
      const decoded = decoder.decode(model, reading.rawUplink.fPort, reading.rawUplink.bytes);
      if (!decoded.ok) {
        rejectReading(rejects, rejectedFrom, taken, reading, options, decoded.reason, decoded.detail);
        continue;
      }
      reading = { ...reading, ...decoded.fields };
      if (!hasMeasurement(reading)) {
        rejectReading(rejects, rejectedFrom, taken, reading, options, 'missing_field', `${model} frame on FPort ${reading.rawUplink?.fPort} carries no measurement`);
        continue;
      }
    }
    const measuredAt = reading.measuredAt ?? message.receivedAt;
    const measuredMs = measuredAt.getTime();
    // A time far ahead would become the container's state and hide every later (older-dated) reading: kept as rejected instead.
    const aheadS = (measuredMs - message.receivedAt.getTime()) / 1000;
    if (aheadS > futureSkewS) {
      rejectReading(rejects, rejectedFrom, taken, reading, options, 'future_time', `measured at ${measuredAt.toISOString()}, ${Math.round(aheadS)} s after it was received (at most ${futureSkewS} s, INGEST_FUTURE_SKEW_S)`);
      continue;
    }
    const containerId = registry.containerAt(entry, measuredAt);
    if (containerId === null) {
      rejectReading(rejects, rejectedFrom, taken, reading, options, 'unbound_device', `device "${device.externalRef}" is bound to no container at ${measuredAt.toISOString()}`);
      continue;
    }
    resolved.push({ taken, reading, entry, containerId, measuredAt, measuredMs });
  }
  return { resolved, rejects, rejectedFrom };
}

/** A rejected row for a parsed message, with the ids its reading names. */
function rejectReading<M extends IngestMessage>(
  rejects: RejectedRow[],
  rejectedFrom: Array<TakenMessage<M>>,
  taken: TakenMessage<M>,
  reading: ParsedReading,
  options: PrepareOptions,
  reason: RejectReason,
  detail: string,
): void {
  rejectedFrom.push(taken);
  rejects.push(rejectedRow(taken.message, options.rejectKeepBytes, reason, detail, { deviceRef: reading.deviceRef, format: reading.format, correlationId: reading.correlationId ?? taken.correlationId }));
}

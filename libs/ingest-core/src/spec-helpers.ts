import type { ParseResult } from '@vulgraad/contracts';
import { buildNativeReading, buildTtnV3Uplink, DEFAULT_QUALITY_THRESHOLDS, EMPTY_QUALITY_MEMORY, parseMessage, type QualityMemory } from '@vulgraad/payloads';
import type { IngestContainer, IngestDeviceEntry, IngestMessage, PrepareOptions, RegistryView, TakenMessage } from './types';

/** A device of the in-memory registry the specs use, bound to one container for all time. */
export interface SpecDevice extends IngestDeviceEntry {
  containerId: string | null;
}

/** A registry view held in maps, for the specs. */
export function specRegistry(
  devices: Array<{ ref: string; id?: string; containerId?: string | null; lorawanApplicationId?: string | null; model?: string | null; devEui?: string }>,
  containers: Record<string, IngestContainer> = {},
  memories: Record<string, QualityMemory> = {},
): RegistryView<SpecDevice> {
  const byRef = new Map<string, SpecDevice>();
  for (const d of devices) {
    const entry: SpecDevice = {
      device: { id: d.id ?? `id-${d.ref}`, externalRef: d.ref, model: d.model ?? null, lorawanApplicationId: d.lorawanApplicationId ?? null, applicationModel: null },
      containerId: d.containerId === undefined ? `c-${d.ref}` : d.containerId,
    };
    byRef.set(d.ref, entry);
    if (d.devEui) byRef.set(d.devEui, entry);
  }
  return {
    device: (ref) => byRef.get(ref) ?? null,
    containerAt: (entry) => entry.containerId,
    container: (id) => containers[id] ?? null,
    memory: (id) => memories[id] ?? EMPTY_QUALITY_MEMORY,
  };
}

export const SPEC_OPTIONS: PrepareOptions = { rejectKeepBytes: 8, thresholds: DEFAULT_QUALITY_THRESHOLDS };
export const RECEIVED_AT = new Date('2026-12-07T10:00:00Z');

let next = 0;
/** A taken message for a topic and payload, parsed as the ingest parses it. */
export function taken(topic: string, payload: string, receivedAt = RECEIVED_AT): TakenMessage<IngestMessage> {
  const bytes = Buffer.from(payload);
  const parsed: ParseResult = parseMessage(topic, bytes);
  const correlationId = (parsed.ok ? parsed.reading.correlationId : undefined) ?? `spec-${next++}`;
  if (parsed.ok) parsed.reading.correlationId = correlationId;
  return { message: { topic, payload: bytes, receivedAt }, parsed, correlationId };
}

/** A native reading of a device, `minutesBefore` RECEIVED_AT. */
export function nativeTaken(ref: string, fields: { minutesBefore?: number; fillPct?: number; distanceMm?: number; batteryPct?: number; seq?: number; ts?: string } = {}): TakenMessage<IngestMessage> {
  const { minutesBefore = 1, ts, ...values } = fields;
  const m = buildNativeReading(ref, { ts: ts ?? new Date(RECEIVED_AT.getTime() - minutesBefore * 60_000).toISOString(), ...values });
  return taken(m.topic, m.payload);
}

export { buildTtnV3Uplink };

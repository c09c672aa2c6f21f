import type { ContainerState, ContainerStateChanged, ParsedReading, ParseResult, ReadingRow, RejectReason } from '@vulgraad/contracts';
import type { QualityMemory, QualityThresholds } from '@vulgraad/payloads';

/** One message as a transport hands it over, before it is read. */
export interface IngestMessage {
  /** The topic (or path) the parsers read: for MQTT the topic without the configured prefix. */
  topic: string;
  /** Where the message really came from (the broker topic with its prefix, an HTTP route), kept with a rejected message. */
  brokerTopic?: string;
  payload: Uint8Array;
  receivedAt: Date;
  /** The transport has judged the message already (an HTTP body over its limit, a body it cannot read): kept as rejected with this reason, not parsed. */
  refusal?: Refusal;
  /** The size the sender sent, when payload holds only part of it (an oversize HTTP body that was not read): the rejected row's size. */
  payloadSize?: number;
}

/** A transport's own rejection of a message, with the reason an operator and the sender read. */
export interface Refusal {
  reason: RejectReason;
  detail: string;
  deviceRef?: string;
}

/** A message read and given its correlation id: what a batch is made of. */
export interface TakenMessage<M extends IngestMessage = IngestMessage> {
  message: M;
  parsed: ParseResult;
  /** The message's own id (native `id`, TTN `as:up:...`, ChirpStack deduplicationId), else one given when it was taken (takeMessage always sets one). */
  correlationId?: string;
}

/** What the preparation needs of a registered device. */
export interface IngestDevice {
  id: string;
  externalRef: string;
  model: string | null;
  lorawanApplicationId: string | null;
  /** The LoRaWAN application's default decoder, used when the device names none. */
  applicationModel: string | null;
}

/** A device with its binding history, as the registry lookup hands it out. */
export interface IngestDeviceEntry {
  device: IngestDevice;
}

/** What the preparation needs of a container. */
export interface IngestContainer {
  district: string;
  wasteType: ContainerStateChanged['wasteType'];
  depthMm: number | null;
}

/**
 * The registry as the preparation sees it: a synchronous, read-only view the
 * caller has loaded for the batch beforehand (devicesToLoad, containersToLoad).
 */
export interface RegistryView<D extends IngestDeviceEntry = IngestDeviceEntry> {
  /** The device known under ref (external ref or DevEUI), null when none is registered. */
  device(ref: string): D | null;
  /** The container the device was bound to at that time, null when none. */
  containerAt(entry: D, at: Date): string | null;
  container(id: string): IngestContainer | null;
  /** The container's flagging memory before this batch. */
  memory(containerId: string): QualityMemory;
}

/** Decodes the raw bytes of a LoRaWAN uplink for a device model (the decoder registry). */
export interface UplinkDecoder {
  decode(
    model: string,
    fPort: number,
    bytes: Uint8Array,
  ): { ok: true; fields: Partial<ParsedReading> } | { ok: false; reason: 'unknown_decoder' | 'undecodable_payload'; detail: string };
}

/** Settings of the preparation. */
export interface PrepareOptions {
  /** Bytes of a rejected message's payload that are kept. */
  rejectKeepBytes: number;
  thresholds: QualityThresholds;
}

/** A message kept as rejected, with the reason an operator reads (shape of the rejected_messages table). */
export interface RejectedRow {
  receivedAt: Date;
  topic: string;
  payload: Uint8Array;
  payloadSize: number;
  reason: RejectReason;
  detail: string;
  deviceRef: string | null;
  format: string | null;
  correlationId: string | null;
}

/** A reading mapped to its container, with its quality flags (shape of the readings table). */
export type ReadingRowOut = ReadingRow;

/** The latest state of a container after a batch (shape of the container_state table). */
export type ContainerStateOut = ContainerState;

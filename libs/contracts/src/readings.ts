/**
 * What a sensor message becomes once a payload parser has read it, before the
 * ingest service has mapped it to a container. Every field but the device
 * reference is optional: sensors differ in what they report.
 */
/** The formats that arrive over MQTT (and over HTTP too). */
export type MqttPayloadFormat = 'native' | 'ttn-v3' | 'chirpstack-v4';
/** kpn-senml: KPN Things (the Dutch national LoRa network), SenML over HTTP only. */
export type PayloadFormat = MqttPayloadFormat | 'kpn-senml';

/** One measurement from one device, in normalised units. */
export interface ParsedReading {
  format: PayloadFormat;
  /** The device's own identity: native device id, TTN device id, or DevEUI (lower-case hex). */
  deviceRef: string;
  /** Where the device says it measured; undefined when the message carries no time. */
  measuredAt?: Date;
  /** 0..100 when the device reports a fill level itself. */
  fillPct?: number;
  /** Distance from the sensor to the waste surface, millimetres. */
  distanceMm?: number;
  /**
   * Height of the contents above the container floor, millimetres, from sensors mounted
   * below or at the bottom (e.g. Dragino LDDS20, Netvox R718PA22). fill % = levelMm / depth.
   */
  levelMm?: number;
  temperatureC?: number;
  batteryPct?: number;
  batteryV?: number;
  rssiDbm?: number;
  snrDb?: number;
  /** Frame counter or firmware sequence number, used for de-duplication. */
  seq?: number;
  /** Degrees from the mounting position; a tilted sensor does not see the waste. */
  tiltDeg?: number;
  /** Alarm names the device raised (normalised, e.g. "tilt", "full", "fire"). */
  alarms?: string[];
  /** Device model that decoded a raw LoRaWAN payload, when one did. */
  decodedBy?: string;
  /**
   * A LoRaWAN uplink that arrived without decoded values: the ingest service
   * picks the device's decoder and fills the fields above from these bytes.
   */
  rawUplink?: { fPort: number; bytes: Uint8Array };
  /** LoRaWAN application the uplink came through (TTN application id, ChirpStack applicationId). */
  applicationId?: string;
  /** The device's DevEUI (lower-case hex) when the message carries one besides deviceRef. */
  devEui?: string;
  /** An id that follows the message from the sensor or network server to the stored row. */
  correlationId?: string;
}

/**
 * Data-quality flags put on every stored reading. A flagged reading is stored,
 * never thrown away; consumers down-weight or ignore it.
 */
export const READING_FLAGS = [
  'out_of_range',
  'impossible_jump',
  'stuck_value',
  'future_timestamp',
  'stale_timestamp',
  'tilted',
  'device_alarm',
] as const;
export type ReadingFlag = (typeof READING_FLAGS)[number];

/** Why a message was not turned into a reading. Stored with the raw payload. */
export const REJECT_REASONS = [
  'malformed_json',
  'wrong_type',
  'missing_field',
  'unsupported_version',
  'unknown_device',
  'unknown_topic',
  'oversize',
  'undecodable_payload',
  'unknown_decoder',
  'unbound_device',
  /** A LoRaWAN uplink for a device that is not of the topic's application (a network server writing for another's devices). */
  'foreign_device',
  /** Measured further in the future than INGEST_FUTURE_SKEW_S allows. */
  'future_time',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Result of a pure payload parser: a reading, or a reason with a human-readable detail. */
export type ParseResult =
  | { ok: true; reading: ParsedReading }
  | {
      ok: false;
      reason: RejectReason;
      detail: string;
      /** The device, when the topic or payload named it before the problem was found. */
      deviceRef?: string;
      format?: PayloadFormat;
    };

/** One stored reading, mapped to its container, with its quality flags (shape of the readings table): what the ingest prepares and the database writes. */
export interface ReadingRow {
  containerId: string;
  deviceId: string;
  measuredAt: Date;
  receivedAt: Date;
  fillPct: number | null;
  distanceMm: number | null;
  /** Height of the contents above the floor, from sensors mounted under them. */
  levelMm?: number | null;
  temperatureC: number | null;
  batteryPct: number | null;
  batteryV: number | null;
  rssiDbm: number | null;
  snrDb: number | null;
  seq: number | null;
  tiltDeg: number | null;
  flags: string[];
  alarms: string[];
  format: string;
  correlationId: string | null;
}

/** The latest known state of a container after a batch (a row of the container_state table). */
export interface ContainerState {
  containerId: string;
  deviceId: string;
  measuredAt: Date;
  fillPct: number | null;
  distanceMm: number | null;
  temperatureC: number | null;
  batteryPct: number | null;
  flags: string[];
  unchangedSince: Date | null;
  unchangedCount: number;
}

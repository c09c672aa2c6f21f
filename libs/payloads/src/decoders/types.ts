import type { ParsedReading } from '@vulgraad/contracts';

/** A value with a unit, as a vendor decoder writes it ("2000 mm", "25 ℃", "24 hours"). */
export class Quantity {
  constructor(
    readonly value: number,
    readonly unit: QuantityUnit,
  ) {}

  toString(): string {
    return `${this.value} ${this.unit}`;
  }
}

/** Units that occur in vendor-shaped decoder output. */
export type QuantityUnit = 'mm' | 'cm' | 'm' | '°C' | '°' | 'V' | 'mV' | '%' | 'ms' | 's' | 'min' | 'h';

/** A value in a vendor-shaped object: what the device repository's decoder would have returned. */
export type VendorValue = string | number | boolean | null | Quantity | VendorValue[] | VendorObject;
export interface VendorObject {
  [key: string]: VendorValue;
}

/** What kind of frame an uplink was; only measurement frames carry a distance or fill. */
export type FrameKind = 'measurement' | 'status' | 'config' | 'version' | 'command_response';

/**
 * Normalised alarm names a decoder may raise. `tilt` and `no_sensor`/`sensor_error`/`no_target`
 * mean the level in the same reading (if any) does not describe the waste.
 */
export const DEVICE_ALARMS = [
  'full',
  'empty',
  'low_level',
  'fire',
  'tilt',
  'motion',
  'low_battery',
  'no_sensor',
  'sensor_error',
  'no_target',
  'distance_threshold',
  'temperature_threshold',
  'install_failure',
] as const;
export type DeviceAlarm = (typeof DEVICE_ALARMS)[number];

/** The reading fields a decoder fills: units already normalised (mm, °C, V, %, degrees). */
export type DecodedFields = Pick<
  ParsedReading,
  'fillPct' | 'distanceMm' | 'levelMm' | 'temperatureC' | 'batteryPct' | 'batteryV' | 'tiltDeg' | 'alarms'
>;

/** The full result of one decoder run: normalised fields plus the vendor-shaped object. */
export interface DecodedUplink {
  frame: FrameKind;
  fields: DecodedFields;
  vendor: VendorObject;
}

/** One device model the registry can decode. */
export interface DeviceDecoder {
  /** Stable id, e.g. `dragino-ldds75`. */
  readonly model: string;
  readonly vendor: string;
  readonly name: string;
  /** Other names a city may configure: TTN `vendor/device` ids, bare device names. */
  readonly aliases: readonly string[];
  /** Throws UndecodablePayloadError when the bytes do not fit the vendor's layout. */
  decode(fPort: number, bytes: Uint8Array): DecodedUplink;
}

/** The bytes do not fit the device's layout; `message` says what is wrong. */
export class UndecodablePayloadError extends Error {
  override readonly name = 'UndecodablePayloadError';
}

/** Rejects a payload with a reason a person can act on. */
export function undecodable(detail: string): never {
  throw new UndecodablePayloadError(detail);
}

/** Lowercase hex of a payload, for details and vendor fields. */
export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** Fails unless the payload has one of the lengths the layout allows. */
export function expectLength(bytes: Uint8Array, allowed: readonly number[], what: string): void {
  if (!allowed.includes(bytes.length)) {
    undecodable(`${what}: wrong length ${bytes.length} bytes, expected ${allowed.join(' or ')}`);
  }
}

/** Fails unless the uplink came on one of the layout's ports. */
export function expectPort(fPort: number, allowed: readonly number[], what: string): void {
  if (!allowed.includes(fPort)) {
    undecodable(`${what}: unknown FPort ${fPort}, expected ${allowed.join(' or ')}`);
  }
}

/** Builds the fields object without undefined keys, and alarms (each once) only when there are some. */
export function fields(values: DecodedFields): DecodedFields {
  const out: DecodedFields = {};
  for (const [key, value] of Object.entries(values) as [keyof DecodedFields, DecodedFields[keyof DecodedFields]][]) {
    if (value === undefined) continue;
    if (key === 'alarms' && Array.isArray(value)) {
      if (value.length > 0) out.alarms = [...new Set(value)];
      continue;
    }
    (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** Rounds to a number of decimals the way vendor decoders print them. */
export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

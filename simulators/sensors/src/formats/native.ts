import type { DeviceConfig, SensorSample } from '../device';
import type { FormatContext, UplinkMessage } from './types';

/** Topic a native sensor publishes its readings on. */
export function nativeTopic(deviceId: string): string {
  return `vulgraad/v1/devices/${deviceId}/readings`;
}

/**
 * The reading's values under the native field names. LoRaWAN uplinks with
 * `normalised` decoded values carry the same object, minus the envelope.
 * Fields a device does not measure are left out, never sent as null.
 */
export function nativeFields(sample: SensorSample): Record<string, unknown> {
  const fields: Record<string, unknown> = { distanceMm: sample.distanceMm };
  if (sample.fillPct !== null) fields.fillPct = sample.fillPct;
  if (sample.temperatureC !== null) fields.temperatureC = sample.temperatureC;
  fields.batteryPct = sample.batteryPct;
  fields.batteryV = sample.batteryV;
  // A level sensor reports its angle only when knocked out of its mounting.
  if (sample.tiltDeg >= 5) fields.tiltDeg = sample.tiltDeg;
  if (sample.alarms.length > 0) fields.alarms = [...sample.alarms];
  return fields;
}

/**
 * Native format, version 1: `vulgraad/v1/devices/{deviceId}/readings`,
 * `{ v: 1, deviceId, seq, measuredAt, distanceMm, fillPct?, temperatureC?,
 * batteryPct, batteryV, tiltDeg?, alarms?, rssiDbm, snrDb }`.
 */
export function formatNative(sample: SensorSample, device: DeviceConfig, _context: FormatContext): UplinkMessage {
  const document = {
    v: 1,
    deviceId: device.deviceId,
    seq: sample.seq,
    measuredAt: sample.measuredAt.toISOString(),
    ...nativeFields(sample),
    rssiDbm: sample.rssiDbm,
    snrDb: sample.snrDb,
  };
  return { format: 'native', topic: nativeTopic(device.deviceId), payload: Buffer.from(JSON.stringify(document)), deviceId: device.deviceId, sample };
}

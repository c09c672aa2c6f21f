import type { NativeReadingV1 } from '@vulgraad/payloads';
import { nativeTopic } from '@vulgraad/payloads';
import type { DeviceConfig, SensorSample } from '../device';
import type { FormatContext, UplinkMessage } from './types';

/** The measured values of a native reading. */
export type NativeFields = Pick<NativeReadingV1, 'distanceMm' | 'fillPct' | 'temperatureC' | 'batteryPct' | 'batteryV' | 'tiltDeg' | 'alarms'>;

/**
 * The reading's values under the native field names. LoRaWAN uplinks with
 * `normalised` decoded values carry the same object, minus the envelope.
 * Fields a device does not measure are left out, never sent as null.
 */
export function nativeFields(sample: SensorSample): NativeFields {
  const fields: NativeFields = { distanceMm: sample.distanceMm };
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
 * Native format, version 1, exactly as `libs/payloads` reads it
 * (`NativeReadingV1`): topic `vulgraad/v1/devices/{deviceId}/readings`, body
 * `{ v: 1, ts, seq, distanceMm, fillPct?, temperatureC?, batteryPct,
 * batteryV, tiltDeg?, alarms?, rssiDbm, snrDb, id }`; the device is named by
 * the topic, `ts` is the device's own clock, `id` a message id that follows
 * the reading to its stored row.
 */
export function formatNative(sample: SensorSample, device: DeviceConfig, _context: FormatContext): UplinkMessage {
  const document: NativeReadingV1 = {
    v: 1,
    ts: sample.measuredAt.toISOString(),
    seq: sample.seq,
    ...nativeFields(sample),
    rssiDbm: sample.rssiDbm,
    snrDb: sample.snrDb,
    id: `${device.deviceId}:${sample.seq}`,
  };
  return { format: 'native', topic: nativeTopic(device.deviceId), payload: Buffer.from(JSON.stringify(document)), deviceId: device.deviceId, sample };
}

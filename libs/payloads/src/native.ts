import type { ParsedReading } from '@vulgraad/contracts';
import { hasMeasurement } from './decoded-values';
import {
  FieldProblem, type JsonObject, optionalInteger, optionalNumber, optionalString, optionalStringArray, parseTime,
} from './fields';

/** The native payload version this build reads. */
export const NATIVE_VERSION = 1;

/**
 * The native reading, version 1, published as JSON to
 * `vulgraad/v1/devices/{deviceId}/readings`:
 *
 * | field | type | |
 * |---|---|---|
 * | `v` | integer | required, 1 |
 * | `ts` | string or number | required: ISO-8601 with zone, or Unix seconds |
 * | `fillPct` | number | 0..100, when the sensor computes a fill level |
 * | `distanceMm` | number | sensor to waste surface, mm |
 * | `levelMm` | number | height of the contents above the floor, mm |
 * | `temperatureC`, `batteryPct`, `batteryV`, `rssiDbm`, `snrDb`, `tiltDeg` | number | |
 * | `seq` | integer >= 0 | firmware sequence number |
 * | `alarms` | string[] | e.g. `["fire"]`, `["tilt"]` |
 * | `id` | string | optional message id, kept as correlation id |
 *
 * At least one measured value is required. Unknown fields are ignored, so a
 * newer firmware may add fields without breaking older servers.
 */
export interface NativeReadingV1 {
  v: 1;
  ts: string | number;
  fillPct?: number;
  distanceMm?: number;
  levelMm?: number;
  temperatureC?: number;
  batteryPct?: number;
  batteryV?: number;
  rssiDbm?: number;
  snrDb?: number;
  tiltDeg?: number;
  seq?: number;
  alarms?: string[];
  id?: string;
}

/** Reads a native document for the device named by the topic. */
export function readNative(deviceRef: string, doc: JsonObject): ParsedReading {
  if (doc.v === undefined || doc.v === null) throw new FieldProblem('missing_field', 'v (payload version) is missing');
  if (typeof doc.v !== 'number') throw new FieldProblem('wrong_type', 'v must be a number');
  if (doc.v !== NATIVE_VERSION) throw new FieldProblem('unsupported_version', `payload version ${doc.v} is not supported (this server reads v ${NATIVE_VERSION})`);
  if (doc.ts === undefined || doc.ts === null) throw new FieldProblem('missing_field', 'ts is missing');
  const reading: ParsedReading = {
    format: 'native',
    deviceRef,
    measuredAt: parseTime(doc.ts, 'ts'),
    fillPct: optionalNumber(doc, 'fillPct', 'fillPct'),
    distanceMm: optionalNumber(doc, 'distanceMm', 'distanceMm'),
    levelMm: optionalNumber(doc, 'levelMm', 'levelMm'),
    temperatureC: optionalNumber(doc, 'temperatureC', 'temperatureC'),
    batteryPct: optionalNumber(doc, 'batteryPct', 'batteryPct'),
    batteryV: optionalNumber(doc, 'batteryV', 'batteryV'),
    rssiDbm: optionalNumber(doc, 'rssiDbm', 'rssiDbm'),
    snrDb: optionalNumber(doc, 'snrDb', 'snrDb'),
    tiltDeg: optionalNumber(doc, 'tiltDeg', 'tiltDeg'),
    seq: optionalInteger(doc, 'seq', 'seq'),
    alarms: optionalStringArray(doc, 'alarms', 'alarms')?.map((a) => a.toLowerCase()),
    correlationId: optionalString(doc, 'id', 'id'),
  };
  if (!hasMeasurement(reading)) {
    throw new FieldProblem('missing_field', 'no measured value: expected at least one of fillPct, distanceMm, levelMm, temperatureC, batteryPct, batteryV, tiltDeg, alarms');
  }
  // Fields the message lacks stay as undefined keys: every native reading then has one object shape,
  // which keeps the code that reads thousands of them a second fast.
  return reading;
}

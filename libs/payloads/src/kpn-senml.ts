import type { ParsedReading } from '@vulgraad/contracts';
import { hasMeasurement, readDecodedValues } from './decoded-values';
import { describe, FieldProblem, isObject, type JsonObject, parseTime, withoutNul } from './fields';
import type { TopicMatch } from './topics';

/** The base name KPN Things gives a device's records: `urn:dev:DEVEUI:<16 hex>:`. */
const DEVEUI_BASE_NAME = /^urn:dev:DEVEUI:([0-9A-Fa-f]{16}):?/;

/** SenML units (RFC 8428 and its registry) turned into the units readDecodedValues reads, by target. */
const DISTANCE_FACTORS: Record<string, number> = { m: 1000, cm: 10, mm: 1 };

/**
 * Reads a KPN Things uplink: a SenML pack (RFC 8428, JSON), an array of
 * records where the first carries the base name `urn:dev:DEVEUI:<eui>:` and
 * the base time `bt` (Unix seconds). Records named `payload` (hex string),
 * `port` and `fcnt` are the raw LoRaWAN frame, decoded by the device's model
 * when no measurement record is present; `rssi` and `snr` are the radio;
 * every other record is a measurement, read by name and unit
 * (distance in m/cm/mm, temperature in Cel, battery in V or %/%EL, ...).
 */
export function readKpnSenml(topic: TopicMatch, pack: unknown[]): ParsedReading {
  if (pack.length === 0) throw new FieldProblem('missing_field', 'the SenML pack is empty');
  let baseName = '';
  let baseTime = 0;
  let firstTime: number | undefined;
  const decoded: JsonObject = {};
  const alarms: string[] = [];
  let payloadHex: string | undefined;
  let fPort: number | undefined;
  let seq: number | undefined;
  let rssi: number | undefined;
  let snr: number | undefined;

  pack.forEach((record, index) => {
    const at = `[${index}]`;
    if (!isObject(record)) throw new FieldProblem('wrong_type', `${at} must be a SenML record (an object), got ${describe(record)}`);
    if (record.bn !== undefined) {
      if (typeof record.bn !== 'string') throw new FieldProblem('wrong_type', `${at}.bn must be a string`);
      baseName = record.bn;
    }
    if (record.bt !== undefined) {
      if (typeof record.bt !== 'number' || !Number.isFinite(record.bt)) throw new FieldProblem('wrong_type', `${at}.bt must be a number (Unix seconds)`);
      baseTime = record.bt;
    }
    if (record.n === undefined) return;
    if (typeof record.n !== 'string') throw new FieldProblem('wrong_type', `${at}.n must be a string`);
    const name = withoutNul(record.n);
    const unit = typeof record.u === 'string' ? record.u : undefined;
    if (record.t !== undefined && (typeof record.t !== 'number' || !Number.isFinite(record.t))) throw new FieldProblem('wrong_type', `${at}.t must be a number`);
    const time = baseTime + ((record.t as number | undefined) ?? 0);
    const value = record.v ?? record.vs ?? record.vb;
    const number = (): number => {
      if (typeof record.v !== 'number' || !Number.isFinite(record.v)) throw new FieldProblem('wrong_type', `${at} "${name}" must carry a number in v, got ${describe(value)}`);
      return record.v;
    };
    switch (name.toLowerCase()) {
      case 'payload':
        if (typeof record.vs !== 'string' || !/^(?:[0-9A-Fa-f]{2})*$/.test(record.vs)) throw new FieldProblem('wrong_type', `${at} "payload" must be a hex string in vs`);
        payloadHex = record.vs;
        return;
      case 'port':
        fPort = number();
        return;
      case 'fcnt':
      case 'counter':
        seq = number();
        return;
      case 'rssi':
        rssi = number();
        return;
      case 'snr':
        snr = number();
        return;
    }
    firstTime ??= time;
    if (typeof record.vb === 'boolean') {
      if (record.vb) alarms.push(name.toLowerCase());
      return;
    }
    const key = name.toLowerCase();
    if (key === 'distance' || key === 'level') {
      const factor = DISTANCE_FACTORS[unit ?? 'm'];
      if (factor === undefined) throw new FieldProblem('wrong_type', `${at} "${name}" has unit "${unit}"; m, cm or mm are read`);
      decoded[key === 'distance' ? 'distanceMm' : 'levelMm'] = number() * factor;
    } else if (key === 'battery' && (unit === 'V' || unit === 'mV')) {
      decoded.batteryV = number() * (unit === 'mV' ? 0.001 : 1);
    } else if (key === 'battery') {
      decoded.batteryPct = number();
    } else if (typeof record.v === 'number') {
      decoded[name] = record.v;
    }
  });

  const eui = DEVEUI_BASE_NAME.exec(baseName)?.[1]?.toLowerCase() ?? topic.deviceRef;
  const fields = readDecodedValues(decoded, 'senml');
  if (alarms.length > 0) {
    const known = alarms.filter((a) => ['fire', 'full', 'tilt'].includes(a));
    if (known.length > 0) fields.alarms = [...new Set([...(fields.alarms ?? []), ...known])].sort();
  }
  const reading: ParsedReading = {
    format: 'kpn-senml',
    deviceRef: eui,
    devEui: eui,
    applicationId: topic.applicationId,
    ...fields,
    rssiDbm: rssi,
    snrDb: snr,
    seq: seq ?? 0,
  };
  const when = firstTime ?? (baseTime > 0 ? baseTime : undefined);
  if (when !== undefined) reading.measuredAt = parseTime(when, 'bt + t');
  if (payloadHex !== undefined && payloadHex !== '') reading.rawUplink = { fPort: fPort ?? 0, bytes: new Uint8Array(Buffer.from(payloadHex, 'hex')) };
  if (!hasMeasurement(fields) && !reading.rawUplink) throw new FieldProblem('missing_field', 'the SenML pack has neither measurement records nor a "payload" record');
  return reading;
}

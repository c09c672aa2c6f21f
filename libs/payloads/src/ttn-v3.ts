import type { ParsedReading } from '@vulgraad/contracts';
import { hasMeasurement, readDecodedValues } from './decoded-values';
import {
  FieldProblem, isObject, type JsonObject, optionalInteger, optionalObject, optionalString, parseTime, requireObject,
} from './fields';
import type { TopicMatch } from './topics';

/**
 * Reads an uplink of The Things Stack v3 (`v3/{app}@{tenant}/devices/{device}/up`):
 * identities from `end_device_ids`, values from `uplink_message.decoded_payload`,
 * the raw bytes from `frm_payload` (base64), the frame counter as sequence,
 * the strongest gateway's RSSI and SNR, and the network server's receive time.
 */
export function readTtnV3(topic: TopicMatch, doc: JsonObject): ParsedReading {
  const ids = requireObject(doc, 'end_device_ids', 'end_device_ids');
  // An empty device_id names no device: the topic's then.
  const deviceRef = optionalString(ids, 'device_id', 'end_device_ids.device_id') || topic.deviceRef;
  const appIds = optionalObject(ids, 'application_ids', 'end_device_ids.application_ids');
  const applicationId = (appIds && optionalString(appIds, 'application_id', 'end_device_ids.application_ids.application_id')) ?? topic.applicationId;
  const devEui = optionalString(ids, 'dev_eui', 'end_device_ids.dev_eui')?.toLowerCase();
  const uplink = requireObject(doc, 'uplink_message', 'uplink_message');

  const receivedAt = uplink.received_at ?? doc.received_at;
  const decoded = optionalObject(uplink, 'decoded_payload', 'uplink_message.decoded_payload');
  const fields = decoded ? readDecodedValues(decoded, 'uplink_message.decoded_payload') : {};
  const deviceTime = decoded ? (decoded.measuredAt ?? decoded.ts ?? decoded.time) : undefined;
  const fPort = optionalInteger(uplink, 'f_port', 'uplink_message.f_port');
  const frm = optionalString(uplink, 'frm_payload', 'uplink_message.frm_payload');
  const best = strongestGateway(uplink.rx_metadata, 'uplink_message.rx_metadata');
  const correlationIds = Array.isArray(doc.correlation_ids) ? doc.correlation_ids.filter((c): c is string => typeof c === 'string') : [];

  const reading: ParsedReading = {
    format: 'ttn-v3',
    deviceRef,
    devEui,
    applicationId,
    measuredAt: deviceTime !== undefined ? parseTime(deviceTime, 'uplink_message.decoded_payload time') : receivedAt !== undefined ? parseTime(receivedAt, 'uplink_message.received_at') : undefined,
    ...fields,
    rssiDbm: best?.rssi,
    snrDb: best?.snr,
    seq: optionalInteger(uplink, 'f_cnt', 'uplink_message.f_cnt') ?? 0,
    correlationId: correlationIds.find((c) => c.startsWith('as:up:')) ?? correlationIds[0],
  };
  if (frm !== undefined && fPort !== undefined) reading.rawUplink = { fPort, bytes: decodeBase64(frm, 'uplink_message.frm_payload') };
  if (!hasMeasurement(fields) && !reading.rawUplink) {
    throw new FieldProblem('missing_field', 'uplink_message has neither decoded values nor frm_payload with f_port');
  }
  return reading;
}

/** The gateway with the best RSSI among rx_metadata entries (TTN: rssi, channel_rssi, snr). */
export function strongestGateway(meta: unknown, path: string): { rssi?: number; snr?: number } | undefined {
  if (meta === undefined || meta === null) return undefined;
  if (!Array.isArray(meta)) throw new FieldProblem('wrong_type', `${path} must be an array`);
  let best: { rssi?: number; snr?: number } | undefined;
  for (const entry of meta) {
    if (!isObject(entry)) continue;
    // Radio metadata is kept when it is a real number and ignored otherwise (JSON's 1e999 parses to Infinity).
    const rssi = finite(entry.rssi) ?? finite(entry.channel_rssi);
    const snr = finite(entry.snr);
    if (!best || (rssi !== undefined && (best.rssi === undefined || rssi > best.rssi))) best = { rssi, snr };
  }
  return best;
}

const finite = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

export function decodeBase64(text: string, path: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) throw new FieldProblem('wrong_type', `${path} is not base64`);
  return new Uint8Array(Buffer.from(text, 'base64'));
}

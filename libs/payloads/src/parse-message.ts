import type { ParseResult, RejectReason } from '@vulgraad/contracts';
import { readChirpstackV4 } from './chirpstack-v4';
import { FieldProblem, isObject } from './fields';
import { readKpnSenml } from './kpn-senml';
import { readNative } from './native';
import { readTtnV3 } from './ttn-v3';
import { matchTopic, type TopicMatch } from './topics';

/** Largest payload read by default; a TTN uplink with many gateways is a few kilobytes. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024;

export interface ParseOptions {
  maxPayloadBytes?: number;
}

/** A message that is not a reading, with the ids its topic names. A function of its own: a closure made for every message cost an allocation each. */
const failure = (match: TopicMatch, reason: RejectReason, detail: string): ParseResult => ({ ok: false, reason, detail, deviceRef: match.deviceRef, format: match.format });

/**
 * Turns one MQTT message into a reading, or into a reason with a detail a
 * person can act on. Pure: no clock, no I/O, never throws.
 */
export function parseMessage(topic: string, payload: Uint8Array, options: ParseOptions = {}): ParseResult {
  const match = matchTopic(topic);
  if (!match) return { ok: false, reason: 'unknown_topic', detail: `topic "${topic}" is none of the native, TTN v3 or ChirpStack v4 uplink topics` };
  const max = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  if (payload.byteLength > max) return failure(match, 'oversize', `payload is ${payload.byteLength} bytes, the limit is ${max}`);

  let doc: unknown;
  try {
    const text = Buffer.isBuffer(payload) ? payload.toString('utf8') : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
    doc = JSON.parse(text);
  } catch (error) {
    return failure(match, 'malformed_json', `payload is not JSON: ${(error as Error).message}`);
  }
  if (match.format === 'kpn-senml') {
    if (!Array.isArray(doc)) return failure(match, 'wrong_type', 'a KPN Things payload must be a SenML pack (a JSON array of records)');
    try {
      return { ok: true, reading: readKpnSenml(match, doc) };
    } catch (error) {
      if (error instanceof FieldProblem) return failure(match, error.reason, error.message);
      return failure(match, 'wrong_type', `payload could not be read: ${(error as Error).message}`);
    }
  }
  if (!isObject(doc)) return failure(match, 'wrong_type', 'payload must be a JSON object');

  try {
    switch (match.format) {
      case 'native':
        return { ok: true, reading: readNative(match.deviceRef, doc) };
      case 'ttn-v3':
        return { ok: true, reading: readTtnV3(match, doc) };
      case 'chirpstack-v4':
        return { ok: true, reading: readChirpstackV4(match, doc) };
    }
    return failure(match, 'unknown_topic', `format ${match.format} is not read from a JSON object`);
  } catch (error) {
    if (error instanceof FieldProblem) return failure(match, error.reason, error.message);
    return failure(match, 'wrong_type', `payload could not be read: ${(error as Error).message}`);
  }
}

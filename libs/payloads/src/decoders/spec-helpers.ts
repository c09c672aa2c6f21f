import { decodeUplinkFull } from './index';
import type { DecodedUplink } from './types';

/** Bytes from spaced hex, for hand-made payloads in specs. */
export function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

/** Decodes and fails the test with the detail when the decoder rejects the payload. */
export function decoded(model: string, fPort: number, bytes: Uint8Array): DecodedUplink {
  const result = decodeUplinkFull(model, fPort, bytes);
  if (!result.ok) throw new Error(`expected a decode, got ${result.reason}: ${result.detail}`);
  return result.uplink;
}

/** The rejection detail, failing the test when the decoder accepts the payload. */
export function rejected(model: string, fPort: number, bytes: Uint8Array): string {
  const result = decodeUplinkFull(model, fPort, bytes);
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.uplink.vendor)}`);
  expect(result.reason).toBe('undecodable_payload');
  return result.detail;
}

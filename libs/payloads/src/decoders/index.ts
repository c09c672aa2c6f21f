import type { ParsedReading } from '@vulgraad/contracts';
import { DecoderRegistry } from './registry';
import { type DecodedUplink, type DeviceDecoder, UndecodablePayloadError } from './types';
import { DECENTLAB_DECODERS } from './vendors/decentlab';
import { DINGTEK_DECODERS } from './vendors/dingtek';
import { DRAGINO_DECODERS } from './vendors/dragino';
import { ELSYS_DECODERS } from './vendors/elsys';
import { MILESIGHT_DECODERS } from './vendors/milesight';
import { NETVOX_DECODERS } from './vendors/netvox';
import { NOAH_DECODERS } from './vendors/noah';
import { PEPPERL_FUCHS_DECODERS } from './vendors/pepperl-fuchs';

export * from './types';
export { ByteReader } from './byte-reader';
export { DecoderRegistry, modelKey } from './registry';

/** Every decoder this build knows, in the order `listDecoders` reports them. */
export const ALL_DECODERS: readonly DeviceDecoder[] = [
  ...MILESIGHT_DECODERS,
  ...DRAGINO_DECODERS,
  ...DINGTEK_DECODERS,
  ...DECENTLAB_DECODERS,
  ...PEPPERL_FUCHS_DECODERS,
  ...ELSYS_DECODERS,
  ...NOAH_DECODERS,
  ...NETVOX_DECODERS,
];

const registry = new DecoderRegistry(ALL_DECODERS);

/** Result of decoding a raw LoRaWAN payload into reading fields. */
export type DecodeUplinkResult =
  | { ok: true; fields: Partial<ParsedReading> }
  | { ok: false; reason: 'unknown_decoder' | 'undecodable_payload'; detail: string };

/** Result with the full decoder output: normalised fields plus the vendor-shaped object. */
export type DecodeUplinkFullResult =
  | { ok: true; model: string; uplink: DecodedUplink }
  | { ok: false; reason: 'unknown_decoder' | 'undecodable_payload'; detail: string };

/** The decoder registered under a model id or alias, if any. */
export function findDecoder(model: string): DeviceDecoder | undefined {
  return registry.find(model);
}

/**
 * Decodes one raw uplink and returns the full output. Never throws: a payload that does not
 * fit the model's layout comes back as `undecodable_payload` with what is wrong.
 */
export function decodeUplinkFull(model: string, fPort: number, bytes: Uint8Array): DecodeUplinkFullResult {
  const decoder = registry.find(model);
  if (!decoder) {
    return { ok: false, reason: 'unknown_decoder', detail: `no decoder for device model "${model}"` };
  }
  if (!Number.isInteger(fPort) || fPort < 0 || fPort > 255) {
    return { ok: false, reason: 'undecodable_payload', detail: `${decoder.model}: FPort ${fPort} is not 0..255` };
  }
  if (bytes.length === 0) {
    return { ok: false, reason: 'undecodable_payload', detail: `${decoder.model}: empty payload on FPort ${fPort}` };
  }
  try {
    return { ok: true, model: decoder.model, uplink: decoder.decode(fPort, bytes) };
  } catch (error) {
    if (error instanceof UndecodablePayloadError) {
      return { ok: false, reason: 'undecodable_payload', detail: `${decoder.model}: ${error.message}` };
    }
    // A decoder bug must not take the ingest process down; the message is kept with this reason.
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: 'undecodable_payload', detail: `${decoder.model}: decoder failed: ${message}` };
  }
}

/**
 * Decodes one raw uplink of a device model into reading fields (units normalised, `decodedBy`
 * set). Frames that carry no measurement (configuration, version) decode to fields without a
 * distance or fill.
 */
export function decodeUplink(model: string, fPort: number, bytes: Uint8Array): DecodeUplinkResult {
  const result = decodeUplinkFull(model, fPort, bytes);
  if (!result.ok) return result;
  return { ok: true, fields: { ...result.uplink.fields, decodedBy: result.model } };
}

/** The supported device models with their aliases. */
export function listDecoders(): Array<{ model: string; vendor: string; name: string; aliases: string[] }> {
  return ALL_DECODERS.map((decoder) => ({
    model: decoder.model,
    vendor: decoder.vendor,
    name: decoder.name,
    aliases: [...decoder.aliases],
  }));
}

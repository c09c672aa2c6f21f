import { ByteReader } from '../byte-reader';
import { type DecodedUplink, type DeviceDecoder, expectLength, fields, undecodable } from '../types';

// Noah trashbin sensor: 6 bytes, three little-endian words: temperature and fill level as
// "sflt16" small floats scaled by 100, and a raw supply voltage reading.

/**
 * sflt16: bit 15 sign, bits 14..11 exponent, bits 10..0 mantissa (the leading bit is sent,
 * not implied); value = mantissa / 2048 * 2^(exponent - 15), always inside (-1, 1).
 */
export function sflt16(raw: number): number {
  if (raw === 0x8000) return -0;
  const sign = raw & 0x8000 ? -1 : 1;
  const exponent = (raw >> 11) & 0x0f;
  const mantissa = (raw & 0x07ff) / 2048;
  return sign * mantissa * 2 ** (exponent - 15);
}

function decodeTrashbin(bytes: Uint8Array): DecodedUplink {
  const what = 'Noah trashbin uplink';
  expectLength(bytes, [6], what);
  const reader = new ByteReader(bytes);
  const temp = sflt16(reader.u16le('temperature')) * 100;
  const voltage = reader.u16le('voltage');
  const level = sflt16(reader.u16le('fill level')) * 100;
  if (level < 0) undecodable(`${what}: fill level ${level}% is negative`);
  return {
    frame: 'measurement',
    // The voltage word's unit is not published, so it stays in the vendor-shaped output only.
    fields: fields({ fillPct: level, temperatureC: temp }),
    vendor: { temp, voltage, level },
  };
}

/** Noah trashbin fill level sensor. */
export const NOAH_DECODERS: readonly DeviceDecoder[] = [
  { model: 'noah-trashbin-sensor', vendor: 'Noah', name: 'Trashbin fill level sensor', aliases: ['noah/trashbin-sensor', 'trashbin-sensor'], decode: (_fPort, bytes) => decodeTrashbin(bytes) },
];

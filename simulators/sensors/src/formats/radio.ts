import { hashString } from '@vulgraad/city-model';
import type { SensorSample } from '../device';

/**
 * Radio details of an uplink that a network server reports: a fixed EU868
 * channel plan and airtime by spreading factor. Values are derived from the
 * sample so the same sample always gives the same message.
 */
const EU868_FREQUENCIES_HZ = [868_100_000, 868_300_000, 868_500_000, 867_100_000, 867_300_000, 867_500_000, 867_700_000, 867_900_000];

export interface RadioDetails {
  frequencyHz: number;
  channelIndex: number;
  spreadingFactor: number;
  dataRateIndex: number;
  airtimeS: number;
  /** The gateway's concentrator counter, microseconds (wraps at 2^32). */
  concentratorUs: number;
  /** A stable pseudo-random 32-bit value for ids in the message. */
  token: number;
}

export function radioDetails(sample: SensorSample, payloadBytes: number): RadioDetails {
  const token = hashString(`${sample.devEui}:${sample.seq}`);
  const channelIndex = token % EU868_FREQUENCIES_HZ.length;
  // Weaker links use slower data rates (adaptive data rate).
  const spreadingFactor = sample.rssiDbm > -90 ? 7 : sample.rssiDbm > -100 ? 8 : sample.rssiDbm > -108 ? 9 : sample.rssiDbm > -113 ? 10 : 11;
  const symbolS = 2 ** spreadingFactor / 125_000;
  const payloadSymbols = 8 + Math.max(Math.ceil((8 * (payloadBytes + 13) - 4 * spreadingFactor + 28 + 16) / (4 * (spreadingFactor - (spreadingFactor >= 11 ? 2 : 0)))) * 5, 0);
  return {
    frequencyHz: EU868_FREQUENCIES_HZ[channelIndex] as number,
    channelIndex,
    spreadingFactor,
    dataRateIndex: 12 - spreadingFactor,
    airtimeS: Math.round((12.25 + payloadSymbols) * symbolS * 1e6) / 1e6,
    concentratorUs: (sample.receivedAt.getTime() * 1000) % 2 ** 32,
    token,
  };
}

/** A stable UUID-shaped id (version 4 layout) from a label. */
export function stableUuid(label: string): string {
  const hex = [0, 1, 2, 3].map((i) => hashString(`${label}#${i}`).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A ULID-shaped correlation id (Crockford base32) from a time and a label. */
export function stableUlid(timeMs: number, label: string): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let time = Math.floor(timeMs);
  let text = '';
  for (let i = 0; i < 10; i++) {
    text = alphabet[time % 32] + text;
    time = Math.floor(time / 32);
  }
  let random = '';
  for (let i = 0; i < 4; i++) {
    let word = hashString(`${label}#${i}`);
    for (let j = 0; j < 4; j++) {
      random += alphabet[word % 32];
      word = Math.floor(word / 32);
    }
  }
  return text + random;
}

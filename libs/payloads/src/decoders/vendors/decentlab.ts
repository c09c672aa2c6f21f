import { ByteReader } from '../byte-reader';
import { type DecodedUplink, type DeviceDecoder, type VendorObject, expectPort, fields, undecodable } from '../types';

// Decentlab protocol v2 (FPort 1): version (1) = 2 | device id (2) | sensor flags (2) | for
// each flagged sensor, its fixed number of big-endian 16-bit words. DL-LID has two sensors:
// bit 0 the laser rangefinder (11 words), bit 1 the battery (1 word).

const PROTOCOL_VERSION = 2;

interface ValueSpec {
  name: string;
  displayName: string;
  unit?: string;
  convert: (words: number[]) => number;
}

const RANGEFINDER: ValueSpec[] = [
  { name: 'distance_average', displayName: 'Distance: average', unit: 'mm', convert: (w) => w[0] },
  { name: 'distance_minimum', displayName: 'Distance: minimum', unit: 'mm', convert: (w) => w[1] },
  { name: 'distance_maximum', displayName: 'Distance: maximum', unit: 'mm', convert: (w) => w[2] },
  { name: 'distance_median', displayName: 'Distance: median', unit: 'mm', convert: (w) => w[3] },
  { name: 'distance_10th_percentile', displayName: 'Distance: 10th percentile', unit: 'mm', convert: (w) => w[4] },
  { name: 'distance_25th_percentile', displayName: 'Distance: 25th percentile', unit: 'mm', convert: (w) => w[5] },
  { name: 'distance_75th_percentile', displayName: 'Distance: 75th percentile', unit: 'mm', convert: (w) => w[6] },
  { name: 'distance_90th_percentile', displayName: 'Distance: 90th percentile', unit: 'mm', convert: (w) => w[7] },
  { name: 'distance_most_frequent_value', displayName: 'Distance: most frequent value', unit: 'mm', convert: (w) => w[8] },
  { name: 'number_of_samples', displayName: 'Number of samples', convert: (w) => w[9] },
  // The acquisition time counts in units of 1/1.024 ms.
  { name: 'total_acquisition_time', displayName: 'Total acquisition time', unit: 'ms', convert: (w) => w[10] / 1.024 },
];

const BATTERY: ValueSpec[] = [{ name: 'battery_voltage', displayName: 'Battery voltage', unit: 'V', convert: (w) => w[0] / 1000 }];

const SENSORS: Array<{ words: number; values: ValueSpec[] }> = [
  { words: 11, values: RANGEFINDER },
  { words: 1, values: BATTERY },
];

function decodeDlLid(fPort: number, bytes: Uint8Array): DecodedUplink {
  const what = 'DL-LID uplink';
  expectPort(fPort, [1], what);
  const reader = new ByteReader(bytes);
  const version = reader.u8('protocol version');
  if (version !== PROTOCOL_VERSION) undecodable(`${what}: protocol version ${version}, expected ${PROTOCOL_VERSION}`);
  const deviceId = reader.u16be('device id');
  const flags = reader.u16be('sensor flags');
  if (flags >> SENSORS.length !== 0) undecodable(`${what}: sensor flags 0x${flags.toString(16)} name sensors this device does not have`);

  const vendor: VendorObject = { protocol_version: version, device_id: deviceId };
  const values = new Map<string, number>();
  SENSORS.forEach((sensor, index) => {
    if (((flags >> index) & 1) === 0) return;
    const words = Array.from({ length: sensor.words }, (_, word) => reader.u16be(`sensor ${index} word ${word}`));
    for (const spec of sensor.values) {
      const value = spec.convert(words);
      values.set(spec.name, value);
      vendor[spec.name] = spec.unit ? { displayName: spec.displayName, unit: spec.unit, value } : { displayName: spec.displayName, value };
    }
  });
  reader.expectEnd(what);

  // The median of the burst is the distance least disturbed by a stray echo.
  const distanceMm = values.get('distance_median');
  return {
    frame: distanceMm === undefined ? 'status' : 'measurement',
    fields: fields({ distanceMm, batteryV: values.get('battery_voltage') }),
    vendor,
  };
}

/** Decentlab DL-LID laser distance / level sensor. */
export const DECENTLAB_DECODERS: readonly DeviceDecoder[] = [
  { model: 'decentlab-dl-lid', vendor: 'Decentlab', name: 'DL-LID laser distance / level sensor', aliases: ['decentlab/dl-lid', 'dl-lid'], decode: decodeDlLid },
];

import { ByteReader } from '../byte-reader';
import { type DecodedUplink, type DeviceDecoder, type VendorObject, fields, undecodable } from '../types';

// Elsys uplinks are a run of type (1) | value entries; each type has a fixed value width.
// Values are big-endian. The ELT Ultrasonic reports its distance with type 0x0E in mm.

type Reader = (reader: ByteReader, vendor: VendorObject) => void;

const TYPES: Record<number, Reader> = {
  0x01: (r, v) => (v.temperature = r.i16be('temperature') / 10),
  0x02: (r, v) => (v.humidity = r.u8('humidity')),
  0x03: (r, v) => {
    // Acceleration per axis, 63 = 1 g.
    v.x = r.i8('acceleration x');
    v.y = r.i8('acceleration y');
    v.z = r.i8('acceleration z');
  },
  0x04: (r, v) => (v.light = r.u16be('light')),
  0x05: (r, v) => (v.motion = r.u8('motion count')),
  0x06: (r, v) => (v.co2 = r.u16be('CO2')),
  0x07: (r, v) => (v.vdd = r.u16be('supply voltage')),
  0x08: (r, v) => (v.analog1 = r.u16be('analog input 1')),
  0x09: (r, v) => {
    v.lat = r.u24be('GPS latitude');
    v.long = r.u24be('GPS longitude');
  },
  0x0a: (r, v) => (v.pulse1 = r.u16be('pulse count 1')),
  0x0b: (r, v) => (v.pulseAbs = r.u32be('absolute pulse count 1')),
  0x0c: (r, v) => (v.externalTemperature = r.i16be('external temperature') / 10),
  0x0d: (r, v) => (v.digital = r.u8('digital input')),
  0x0e: (r, v) => (v.distance = r.u16be('distance')),
  0x0f: (r, v) => (v.accMotion = r.u8('acceleration motion count')),
  0x10: (r, v) => {
    v.irInternalTemperature = r.i16be('IR internal temperature') / 10;
    v.irExternalTemperature = r.i16be('IR external temperature') / 10;
  },
  0x11: (r, v) => (v.occupancy = r.u8('occupancy')),
  0x12: (r, v) => (v.waterleak = r.u8('water leak')),
  0x13: (r, v) => {
    const reference = r.u8('grideye reference');
    v.grideye = Array.from({ length: 64 }, (_, pixel) => reference + r.u8(`grideye pixel ${pixel}`) / 10);
  },
  // Pressure in thousandths; the value after scaling is in Pa.
  0x14: (r, v) => (v.pressure = r.u32be('pressure') / 1000),
  0x15: (r, v) => {
    v.soundPeak = r.u8('sound peak');
    v.soundAvg = r.u8('sound average');
  },
  0x16: (r, v) => (v.pulse2 = r.u16be('pulse count 2')),
  0x17: (r, v) => (v.pulseAbs2 = r.u32be('absolute pulse count 2')),
  0x18: (r, v) => (v.analog2 = r.u16be('analog input 2')),
  0x19: (r, v) => {
    const value = r.i16be('external temperature 2') / 10;
    const previous = v.externalTemperature2;
    v.externalTemperature2 = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  },
  0x1a: (r, v) => (v.digital2 = r.u8('digital input 2')),
  0x1b: (r, v) => (v.analogUv = r.i32be('analog input uV')),
  0x1c: (r, v) => (v.tvoc = r.u16be('TVOC')),
};

function decodeElsys(bytes: Uint8Array): DecodedUplink {
  const what = 'ELT Ultrasonic uplink';
  const reader = new ByteReader(bytes);
  const vendor: VendorObject = {};
  while (!reader.atEnd) {
    const at = reader.position;
    const type = reader.u8('type');
    const read = TYPES[type];
    if (!read) undecodable(`${what}: unknown type 0x${type.toString(16).padStart(2, '0')} at byte ${at}`);
    read(reader, vendor);
  }
  const num = (key: string) => (typeof vendor[key] === 'number' ? (vendor[key] as number) : undefined);
  const vddMv = num('vdd');
  const distanceMm = num('distance');
  return {
    frame: distanceMm === undefined ? 'status' : 'measurement',
    fields: fields({ distanceMm, temperatureC: num('temperature'), batteryV: vddMv === undefined ? undefined : vddMv / 1000 }),
    vendor,
  };
}

/** Elsys ELT Ultrasonic distance sensor. */
export const ELSYS_DECODERS: readonly DeviceDecoder[] = [
  { model: 'elsys-elt-ultrasonic', vendor: 'Elsys', name: 'ELT Ultrasonic distance sensor', aliases: ['elsys/elt-ultrasonic', 'elt-ultrasonic'], decode: (_fPort, bytes) => decodeElsys(bytes) },
];

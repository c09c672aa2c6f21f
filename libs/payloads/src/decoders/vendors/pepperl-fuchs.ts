import { ByteReader } from '../byte-reader';
import { type DecodedUplink, type DeviceDecoder, type VendorObject, fields, round, toHex, undecodable } from '../types';

// WILSEN uplinks are a run of entries: length (1) | sensor id (2) | value (length - 2 bytes).
// Each known id has a fixed value width; an entry whose length disagrees is rejected.

interface Entry {
  width: number;
  read: (reader: ByteReader, vendor: VendorObject) => void;
}

function ascii(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    if (byte === 0) break;
    text += String.fromCharCode(byte);
  }
  return text;
}

const ENTRIES: Record<string, Entry> = {
  // Temperature, IEEE 754 float, shown to 0.1 °C.
  '0201': { width: 4, read: (r, v) => (v.temp = round(r.f32be('temperature'), 1)) },
  // Proximity in cm (older firmware) and in mm.
  '0b01': { width: 2, read: (r, v) => (v.proxx = r.u16be('proximity cm')) },
  '0b02': { width: 2, read: (r, v) => (v.proxx_mm = r.u16be('proximity mm')) },
  '0b06': { width: 1, read: (r, v) => (v.fillinglvl = r.u8('filling level')) },
  '0b07': { width: 1, read: (r, v) => (v.amplitude = r.u8('echo amplitude')) },
  '2a25': { width: 14, read: (r, v) => (v.serial_nr = ascii(r.slice(14, 'serial number'))) },
  '3101': { width: 2, read: (r, v) => (v.lora_count = r.u16be('LoRa transmission counter')) },
  '3102': { width: 2, read: (r, v) => (v.gps_count = r.u16be('GPS acquisition counter')) },
  '3103': { width: 4, read: (r, v) => (v.us_sensor_count = r.u32be('ultrasonic measurement counter')) },
  '5001': { width: 4, read: (r, v) => (v.latitude = round(r.i32be('latitude') / 1e6, 6)) },
  '5002': { width: 4, read: (r, v) => (v.longitude = round(r.i32be('longitude') / 1e6, 6)) },
  '5101': { width: 1, read: (r, v) => (v.battery_vol = r.u8('battery') / 10) },
};

function decodeWilsen(model: string, bytes: Uint8Array): DecodedUplink {
  const what = `${model} uplink`;
  const reader = new ByteReader(bytes);
  const vendor: VendorObject = { payload: toHex(bytes).toUpperCase() };
  while (!reader.atEnd) {
    const at = reader.position;
    const length = reader.u8('entry length');
    const id = toHex(reader.slice(2, 'sensor id'));
    const entry = ENTRIES[id];
    if (!entry) undecodable(`${what}: unknown sensor id ${id.toUpperCase()} at byte ${at}`);
    if (length !== entry.width + 2) undecodable(`${what}: entry ${id.toUpperCase()} at byte ${at} has length ${length}, expected ${entry.width + 2}`);
    entry.read(reader, vendor);
  }
  const num = (key: string) => (typeof vendor[key] === 'number' ? (vendor[key] as number) : undefined);
  const proximityCm = num('proxx');
  const distanceMm = num('proxx_mm') ?? (proximityCm === undefined ? undefined : proximityCm * 10);
  const fillPct = num('fillinglvl');
  if (fillPct !== undefined && fillPct > 100) undecodable(`${what}: filling level ${fillPct}% is above 100`);
  return {
    frame: distanceMm !== undefined || fillPct !== undefined ? 'measurement' : 'status',
    fields: fields({ distanceMm, fillPct, temperatureC: num('temp'), batteryV: num('battery_vol') }),
    vendor,
  };
}

function wilsenDecoder(model: string, name: string, aliases: string[]): DeviceDecoder {
  return { model, vendor: 'Pepperl+Fuchs', name, aliases, decode: (_fPort, bytes) => decodeWilsen(model, bytes) };
}

/** Pepperl+Fuchs WILSEN.sonic wireless ultrasonic sensors. */
export const PEPPERL_FUCHS_DECODERS: readonly DeviceDecoder[] = [
  wilsenDecoder('pepperl-fuchs-wilsen-sonic-level', 'WILSEN.sonic.level ultrasonic level sensor', ['pepperl-fuchs/wilsen-sonic-level', 'wilsen-sonic-level', 'wilsen.sonic.level']),
  wilsenDecoder('pepperl-fuchs-wilsen-sonic-distance', 'WILSEN.sonic.distance ultrasonic distance sensor', ['pepperl-fuchs/wilsen-sonic-distance', 'wilsen-sonic-distance', 'wilsen.sonic.distance']),
];

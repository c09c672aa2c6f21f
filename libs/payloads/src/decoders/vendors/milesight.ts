import { ByteReader } from '../byte-reader';
import {
  type DecodedFields,
  type DecodedUplink,
  type DeviceAlarm,
  type DeviceDecoder,
  type FrameKind,
  type VendorObject,
  expectPort,
  fields,
  undecodable,
} from '../types';

// Milesight uplinks (FPort 85) are a run of channels: channel id (1) | channel type (1) | value.
// The value's width is fixed by the (id, type) pair, so an unknown pair cannot be skipped and
// the frame is rejected rather than half-read.

interface Decoding {
  vendor: VendorObject;
  fields: DecodedFields;
  alarms: DeviceAlarm[];
  measured: boolean;
  infoOnly: boolean;
}

type ChannelHandler = (reader: ByteReader, state: Decoding) => void;

const hex2 = (value: number) => value.toString(16);

/** Device information channels every Milesight sensor sends after joining. */
const INFO_CHANNELS: Record<string, ChannelHandler> = {
  'ff01': (r, s) => {
    const version = r.u8('protocol version');
    s.vendor.ipso_version = `v${version >> 4}.${version & 0x0f}`;
  },
  'ff09': (r, s) => {
    const major = r.u8('hardware version major');
    const minor = r.u8('hardware version minor');
    s.vendor.hardware_version = `v${hex2(major)}.${minor >> 4}`;
  },
  'ff0a': (r, s) => {
    const major = r.u8('firmware version major');
    const minor = r.u8('firmware version minor');
    s.vendor.firmware_version = `v${hex2(major)}.${hex2(minor)}`;
  },
  'ff16': (r, s) => {
    s.vendor.sn = Array.from(r.slice(8, 'serial number'), (byte) => byte.toString(16).padStart(2, '0')).join('');
  },
  'ff0f': (r, s) => {
    const code = r.u8('LoRaWAN class');
    const name = ['Class A', 'Class B', 'Class C', 'Class CtoB'][code];
    if (!name) undecodable(`unknown LoRaWAN class code ${code}`);
    s.vendor.lorawan_class = name;
  },
  'ff0b': (r, s) => {
    r.skip(1, 'power-on marker');
    s.vendor.device_status = 'on';
  },
  'fffe': (r, s) => {
    r.skip(1, 'reset marker');
    s.vendor.reset_event = 'reset';
  },
};

function battery(r: ByteReader, s: Decoding): void {
  const pct = r.u8('battery');
  if (pct > 100) undecodable(`battery ${pct}% is above 100`);
  s.vendor.battery = pct;
  s.fields.batteryPct = pct;
}

function temperature(r: ByteReader, s: Decoding): void {
  const raw = r.i16le('temperature');
  s.vendor.temperature = raw / 10;
  s.fields.temperatureC = raw / 10;
}

/**
 * Distance in mm, little-endian. 0xFFFF means a sensor fault and 0xFFFD no target in range
 * (Milesight's documented markers); other values above 0x7FFF would be negative distances.
 */
function distanceValue(r: ByteReader, s: Decoding, key = 'distance'): void {
  const raw = r.u16le(key);
  s.measured = true;
  if (raw === 0xffff) {
    s.vendor[key] = raw;
    s.alarms.push('sensor_error');
    return;
  }
  if (raw === 0xfffd) {
    s.vendor[key] = raw;
    s.alarms.push('no_target');
    return;
  }
  if (raw > 0x7fff) undecodable(`distance 0x${raw.toString(16)} is negative`);
  s.vendor[key] = raw;
  s.fields.distanceMm = raw;
}

/** Mounting position: 0 normal, 1 tilted (EM400: offset of 20 degrees or more). */
function position(key: string): ChannelHandler {
  return (r, s) => {
    const code = r.u8('position');
    if (code > 1) undecodable(`unknown position code ${code}`);
    s.vendor[key] = code === 1 ? 'tilt' : 'normal';
    if (code === 1) s.alarms.push('tilt');
  };
}

function alarmStatus(r: ByteReader, field: string): boolean {
  const code = r.u8(field);
  if (code > 1) undecodable(`unknown ${field} code ${code}`);
  return code === 1;
}

const TEMPERATURE_ALARM: ChannelHandler = (r, s) => {
  temperature(r, s);
  const raised = alarmStatus(r, 'temperature alarm');
  s.vendor.temperature_alarm = raised ? 'threshold alarm' : 'threshold alarm release';
  if (raised) s.alarms.push('temperature_threshold');
};

const DISTANCE_ALARM: ChannelHandler = (r, s) => {
  distanceValue(r, s);
  const raised = alarmStatus(r, 'distance alarm');
  s.vendor.distance_alarm = raised ? 'threshold alarm' : 'threshold alarm release';
  if (raised) s.alarms.push('distance_threshold');
};

function milesightDecoder(model: string, name: string, aliases: string[], channels: Record<string, ChannelHandler>): DeviceDecoder {
  const table: Record<string, ChannelHandler> = { ...INFO_CHANNELS, ...channels };
  return {
    model,
    vendor: 'Milesight',
    name,
    aliases,
    decode(fPort, bytes): DecodedUplink {
      expectPort(fPort, [85], `${model} uplink`);
      const reader = new ByteReader(bytes);
      const state: Decoding = { vendor: {}, fields: {}, alarms: [], measured: false, infoOnly: true };
      while (!reader.atEnd) {
        const at = reader.position;
        const id = reader.u8('channel id');
        const type = reader.u8('channel type');
        const key = `${id.toString(16).padStart(2, '0')}${type.toString(16).padStart(2, '0')}`;
        const handler = table[key];
        if (!handler) undecodable(`${model} uplink: unknown channel ${key.slice(0, 2)} ${key.slice(2)} at byte ${at}`);
        if (id !== 0xff) state.infoOnly = false;
        handler(reader, state);
      }
      const kind: FrameKind = state.measured ? 'measurement' : state.infoOnly ? 'version' : 'status';
      return { frame: kind, fields: fields({ ...state.fields, alarms: state.alarms }), vendor: state.vendor };
    },
  };
}

const EM400_CHANNELS: Record<string, ChannelHandler> = {
  '0175': battery,
  '0367': temperature,
  '0482': (r, s) => distanceValue(r, s),
  '0500': position('position'),
  '8367': TEMPERATURE_ALARM,
  '8482': DISTANCE_ALARM,
};

/** Milesight ultrasonic, ToF and radar distance sensors. */
export const MILESIGHT_DECODERS: readonly DeviceDecoder[] = [
  milesightDecoder('milesight-em310-udl', 'EM310-UDL ultrasonic distance sensor', ['milesight-iot/em310-udl', 'em310-udl'], {
    '0175': battery,
    '0382': (r, s) => distanceValue(r, s),
    // The EM310's decoder names the position channel "tilt".
    '0400': position('tilt'),
  }),
  milesightDecoder('milesight-em400-udl', 'EM400-UDL ultrasonic distance sensor', ['milesight-iot/em400-udl', 'em400-udl'], EM400_CHANNELS),
  milesightDecoder('milesight-em400-tld', 'EM400-TLD ToF laser distance sensor', ['milesight-iot/em400-tld', 'em400-tld'], EM400_CHANNELS),
  milesightDecoder('milesight-em400-mud', 'EM400-MUD multifunctional ultrasonic distance sensor', ['milesight-iot/em400-mud', 'em400-mud'], EM400_CHANNELS),
  milesightDecoder('milesight-em410-rdl', 'EM410-RDL radar distance/level sensor', ['milesight-iot/em410-rdl', 'em410-rdl'], {
    ...EM400_CHANNELS,
    '06c7': (r, s) => {
      s.vendor.radar_signal_rssi = r.i16le('radar signal strength') / 100;
    },
  }),
  milesightDecoder('milesight-ws201', 'WS201 smart fill level monitor', ['milesight-iot/ws201', 'ws201'], {
    '0175': battery,
    '0382': (r, s) => distanceValue(r, s),
    '04d6': (r, s) => {
      const pct = r.u8('remaining');
      if (pct > 100) undecodable(`remaining ${pct}% is above 100`);
      s.vendor.remaining = pct;
      s.fields.fillPct = pct;
    },
  }),
];

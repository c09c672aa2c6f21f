import { ByteReader } from '../byte-reader';
import {
  type DecodedFields,
  type DecodedUplink,
  type DeviceAlarm,
  type DeviceDecoder,
  Quantity,
  type VendorObject,
  expectLength,
  expectPort,
  fields,
  round,
  undecodable,
} from '../types';

// DingTek LoRaWAN protocol, FPort 3. Every uplink is framed:
//   0x80 head | forced bit | device type | data type | frame length | body ... | 0x81 tail
// Data type 1 is a heartbeat, 2 an alarm report (same body), 3 the parameter report.

const HEAD = 0x80;
const TAIL = 0x81;
const DATA_TYPES: Record<number, 'heartbeat' | 'alarm' | 'parameters'> = { 1: 'heartbeat', 2: 'alarm', 3: 'parameters' };

interface Frame {
  dataType: 'heartbeat' | 'alarm' | 'parameters';
  length: number;
  /** Positioned at the first body byte (byte 5). */
  body: ByteReader;
}

function openFrame(fPort: number, bytes: Uint8Array, what: string): Frame {
  expectPort(fPort, [3], what);
  if (bytes.length < 7) undecodable(`${what}: wrong length ${bytes.length} bytes, a frame has at least 7`);
  if (bytes[0] !== HEAD) undecodable(`${what}: frame head is 0x${bytes[0].toString(16)}, expected 0x80`);
  if (bytes[bytes.length - 1] !== TAIL) undecodable(`${what}: frame tail is 0x${bytes[bytes.length - 1].toString(16)}, expected 0x81`);
  if (bytes[4] !== bytes.length) undecodable(`${what}: length field says ${bytes[4]} bytes, frame has ${bytes.length}`);
  const dataType = DATA_TYPES[bytes[3]];
  if (!dataType) undecodable(`${what}: unknown data type ${bytes[3]}`);
  return { dataType, length: bytes.length, body: new ByteReader(bytes.subarray(0, bytes.length - 1), 5) };
}

/**
 * DingTek's published decoders turn the GPS floats into numbers with mantissa / 0x7fffff
 * (not / 0x800000 as IEEE 754 has it), which moves a coordinate by under 1e-5 degrees. The
 * vendor-shaped object reproduces their figure; vulgraad itself takes no position from it.
 */
function dingtekCoordinate(raw: number): string {
  const sign = raw & 0x80000000 ? -1 : 1;
  const exponent = ((raw >>> 23) & 0xff) - 127;
  const mantissa = 1 + (raw & 0x7fffff) / 0x7fffff;
  return (sign * mantissa * 2 ** exponent).toFixed(6);
}

/** Body of a level sensor heartbeat/alarm: 17 bytes, or 25 with a GPS fix. */
interface LevelReport {
  levelMm: number;
  gps?: { longitude: string; latitude: string };
  temperatureC: number;
  angleDeg: number;
  /** Alarm byte 1: high nibble level (full/empty), low nibble fire. */
  alarm1: { high: boolean; low: boolean };
  /** Alarm byte 2: high nibble tilt/fall/motion, low nibble battery. */
  alarm2: { high: boolean; low: boolean };
  frameCounter: number;
}

function readLevelReport(frame: Frame, what: string): LevelReport {
  if (frame.length !== 17 && frame.length !== 25) undecodable(`${what}: wrong length ${frame.length} bytes for a level report, expected 17 or 25`);
  const reader = frame.body;
  const levelMm = reader.u16be('level');
  reader.skip(1, 'GPS flag');
  let gps: LevelReport['gps'];
  if (frame.length === 25) {
    const longitude = dingtekCoordinate(reader.u32le('longitude'));
    const latitude = dingtekCoordinate(reader.u32le('latitude'));
    gps = { longitude, latitude };
  }
  const temperatureC = reader.u8('temperature');
  const angleSign = reader.u8('angle sign');
  const angle = reader.u8('angle');
  const nibbles = (byte: number) => ({ high: (byte >> 4) !== 0, low: (byte & 0x0f) !== 0 });
  const alarm1 = nibbles(reader.u8('alarm byte 1'));
  const alarm2 = nibbles(reader.u8('alarm byte 2'));
  const frameCounter = reader.u16be('frame counter');
  reader.skip(1, 'reserved');
  reader.expectEnd(what);
  // The sign byte's low nibble is 0 for a positive angle.
  return { levelMm, gps, temperatureC, angleDeg: (angleSign & 0x0f) === 0 ? angle : -angle, alarm1, alarm2, frameCounter };
}

/** Body of a parameter report: firmware, intervals, thresholds and switches. */
interface Parameters {
  firmware: string;
  uploadInterval: number;
  detectInterval: number;
  levelThreshold: number;
  fireThreshold: number;
  tiltThreshold: number;
  tiltEnable: boolean;
  rangeCode: number;
  workMode: number;
}

function readParameters(frame: Frame, lengths: readonly number[], what: string): Parameters {
  if (!lengths.includes(frame.length)) undecodable(`${what}: wrong length ${frame.length} bytes for a parameter report, expected ${lengths.join(' or ')}`);
  const reader = frame.body;
  const firmware = `${reader.u8('firmware major')}.${reader.u8('firmware minor')}`;
  return {
    firmware,
    uploadInterval: reader.u8('upload interval'),
    detectInterval: reader.u8('detection interval'),
    levelThreshold: reader.u8('level threshold'),
    fireThreshold: reader.u8('fire threshold'),
    tiltThreshold: reader.u8('tilt threshold'),
    tiltEnable: reader.u8('tilt switch') !== 0,
    rangeCode: reader.u8('ultrasonic range'),
    workMode: reader.u8('work mode'),
  };
}

function ultrasonicRangeMm(code: number, what: string): number {
  if (code === 0) return 2000;
  if (code === 1) return 5000;
  return undecodable(`${what}: unknown ultrasonic range code ${code}`);
}

function alarmList(entries: Array<[boolean, DeviceAlarm]>): DeviceAlarm[] {
  return entries.filter(([raised]) => raised).map(([, alarm]) => alarm);
}

function withGps(vendor: VendorObject, report: LevelReport): VendorObject {
  return report.gps ? { ...vendor, longitude: report.gps.longitude, latitude: report.gps.latitude } : vendor;
}

/** How one model presents the shared frames, and what its level means. */
interface LevelModel {
  model: string;
  name: string;
  aliases: string[];
  parameterLengths: readonly number[];
  measurement(report: LevelReport): { fields: DecodedFields; vendor: VendorObject };
  parameters(parameters: Parameters, what: string): VendorObject;
}

function levelDecoder(spec: LevelModel): DeviceDecoder {
  const what = `${spec.model} uplink`;
  return {
    model: spec.model,
    vendor: 'DingTek',
    name: spec.name,
    aliases: spec.aliases,
    decode(fPort, bytes): DecodedUplink {
      const frame = openFrame(fPort, bytes, what);
      if (frame.dataType === 'parameters') {
        return { frame: 'config', fields: {}, vendor: spec.parameters(readParameters(frame, spec.parameterLengths, what), what) };
      }
      return { frame: 'measurement', ...spec.measurement(readLevelReport(frame, what)) };
    },
  };
}

const q = (value: number, unit: Quantity['unit']) => new Quantity(value, unit);

const df702: LevelModel = {
  model: 'dingtek-df702',
  name: 'DF702 waste bin level sensor',
  aliases: ['dingtek/df702', 'df702'],
  parameterLengths: [25],
  measurement: (r) => ({
    fields: fields({
      distanceMm: r.levelMm,
      temperatureC: r.temperatureC,
      tiltDeg: Math.abs(r.angleDeg),
      alarms: alarmList([[r.alarm1.high, 'full'], [r.alarm1.low, 'fire'], [r.alarm2.high, 'tilt'], [r.alarm2.low, 'low_battery']]),
    }),
    vendor: withGps(
      {
        level: q(r.levelMm, 'mm'),
        full: r.alarm1.high,
        fire: r.alarm1.low,
        tilt: r.alarm2.high,
        battery: r.alarm2.low,
        angle: q(r.angleDeg, '°'),
        temperature: q(r.temperatureC, '°C'),
      },
      r,
    ),
  }),
  parameters: (p, what) => ({
    periodic_interval: q(p.uploadInterval, 'h'),
    detection_interval: q(p.detectInterval, 'min'),
    full_alarm_threshold: q(p.levelThreshold, 'cm'),
    fire_alarm_threshold: q(p.fireThreshold, '°C'),
    tilt_alarm_threshold: q(p.tiltThreshold, '°'),
    tilt_enable: p.tiltEnable,
    ultrasonic_range: q(ultrasonicRangeMm(p.rangeCode, what), 'mm'),
  }),
};

const df703: LevelModel = {
  model: 'dingtek-df703',
  name: 'DF703 ultrasonic waste bin level sensor',
  aliases: ['dingtek/df703', 'df703'],
  parameterLengths: [25],
  measurement: (r) => ({
    fields: df702.measurement(r).fields,
    vendor: withGps(
      {
        level: r.levelMm,
        alarmLevel: r.alarm1.high,
        alarmFire: r.alarm1.low,
        alarmFall: r.alarm2.high,
        alarmBattery: r.alarm2.low,
        angle: r.angleDeg,
        temperature: r.temperatureC,
        frameCounter: r.frameCounter,
      },
      r,
    ),
  }),
  parameters: (p) => ({
    firmware: p.firmware,
    uploadInterval: p.uploadInterval,
    detectInterval: p.detectInterval,
    levelThreshold: p.levelThreshold,
    fireThreshold: p.fireThreshold,
    fallThreshold: p.tiltThreshold,
    fallEnable: p.tiltEnable,
    workMode: p.workMode,
  }),
};

const df555: LevelModel = {
  model: 'dingtek-df555',
  name: 'DF555 ultrasonic tank level sensor (top-mounted)',
  aliases: ['dingtek/df555', 'df555'],
  parameterLengths: [17],
  measurement: (r) => ({
    fields: fields({
      distanceMm: r.levelMm,
      temperatureC: r.temperatureC,
      alarms: alarmList([[r.alarm1.high, 'full'], [r.alarm2.low, 'low_battery']]),
    }),
    vendor: withGps(
      { level: r.levelMm, alarmLevel: r.alarm1.high, alarmBattery: r.alarm2.low, temperature: r.temperatureC, frameCounter: r.frameCounter },
      r,
    ),
  }),
  parameters: (p) => ({
    firmware: p.firmware,
    uploadInterval: p.uploadInterval,
    detectInterval: p.detectInterval,
    levelThreshold: p.levelThreshold,
    workMode: p.workMode,
  }),
};

const df530: LevelModel = {
  model: 'dingtek-df530',
  name: 'DF530 LPG tank level sensor',
  aliases: ['dingtek/df530', 'df530'],
  parameterLengths: [25],
  // Mounted under the tank: the level is the height of the liquid; the alarm is "empty".
  measurement: (r) => ({
    fields: fields({
      levelMm: r.levelMm,
      temperatureC: r.temperatureC,
      alarms: alarmList([[r.alarm1.high, 'empty'], [r.alarm2.low, 'low_battery']]),
    }),
    vendor: withGps(
      { level: q(r.levelMm, 'mm'), empty: r.alarm1.high, battery: r.alarm2.low, temperature: q(r.temperatureC, '°C'), frame_counter: r.frameCounter },
      r,
    ),
  }),
  // Upload interval code: 1..60 minutes, 61..84 are 1..24 hours.
  parameters: (p) => ({
    periodic_upload_interval: p.uploadInterval > 60 ? q(p.uploadInterval - 60, 'h') : q(p.uploadInterval, 'min'),
    empty_alarm_threshold: q(p.levelThreshold, 'cm'),
  }),
};

const dc410: LevelModel = {
  model: 'dingtek-dc410',
  name: 'DC410 manhole level sensor',
  aliases: ['dingtek/dc410', 'dc410'],
  parameterLengths: [25],
  measurement: (r) => ({
    fields: fields({
      distanceMm: r.levelMm,
      temperatureC: r.temperatureC,
      tiltDeg: Math.abs(r.angleDeg),
      alarms: alarmList([[r.alarm1.high, 'full'], [r.alarm2.high, 'motion'], [r.alarm2.low, 'low_battery']]),
    }),
    vendor: withGps(
      {
        level: q(r.levelMm, 'mm'),
        full: r.alarm1.high,
        motion: r.alarm2.high,
        battery: r.alarm2.low,
        angle: q(r.angleDeg, '°'),
        temperature: q(r.temperatureC, '°C'),
        frame_counter: r.frameCounter,
      },
      r,
    ),
  }),
  parameters: (p, what) => ({
    periodic_upload_interval: q(p.uploadInterval, 'h'),
    periodic_detection_interval: q(p.detectInterval, 'min'),
    full_alarm_threshold: q(p.levelThreshold, 'cm'),
    motion_alarm_threshold: q(p.tiltThreshold, '°'),
    motion_alarm_enable: p.tiltEnable,
    ultrasonic_range: q(ultrasonicRangeMm(p.rangeCode, what), 'mm'),
  }),
};

const dc413: LevelModel = {
  model: 'dingtek-dc413',
  name: 'DC413 manhole level sensor',
  aliases: ['dingtek/dc413', 'dc413'],
  parameterLengths: [25],
  measurement: (r) => ({
    fields: fields({
      distanceMm: r.levelMm,
      temperatureC: r.temperatureC,
      tiltDeg: Math.abs(r.angleDeg),
      alarms: alarmList([[r.alarm1.high, 'full'], [r.alarm2.high, 'tilt'], [r.alarm2.low, 'low_battery']]),
    }),
    vendor: withGps(
      {
        level: r.levelMm,
        alarmLevel: r.alarm1.high,
        alarmFall: r.alarm2.high,
        alarmBattery: r.alarm2.low,
        angle: r.angleDeg,
        temperature: r.temperatureC,
        frameCounter: r.frameCounter,
      },
      r,
    ),
  }),
  parameters: (p) => ({
    firmware: p.firmware,
    uploadInterval: p.uploadInterval,
    detectInterval: p.detectInterval,
    levelThreshold: p.levelThreshold,
    fallThreshold: p.tiltThreshold,
    fallEnable: p.tiltEnable,
    workMode: p.workMode,
  }),
};

// Dispenser sensors share the framing but have their own bodies:
//   measurement: volt x100 (2) battery alarm (1) temperature (1) level ... level alarm (1)
//                frame counter (2) reserved (1)
//   parameters (13 bytes): firmware (2) upload h (1) detect min (1) battery threshold % (1)
//                level threshold % (1) reserved (1)

function readDispenserParameters(frame: Frame, what: string): VendorObject {
  if (frame.length !== 13) undecodable(`${what}: wrong length ${frame.length} bytes for a parameter report, expected 13`);
  const reader = frame.body;
  const vendor: VendorObject = {
    firmware: `${reader.u8('firmware major')}.${reader.u8('firmware minor')}`,
    uploadInterval: reader.u8('upload interval'),
    detectInterval: reader.u8('detection interval'),
    batteryThreshold: reader.u8('battery threshold'),
    levelThreshold: reader.u8('level threshold'),
  };
  reader.skip(1, 'reserved');
  reader.expectEnd(what);
  return vendor;
}

/** DF200 soap dispenser: 15-byte report, the level is the remaining liquid in %. */
function decodeDf200(fPort: number, bytes: Uint8Array): DecodedUplink {
  const what = 'dingtek-df200 uplink';
  const frame = openFrame(fPort, bytes, what);
  if (frame.dataType === 'parameters') return { frame: 'config', fields: {}, vendor: readDispenserParameters(frame, what) };
  expectLength(bytes, [15], `${what} report`);
  const reader = frame.body;
  const volt = reader.u16be('battery voltage') / 100;
  const batteryAlarm = (reader.u8('battery alarm') & 0x0f) !== 0;
  const temperature = reader.u8('temperature');
  const level = reader.u8('level');
  const levelAlarm = (reader.u8('level alarm') & 0x0f) !== 0;
  const frameCounter = reader.u16be('frame counter');
  reader.skip(1, 'reserved');
  reader.expectEnd(what);
  if (level > 100) undecodable(`${what}: level ${level}% is above 100`);
  return {
    frame: 'measurement',
    fields: fields({ fillPct: level, temperatureC: temperature, batteryV: volt, alarms: alarmList([[levelAlarm, 'low_level'], [batteryAlarm, 'low_battery']]) }),
    vendor: { level, alarmLevel: levelAlarm, alarmBattery: batteryAlarm, temperature, volt, frameCounter },
  };
}

/** DF400 tissue dispenser: 17-byte report with a distance-like level and the remaining paper in %. */
function decodeDf400(fPort: number, bytes: Uint8Array): DecodedUplink {
  const what = 'dingtek-df400 uplink';
  const frame = openFrame(fPort, bytes, what);
  if (frame.dataType === 'parameters') return { frame: 'config', fields: {}, vendor: readDispenserParameters(frame, what) };
  expectLength(bytes, [17], `${what} report`);
  const reader = frame.body;
  const volt = reader.u16be('battery voltage') / 100;
  const batteryAlarm = (reader.u8('battery alarm') & 0x0f) !== 0;
  const temperature = reader.u8('temperature');
  const level = reader.u16be('level');
  const percent = reader.u8('percent');
  const levelAlarm = (reader.u8('level alarm') & 0x0f) !== 0;
  const frameCounter = reader.u16be('frame counter');
  reader.skip(1, 'reserved');
  reader.expectEnd(what);
  if (percent > 100) undecodable(`${what}: remaining ${percent}% is above 100`);
  return {
    frame: 'measurement',
    fields: fields({ fillPct: percent, temperatureC: temperature, batteryV: volt, alarms: alarmList([[levelAlarm, 'low_level'], [batteryAlarm, 'low_battery']]) }),
    vendor: { level, percent, alarmLevel: levelAlarm, alarmBattery: batteryAlarm, temperature, volt: round(volt, 2), frameCounter },
  };
}

/** DingTek waste bin, tank, manhole and dispenser level sensors. */
export const DINGTEK_DECODERS: readonly DeviceDecoder[] = [
  ...[df702, df703, df555, df530, dc410, dc413].map(levelDecoder),
  { model: 'dingtek-df200', vendor: 'DingTek', name: 'DF200 soap dispenser level sensor', aliases: ['dingtek/df200', 'df200'], decode: decodeDf200 },
  { model: 'dingtek-df400', vendor: 'DingTek', name: 'DF400 tissue dispenser level sensor', aliases: ['dingtek/df400', 'df400'], decode: decodeDf400 },
];

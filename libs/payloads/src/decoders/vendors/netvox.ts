import { ByteReader } from '../byte-reader';
import {
  type DecodedFields,
  type DecodedUplink,
  type DeviceAlarm,
  type DeviceDecoder,
  type VendorObject,
  expectLength,
  expectPort,
  fields,
  undecodable,
} from '../types';

// Netvox LoRaWAN application commands, 11 bytes each.
//   FPort 6, reports:  version (1) = 0x01 | device type (1) | report type (1) | 8 data bytes
//     report type 0x00 is the start-up version report, the others are device-specific.
//   FPort 7, configuration responses: command id (1) | device type (1) | 9 data bytes
// Battery is in 0.1 V with bit 7 set when the battery is low.

const APP_COMMAND_VERSION = 0x01;

interface Report {
  fields: DecodedFields;
  vendor: VendorObject;
}

interface DeviceType {
  name: string;
  /** Report type 0x01 (status) body, reader positioned at the battery byte. */
  status(reader: ByteReader): Report;
  /** Configuration responses by command id, reader positioned after the device type. */
  commands: Record<number, { cmd: string; read: (reader: ByteReader) => VendorObject }>;
}

function battery(reader: ByteReader): { volts: number; low: boolean; vendor: number | string } {
  const raw = reader.u8('battery');
  const volts = (raw & 0x7f) / 10;
  const low = (raw & 0x80) !== 0;
  return { volts, low, vendor: low ? `${volts}(low battery)` : volts };
}

function percent(reader: ByteReader, field: string): number {
  const value = reader.u8(field);
  if (value > 100) undecodable(`${field} ${value}% is above 100`);
  return value;
}

const status = (reader: ByteReader) => ({ Status: reader.u8('status') === 0x00 ? 'Success' : 'Failure' });
const word = (key: string) => (reader: ByteReader) => ({ [key]: reader.u16be(key) });

/** Responses the R718X and R718PE share; the R718X adds a temperature threshold. */
function distanceSensorCommands(withTemperature: boolean): DeviceType['commands'] {
  return {
    0x81: { cmd: 'ConfigReportRsp', read: status },
    0x82: {
      cmd: 'ReadConfigReportRsp',
      read: (r) => {
        const vendor: VendorObject = {
          MinTime: r.u16be('minimum report time'),
          MaxTime: r.u16be('maximum report time'),
          BatteryChange: r.u8('battery change') / 10,
          DistanceChange: r.u16be('distance change'),
        };
        if (withTemperature) vendor.TempChange = r.u16be('temperature change') / 10;
        return vendor;
      },
    },
    0x83: { cmd: 'SetOnDistanceThresholdRsp', read: status },
    0x84: { cmd: 'GetOnDistanceThresholdRsp', read: word('OnDistanceThreshold') },
    0x85: { cmd: 'SetFillMaxDistanceRsp', read: status },
    0x86: { cmd: 'GetFillMaxDistanceRsp', read: word('FillMaxDistance') },
    0x8b: { cmd: 'SetDeadZoneDistanceRsp', read: status },
    0x8c: { cmd: 'GetDeadZoneDistanceRsp', read: word('DeadZoneDistance') },
  };
}

const lowBattery = (low: boolean): DeviceAlarm[] => (low ? ['low_battery'] : []);

const R718X: DeviceType = {
  name: 'R718X',
  // battery | status | distance mm (2) | temperature x10 signed (2) | fill % | inclination degrees
  status: (r) => {
    const bat = battery(r);
    const state = r.u8('status');
    const distanceMm = r.u16be('distance');
    const temperatureC = r.i16be('temperature') / 10;
    const fillPct = percent(r, 'fill level');
    const angle = r.u8('angle of inclination');
    return {
      fields: fields({ batteryV: bat.volts, distanceMm, temperatureC, fillPct, tiltDeg: angle, alarms: lowBattery(bat.low) }),
      vendor: { Volt: bat.vendor, Status: state === 0 ? 'OFF' : 'ON', Distance: distanceMm, Temp: temperatureC, FillLevel: fillPct, AngleOfInclination: angle },
    };
  },
  commands: distanceSensorCommands(true),
};

const R718PE: DeviceType = {
  name: 'R718PE',
  // battery | status | distance mm (2) | fill % | reserved (3)
  status: (r) => {
    const bat = battery(r);
    const state = r.u8('status');
    const distanceMm = r.u16be('distance');
    const fillPct = percent(r, 'fill level');
    r.skip(3, 'reserved');
    return {
      fields: fields({ batteryV: bat.volts, distanceMm, fillPct, alarms: lowBattery(bat.low) }),
      vendor: { Volt: bat.vendor, Status: state === 0 ? 'OFF' : 'ON', Distance: distanceMm, FillLevel: fillPct },
    };
  },
  commands: distanceSensorCommands(false),
};

const MEASURE_TYPES: Record<number, string> = { 1: 'Water', 2: 'Gasoline', 3: 'Diesel oil' };

const R718PA22: DeviceType = {
  name: 'R718PA22',
  // battery | liquid depth mm (2) | temperature signed degC (2) | install status | reserved (2)
  // The sensor sits under the tank: the depth is the height of the liquid. A failed install
  // (no acoustic contact with the wall) means the depth is not a measurement.
  status: (r) => {
    const bat = battery(r);
    const depthMm = r.u16be('depth');
    const temperatureC = r.i16be('temperature');
    const installed = r.u8('install status') === 0x00;
    r.skip(2, 'reserved');
    return {
      fields: fields({
        batteryV: bat.volts,
        levelMm: installed ? depthMm : undefined,
        temperatureC,
        alarms: [...lowBattery(bat.low), ...(installed ? [] : (['install_failure'] as DeviceAlarm[]))],
      }),
      vendor: { Volt: bat.vendor, Depth: depthMm, Temp: temperatureC, InstallStatus: installed ? 'Success' : 'Failure' },
    };
  },
  commands: {
    0x81: { cmd: 'ConfigReportRsp', read: status },
    0x82: {
      cmd: 'ReadConfigReportRsp',
      read: (r) => ({
        MinTime: r.u16be('minimum report time'),
        MaxTime: r.u16be('maximum report time'),
        BatteryChange: r.u8('battery change') / 10,
        DepthChange: r.u16be('depth change'),
        TempChange: r.u8('temperature change'),
      }),
    },
    0x83: { cmd: 'SetMeasureTypeRsp', read: status },
    0x84: {
      cmd: 'GetMeasureTypeRsp',
      read: (r) => {
        const code = r.u8('measure type');
        const type = MEASURE_TYPES[code];
        if (!type) undecodable(`unknown measure type ${code}`);
        return { MeasureType: type };
      },
    },
  },
};

const DEVICE_TYPES: Record<number, DeviceType> = { 0x34: R718X, 0xb1: R718PE, 0x9b: R718PA22 };

/** Datecode bytes are printed as hex digits: 20 20 08 11 -> "20200811". */
function datecode(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function decodeNetvox(model: string, accepted: readonly number[], fPort: number, bytes: Uint8Array): DecodedUplink {
  const what = `${model} uplink`;
  expectPort(fPort, [6, 7], what);
  expectLength(bytes, [11], what);
  const reader = new ByteReader(bytes);
  const first = reader.u8(fPort === 6 ? 'command version' : 'command id');
  const typeCode = reader.u8('device type');
  const device = DEVICE_TYPES[typeCode];
  if (!device || !accepted.includes(typeCode)) {
    undecodable(`${what}: device type 0x${typeCode.toString(16).padStart(2, '0')} is not one this model sends (${accepted.map((code) => DEVICE_TYPES[code].name).join(', ')})`);
  }

  if (fPort === 7) {
    const command = device.commands[first];
    if (!command) undecodable(`${what}: unknown ${device.name} command response 0x${first.toString(16)}`);
    return { frame: 'command_response', fields: {}, vendor: { Cmd: command.cmd, Device: device.name, ...command.read(reader) } };
  }

  if (first !== APP_COMMAND_VERSION) undecodable(`${what}: command version ${first}, expected ${APP_COMMAND_VERSION}`);
  const reportType = reader.u8('report type');
  if (reportType === 0x00) {
    const software = reader.u8('software version') / 10;
    const hardware = reader.u8('hardware version');
    const date = datecode(reader.slice(4, 'date code'));
    reader.skip(2, 'reserved');
    return { frame: 'version', fields: {}, vendor: { Device: device.name, SWver: software, HWver: hardware, Datecode: date } };
  }
  if (reportType !== 0x01) undecodable(`${what}: unknown ${device.name} report type 0x${reportType.toString(16)}`);
  const report = device.status(reader);
  reader.expectEnd(what);
  return { frame: 'measurement', fields: report.fields, vendor: { Device: device.name, ...report.vendor } };
}

function netvoxDecoder(model: string, name: string, aliases: string[], accepted: number[]): DeviceDecoder {
  return { model, vendor: 'Netvox', name, aliases, decode: (fPort, bytes) => decodeNetvox(model, accepted, fPort, bytes) };
}

/**
 * Netvox ultrasonic distance and level sensors. The R718X and R718PE share one published codec
 * (each frame names its device type), so either model id decodes both.
 */
export const NETVOX_DECODERS: readonly DeviceDecoder[] = [
  netvoxDecoder('netvox-r718x', 'R718X wireless ultrasonic distance sensor', ['netvox/r718x', 'r718x'], [0x34, 0xb1]),
  netvoxDecoder('netvox-r718pe', 'R718PE wireless top-mounted ultrasonic level sensor', ['netvox/r718pe', 'r718pe'], [0xb1, 0x34]),
  netvoxDecoder('netvox-r718pa22', 'R718PA22 wireless bottom-mounted ultrasonic liquid level sensor', ['netvox/r718pa22', 'r718pa22'], [0x9b]),
];

import { ByteReader } from '../byte-reader';
import {
  type DecodedUplink,
  type DeviceAlarm,
  type DeviceDecoder,
  Quantity,
  type VendorObject,
  expectLength,
  expectPort,
  fields,

  undecodable,
} from '../types';

// Dragino end nodes send measurements on FPort 2. The first word carries the battery in mV
// in its low 14 bits; bit 15 is the interrupt flag on the models that have one.

function batteryVolts(word: number): number {
  return (word & 0x3fff) / 1000;
}

/** How an LDDS75-format distance is to be read: from above (distance) or from below (level). */
type LddsMounting = 'top' | 'bottom';

/**
 * LDDS75 format, shared by LDDS20 and LDDS45. Firmware v1.1.4 and later: 8 bytes
 * BAT(2) distance mm(2) interrupt(1) DS18B20 temperature x10 signed(2) sensor flag(1).
 * Earlier firmware: 5 bytes BAT(2) distance mm(2) interrupt(1); Dragino's decoder for that
 * firmware reports "No Sensor" for a frame without the distance, which arrives as 4 bytes.
 */
function decodeLdds(fPort: number, bytes: Uint8Array, mounting: LddsMounting): DecodedUplink {
  expectPort(fPort, [2], 'LDDS uplink');
  expectLength(bytes, [4, 5, 8], 'LDDS uplink');
  const reader = new ByteReader(bytes);
  const batteryV = batteryVolts(reader.u16be('battery'));
  if (bytes.length === 4) {
    return {
      frame: 'status',
      fields: fields({ batteryV, alarms: ['no_sensor'] }),
      vendor: { distance: 'No Sensor' },
    };
  }
  const distanceMm = reader.u16be('distance');
  const interrupt = reader.u8('interrupt flag');
  const place = (mm: number) => (mounting === 'top' ? { distanceMm: mm } : { levelMm: mm });
  if (bytes.length === 5) {
    // Below 20 mm the old firmware's reading is not a measurement (Dragino: "Invalid Reading").
    const valid = distanceMm >= 20;
    return {
      frame: 'measurement',
      fields: fields({ batteryV, ...(valid ? place(distanceMm) : {}), alarms: valid ? [] : ['sensor_error'] }),
      vendor: {
        Bat: batteryV,
        Distance: valid ? new Quantity(distanceMm, 'mm') : 'Invalid Reading',
        Interrupt_status: interrupt,
      },
    };
  }
  const probeRaw = reader.i16be('DS18B20 temperature');
  const sensorFlag = reader.u8('sensor flag');
  // Sensor flag 0 or a zero distance: the ultrasonic probe is not connected or saw nothing.
  const measured = sensorFlag !== 0 && distanceMm !== 0;
  return {
    frame: 'measurement',
    fields: fields({
      batteryV,
      ...(measured ? place(distanceMm) : {}),
      // The optional DS18B20 probe reads 0 when it is not fitted.
      temperatureC: probeRaw !== 0 ? probeRaw / 10 : undefined,
      alarms: measured ? [] : ['no_sensor'],
    }),
    vendor: {
      Bat: batteryV,
      Distance: new Quantity(distanceMm, 'mm'),
      Interrupt_flag: interrupt,
      Sensor_flag: sensorFlag,
      TempC_DS18B20: (probeRaw / 10).toFixed(2),
    },
  };
}

/**
 * LDDS04, four ultrasonic probes: 11 bytes BAT+interrupt(2) four distances mm(4x2) message
 * type(1). The fill-relevant distance is the shortest non-zero one (the highest point of the
 * contents under any probe).
 */
function decodeLdds04(fPort: number, bytes: Uint8Array): DecodedUplink {
  expectPort(fPort, [2], 'LDDS04 uplink');
  expectLength(bytes, [11], 'LDDS04 uplink');
  const reader = new ByteReader(bytes);
  const word = reader.u16be('battery');
  const distances = [1, 2, 3, 4].map((probe) => reader.u16be(`distance ${probe}`));
  const messageType = reader.u8('message type');
  if (messageType !== 1) undecodable(`LDDS04 uplink: message type ${messageType} is not a measurement (1)`);
  const seen = distances.filter((mm) => mm > 0);
  const vendor: VendorObject = { BatV: batteryVolts(word), EXTI_Trigger: word & 0x8000 ? 'TRUE' : 'FALSE' };
  distances.forEach((mm, index) => (vendor[`distance${index + 1}_cm`] = mm / 10));
  vendor.mes_type = messageType;
  return {
    frame: 'measurement',
    fields: fields({
      batteryV: batteryVolts(word),
      distanceMm: seen.length > 0 ? Math.min(...seen) : undefined,
      alarms: seen.length > 0 ? [] : ['no_sensor'],
    }),
    vendor,
  };
}

/**
 * LLDS12 LiDAR: 11 bytes BAT(2) DS18B20 x10 signed(2) distance mm(2) signal strength(2)
 * interrupt(1) LiDAR temperature signed(1) message type(1). The manual calls a distance with
 * signal strength <= 60 (or 65535) unreliable.
 */
function decodeLlds12(fPort: number, bytes: Uint8Array): DecodedUplink {
  expectPort(fPort, [2], 'LLDS12 uplink');
  expectLength(bytes, [11], 'LLDS12 uplink');
  const reader = new ByteReader(bytes);
  const batteryV = batteryVolts(reader.u16be('battery'));
  const probeRaw = reader.i16be('DS18B20 temperature');
  const distanceMm = reader.u16be('distance');
  const signal = reader.u16be('signal strength');
  const interrupt = reader.u8('interrupt flag');
  const lidarTempC = reader.i8('LiDAR temperature');
  const messageType = reader.u8('message type');
  if (messageType !== 1) undecodable(`LLDS12 uplink: message type ${messageType} is not a measurement (1)`);
  const reliable = signal > 60 && signal !== 0xffff;
  return {
    frame: 'measurement',
    fields: fields({
      batteryV,
      distanceMm: reliable ? distanceMm : undefined,
      temperatureC: probeRaw !== 0 ? probeRaw / 10 : lidarTempC,
      alarms: reliable ? [] : ['sensor_error'],
    }),
    vendor: {
      Bat: batteryV,
      TempC_DS18B20: (probeRaw / 10).toFixed(2),
      Lidar_distance: distanceMm / 10,
      Lidar_signal: signal,
      Message_type: messageType,
      Interrupt_flag: interrupt,
      Lidar_temp: lidarTempC,
    },
  };
}

const LMDS200_BANDS: Record<number, string> = {
  0x01: 'EU868',
  0x02: 'US915',
  0x03: 'IN865',
  0x04: 'AU915',
  0x05: 'KZ865',
  0x06: 'RU864',
  0x07: 'AS923',
  0x08: 'AS923_1',
  0x09: 'AS923_2',
  0x0a: 'AS923_3',
  0x0b: 'CN470',
  0x0c: 'EU433',
  0x0d: 'KR920',
  0x0e: 'MA869',
};

/**
 * LMDS200 radar. FPort 2: BAT mV(2) nearest target cm(2) second target cm(2) alarm byte
 * (bits 7..2 alarm count, bit 1 distance alarm, bit 0 interrupt). FPort 4: configuration.
 * FPort 5: device status.
 */
function decodeLmds200(fPort: number, bytes: Uint8Array): DecodedUplink {
  expectPort(fPort, [2, 4, 5], 'LMDS200 uplink');
  const reader = new ByteReader(bytes);
  if (fPort === 2) {
    expectLength(bytes, [7], 'LMDS200 measurement');
    const batteryV = reader.u16be('battery') / 1000;
    const nearestCm = reader.u16be('distance 1');
    const secondCm = reader.u16be('distance 2');
    const flags = reader.u8('alarm flags');
    const distanceAlarm = (flags >> 1) & 0x01;
    const alarms: DeviceAlarm[] = distanceAlarm ? ['distance_threshold'] : [];
    return {
      frame: 'measurement',
      fields: fields({ batteryV, distanceMm: nearestCm > 0 ? nearestCm * 10 : undefined, alarms: nearestCm > 0 ? alarms : [...alarms, 'no_target'] }),
      vendor: {
        Bat: batteryV,
        dis1: nearestCm,
        dis2: secondCm,
        DALARM_count: (flags >> 2) & 0x3f,
        Distance_alarm: distanceAlarm,
        Interrupt_alarm: flags & 0x01,
      },
    };
  }
  if (fPort === 4) {
    expectLength(bytes, [9], 'LMDS200 configuration');
    return {
      frame: 'config',
      fields: {},
      vendor: {
        TDC: reader.u24be('report interval'),
        ATDC: reader.u8('alarm interval'),
        Alarm_min: reader.u16be('alarm minimum'),
        Alarm_max: reader.u16be('alarm maximum'),
        Interrupt: reader.u8('interrupt mode'),
      },
    };
  }
  expectLength(bytes, [7], 'LMDS200 device status');
  const model = reader.u8('sensor model');
  if (model !== 0x0c) undecodable(`LMDS200 device status: sensor model 0x${model.toString(16)} is not an LMDS200 (0x0c)`);
  const version = reader.u16be('firmware version');
  const bandCode = reader.u8('frequency band');
  const band = LMDS200_BANDS[bandCode];
  if (!band) undecodable(`LMDS200 device status: unknown frequency band code ${bandCode}`);
  const subBand = reader.u8('sub-band');
  const batteryV = reader.u16be('battery') / 1000;
  return {
    frame: 'version',
    fields: fields({ batteryV }),
    // Dragino prints the version word's hex digits as a decimal number: 0x0110 -> 110.
    vendor: { SENSOR_MODEL: 'LMDS200', Ver: Number(version.toString(16)), FREQUENCY_BAND: band, Sub_band: subBand, BAT: batteryV },
  };
}

function lddsDecoder(model: string, name: string, aliases: string[], mounting: LddsMounting): DeviceDecoder {
  return { model, vendor: 'Dragino', name, aliases, decode: (fPort, bytes) => decodeLdds(fPort, bytes, mounting) };
}

/** Dragino ultrasonic, LiDAR and radar distance sensors. */
export const DRAGINO_DECODERS: readonly DeviceDecoder[] = [
  lddsDecoder('dragino-ldds75', 'LDDS75 ultrasonic distance sensor', ['dragino/ldds75', 'ldds75'], 'top'),
  lddsDecoder('dragino-ldds45', 'LDDS45 ultrasonic distance sensor (LDDS75 format)', ['dragino/ldds45', 'ldds45'], 'top'),
  // The LDDS20 sits under the container and measures the height of the contents.
  lddsDecoder('dragino-ldds20', 'LDDS20 ultrasonic liquid level sensor (LDDS75 format)', ['dragino/ldds20', 'ldds20'], 'bottom'),
  { model: 'dragino-ldds04', vendor: 'Dragino', name: 'LDDS04 four-probe ultrasonic distance sensor', aliases: ['dragino/ldds04', 'ldds04'], decode: decodeLdds04 },
  { model: 'dragino-llds12', vendor: 'Dragino', name: 'LLDS12 LiDAR ToF distance sensor', aliases: ['dragino/llds12', 'llds12'], decode: decodeLlds12 },
  { model: 'dragino-lmds200', vendor: 'Dragino', name: 'LMDS200 microwave radar distance sensor', aliases: ['dragino/lmds200', 'lmds200'], decode: decodeLmds200 },
];


import { Quantity } from '../types';
import { decoded, rejected } from '../spec-helpers';

/** A DingTek frame around a body: head, forced bit, device type, data type, length ... tail. */
function frame(dataType: number, body: number[]): Uint8Array {
  return Uint8Array.from([0x80, 0x00, 0x01, dataType, body.length + 6, ...body, 0x81]);
}

// level 800 mm | no GPS | 30 degC | angle sign negative, 45 degrees | full+fire | tilt | counter 5 | reserved
const heartbeat = [0x03, 0x20, 0x00, 0x1e, 0x01, 0x2d, 0x11, 0x10, 0x00, 0x05, 0x00];
// firmware 2.1 | 12 h | 5 min | 40 cm | 70 degC | 35 degrees | tilt on | range code | work mode 1 | reserved
const parameters = (rangeCode: number, reserved: number) => [0x02, 0x01, 12, 5, 40, 70, 35, 1, rangeCode, 1, ...Array<number>(reserved).fill(0)];

describe('DINGTEK_DECODERS', () => {
  it('reads a DF702 heartbeat: distance, temperature, signed tilt angle and alarm nibbles', () => {
    const sut = decoded('df702', 3, frame(1, heartbeat));
    expect(sut.frame).toBe('measurement');
    expect(sut.fields).toEqual({ distanceMm: 800, temperatureC: 30, tiltDeg: 45, alarms: ['full', 'fire', 'tilt'] });
    expect(sut.vendor).toEqual({
      level: new Quantity(800, 'mm'),
      full: true,
      fire: true,
      tilt: true,
      battery: false,
      angle: new Quantity(-45, '°'),
      temperature: new Quantity(30, '°C'),
    });
  });

  it('reads the GPS variant of the heartbeat (eight more bytes) the same way', () => {
    const withGps = [...heartbeat.slice(0, 3), 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, ...heartbeat.slice(3)];
    const sut = decoded('dingtek/df703', 3, frame(2, withGps));
    expect(sut.fields.distanceMm).toBe(800);
    expect(sut.vendor).toMatchObject({ level: 800, longitude: '1.000000', latitude: '2.000000', frameCounter: 5 });
  });

  it('turns a parameter report into configuration only, without a distance', () => {
    const sut = decoded('df702', 3, frame(3, parameters(1, 9)));
    expect(sut).toEqual({
      frame: 'config',
      fields: {},
      vendor: {
        periodic_interval: new Quantity(12, 'h'),
        detection_interval: new Quantity(5, 'min'),
        full_alarm_threshold: new Quantity(40, 'cm'),
        fire_alarm_threshold: new Quantity(70, '°C'),
        tilt_alarm_threshold: new Quantity(35, '°'),
        tilt_enable: true,
        ultrasonic_range: new Quantity(5000, 'mm'),
      },
    });
  });

  it('rejects an ultrasonic range code the protocol does not define', () => {
    expect(rejected('df702', 3, frame(3, parameters(2, 9)))).toBe('dingtek-df702: dingtek-df702 uplink: unknown ultrasonic range code 2');
  });

  it('rejects broken framing: wrong port, head, tail, length field, data type', () => {
    const good = frame(1, heartbeat);
    expect(rejected('df702', 2, good)).toContain('unknown FPort 2');
    expect(rejected('df702', 3, Uint8Array.from([0x7f, ...good.slice(1)]))).toContain('frame head is 0x7f');
    expect(rejected('df702', 3, Uint8Array.from([...good.slice(0, -1), 0x00]))).toContain('frame tail is 0x0');
    const lying = good.slice();
    lying[4] = 20;
    expect(rejected('df702', 3, lying)).toContain('length field says 20 bytes, frame has 17');
    expect(rejected('df702', 3, frame(7, heartbeat))).toContain('unknown data type 7');
    expect(rejected('df702', 3, frame(1, heartbeat.slice(0, 9)))).toContain('wrong length 15 bytes for a level report');
  });

  it('reads the DF530 level as the height of the liquid and raises "empty"', () => {
    const sut = decoded('df530', 3, frame(2, [0x00, 0x64, 0x00, 0x14, 0x00, 0x00, 0x10, 0x01, 0x00, 0x02, 0x00]));
    expect(sut.fields).toEqual({ levelMm: 100, temperatureC: 20, alarms: ['empty', 'low_battery'] });
    expect(decoded('df530', 3, frame(3, parameters(0, 9))).vendor).toMatchObject({ periodic_upload_interval: new Quantity(12, 'min') });
    expect(decoded('df530', 3, frame(3, [0x01, 0x00, 65, 0, 30, ...Array<number>(14).fill(0)])).vendor).toMatchObject({
      periodic_upload_interval: new Quantity(5, 'h'),
      empty_alarm_threshold: new Quantity(30, 'cm'),
    });
  });

  it('names the DC410 alarm "motion" (a manhole cover moved) and keeps the angle as tilt', () => {
    const sut = decoded('dc410', 3, frame(1, [0x06, 0xa4, 0x00, 0x16, 0x00, 0x05, 0x00, 0x10, 0x00, 0x01, 0x00]));
    expect(sut.fields).toEqual({ distanceMm: 1700, temperatureC: 22, tiltDeg: 5, alarms: ['motion'] });
  });

  it('expects the DF555 parameter report at 17 bytes', () => {
    expect(decoded('df555', 3, frame(3, parameters(0, 1))).vendor).toEqual({ firmware: '2.1', uploadInterval: 12, detectInterval: 5, levelThreshold: 40, workMode: 1 });
    expect(rejected('df555', 3, frame(3, parameters(0, 9)))).toContain('wrong length 25 bytes for a parameter report, expected 17');
  });

  it('reads the dispensers: remaining % as fill, and rejects a level above 100 %', () => {
    // 5.00 V | battery ok | 21 degC | 40 % | level alarm | counter 2 | reserved
    const df200 = decoded('df200', 3, frame(1, [0x01, 0xf4, 0x00, 0x15, 0x28, 0x01, 0x00, 0x02, 0x00]));
    expect(df200.fields).toEqual({ fillPct: 40, temperatureC: 21, batteryV: 5, alarms: ['low_level'] });
    expect(rejected('df200', 3, frame(1, [0x01, 0xf4, 0x00, 0x15, 0x78, 0x00, 0x00, 0x02, 0x00]))).toContain('level 120% is above 100');
    const df400 = decoded('df400', 3, frame(1, [0x01, 0xf4, 0x01, 0x15, 0x00, 0x46, 0x0a, 0x00, 0x00, 0x02, 0x00]));
    expect(df400.fields).toEqual({ fillPct: 10, temperatureC: 21, batteryV: 5, alarms: ['low_battery'] });
  });
});

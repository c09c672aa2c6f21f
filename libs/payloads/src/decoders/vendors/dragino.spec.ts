import { Quantity } from '../types';
import { decoded, hex, rejected } from '../spec-helpers';

describe('DRAGINO_DECODERS', () => {
  it('reads an LDDS75 v1.1.4 frame: battery, distance, probe temperature', () => {
    // 3.300 V with the interrupt bit set | 1500 mm | no interrupt | -5.5 degC | sensor present
    const sut = decoded('ldds75', 2, hex('8ce4 05dc 00 ffc9 01'));
    expect(sut.fields).toEqual({ batteryV: 3.3, distanceMm: 1500, temperatureC: -5.5 });
    expect(sut.vendor).toEqual({ Bat: 3.3, Distance: new Quantity(1500, 'mm'), Interrupt_flag: 0, Sensor_flag: 1, TempC_DS18B20: '-5.50' });
  });

  it('gives no distance when the sensor flag says no probe is connected', () => {
    expect(decoded('ldds75', 2, hex('0ce4 0000 00 0000 00')).fields).toEqual({ batteryV: 3.3, alarms: ['no_sensor'] });
  });

  it('reports the LDDS20 reading as the height of the liquid', () => {
    expect(decoded('dragino/ldds20', 2, hex('0ce4 0320 00 0000 01')).fields).toEqual({ batteryV: 3.3, levelMm: 800 });
  });

  it('reads the frames of firmware before v1.1.4', () => {
    expect(decoded('ldds45', 2, hex('0ce4 05dc 01')).fields).toEqual({ batteryV: 3.3, distanceMm: 1500 });
    const invalid = decoded('ldds45', 2, hex('0ce4 000a 00'));
    expect(invalid.fields).toEqual({ batteryV: 3.3, alarms: ['sensor_error'] });
    expect(invalid.vendor.Distance).toBe('Invalid Reading');
    expect(decoded('ldds45', 2, hex('0ce4 05dc'))).toEqual({ frame: 'status', fields: { batteryV: 3.3, alarms: ['no_sensor'] }, vendor: { distance: 'No Sensor' } });
  });

  it('rejects other ports and lengths', () => {
    expect(rejected('ldds75', 3, hex('0ce4 05dc 00 0000 01'))).toBe('dragino-ldds75: LDDS uplink: unknown FPort 3, expected 2');
    expect(rejected('ldds75', 2, hex('0ce4 05dc 00 00'))).toContain('wrong length 6 bytes');
  });

  it('takes the shortest non-zero LDDS04 probe distance as the level distance', () => {
    const sut = decoded('ldds04', 2, hex('8d4a 0316 0000 02a0 031a 01'));
    expect(sut.fields).toEqual({ batteryV: 3.402, distanceMm: 672 });
    expect(sut.vendor).toMatchObject({ EXTI_Trigger: 'TRUE', distance1_cm: 79, distance2_cm: 0, distance3_cm: 67.2 });
    expect(rejected('ldds04', 2, hex('8d4a 0316 0000 02a0 031a 02'))).toContain('message type 2 is not a measurement');
  });

  it('drops an LLDS12 distance whose signal strength the manual calls unreliable', () => {
    expect(decoded('llds12', 2, hex('0d5c 0000 0b18 01b1 00 1e 01')).fields).toEqual({ batteryV: 3.42, distanceMm: 2840, temperatureC: 30 });
    expect(decoded('llds12', 2, hex('0d5c 00fa 0b18 003c 00 1e 01')).fields).toEqual({ batteryV: 3.42, temperatureC: 25, alarms: ['sensor_error'] });
  });

  it('reads the LMDS200 nearest target in cm, its configuration and its status frame', () => {
    const sut = decoded('lmds200', 2, hex('0b88 0096 01f4 06'));
    expect(sut.fields).toEqual({ batteryV: 2.952, distanceMm: 1500, alarms: ['distance_threshold'] });
    expect(sut.vendor).toEqual({ Bat: 2.952, dis1: 150, dis2: 500, DALARM_count: 1, Distance_alarm: 1, Interrupt_alarm: 0 });
    expect(decoded('lmds200', 4, hex('000e10 05 0064 0bb8 00'))).toEqual({
      frame: 'config',
      fields: {},
      vendor: { TDC: 3600, ATDC: 5, Alarm_min: 100, Alarm_max: 3000, Interrupt: 0 },
    });
    expect(decoded('lmds200', 5, hex('0c 0110 01 00 0b88')).vendor).toEqual({ SENSOR_MODEL: 'LMDS200', Ver: 110, FREQUENCY_BAND: 'EU868', Sub_band: 0, BAT: 2.952 });
    expect(rejected('lmds200', 5, hex('0d 0110 01 00 0b88'))).toContain('sensor model 0xd is not an LMDS200');
    expect(rejected('lmds200', 5, hex('0c 0110 20 00 0b88'))).toContain('unknown frequency band code 32');
  });
});

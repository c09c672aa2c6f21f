import { decoded, hex, rejected } from '../spec-helpers';

describe('MILESIGHT_DECODERS', () => {
  it('reads an EM400 report: battery %, signed temperature, distance and position', () => {
    const sut = decoded('em400-udl', 85, hex('017550 0367f6ff 0482e803 050000'));
    expect(sut).toEqual({
      frame: 'measurement',
      fields: { batteryPct: 80, temperatureC: -1, distanceMm: 1000 },
      vendor: { battery: 80, temperature: -1, distance: 1000, position: 'normal' },
    });
  });

  it('raises "tilt" when the EM310 says it is tilted, keeping the vendor key name', () => {
    const sut = decoded('milesight-iot/em310-udl', 85, hex('01755c 0382d007 040001'));
    expect(sut.fields).toEqual({ batteryPct: 92, distanceMm: 2000, alarms: ['tilt'] });
    expect(sut.vendor).toEqual({ battery: 92, distance: 2000, tilt: 'tilt' });
  });

  it('keeps no distance when the device reports no target or a sensor fault', () => {
    expect(decoded('em410-rdl', 85, hex('0482fdff')).fields).toEqual({ alarms: ['no_target'] });
    expect(decoded('em410-rdl', 85, hex('0482ffff')).fields).toEqual({ alarms: ['sensor_error'] });
    expect(rejected('em410-rdl', 85, hex('04820080'))).toContain('distance 0x8000 is negative');
  });

  it('reads the threshold alarm channels', () => {
    const sut = decoded('em400-tld', 85, hex('8482e80301 83671801 00'));
    expect(sut.fields).toEqual({ distanceMm: 1000, temperatureC: 28, alarms: ['distance_threshold'] });
    expect(sut.vendor).toMatchObject({ distance_alarm: 'threshold alarm', temperature_alarm: 'threshold alarm release' });
  });

  it('turns a device information frame into a version frame without reading fields', () => {
    const sut = decoded('em400-mud', 85, hex('ff0bff ff0101 ff166136c40091605408 ff090140 ff0a0114 ff0f00'));
    expect(sut.frame).toBe('version');
    expect(sut.fields).toEqual({});
    expect(sut.vendor).toEqual({
      device_status: 'on',
      ipso_version: 'v0.1',
      sn: '6136c40091605408',
      hardware_version: 'v1.4',
      firmware_version: 'v1.14',
      lorawan_class: 'Class A',
    });
  });

  it('reads the WS201 remaining amount as fill %', () => {
    expect(decoded('ws201', 85, hex('017564 03823e00 04d645')).fields).toEqual({ batteryPct: 100, distanceMm: 62, fillPct: 69 });
  });

  it('rejects unknown channels, cut-off values, impossible values and other ports', () => {
    expect(rejected('em310-udl', 85, hex('01755c 0999 00'))).toBe('milesight-em310-udl: milesight-em310-udl uplink: unknown channel 09 99 at byte 3');
    expect(rejected('em310-udl', 85, hex('01755c 0382d0'))).toBe('milesight-em310-udl: payload ends at byte 6, distance needs 2 byte(s) from byte 5');
    expect(rejected('em310-udl', 85, hex('017580'))).toContain('battery 128% is above 100');
    expect(rejected('em310-udl', 85, hex('040002'))).toContain('unknown position code 2');
    expect(rejected('em310-udl', 1, hex('01755c'))).toContain('unknown FPort 1');
  });
});

describe('fields', () => {
  it('names each alarm once even when two channels raise it', () => {
    const sut = decoded('em400-udl', 85, hex('8482e80301 8482d00701'));
    expect(sut.fields).toEqual({ distanceMm: 2000, alarms: ['distance_threshold'] });
  });
});

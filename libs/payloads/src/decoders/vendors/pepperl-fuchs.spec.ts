import { decoded, hex, rejected } from '../spec-helpers';

describe('PEPPERL_FUCHS_DECODERS', () => {
  it('reads proximity in mm, filling level, temperature and battery', () => {
    // 1024 mm | 50 % | 21.5 degC (IEEE float) | 3.4 V
    const bytes = hex('04 0b02 0400  03 0b06 32  06 0201 41ac0000  03 5101 22');
    const sut = decoded('wilsen-sonic-level', 1, bytes);
    expect(sut.fields).toEqual({ distanceMm: 1024, fillPct: 50, temperatureC: 21.5, batteryV: 3.4 });
    expect(sut.vendor).toEqual({ payload: '040B020400' + '030B0632' + '06020141AC0000' + '03510122', proxx_mm: 1024, fillinglvl: 50, temp: 21.5, battery_vol: 3.4 });
  });

  it('converts the older proximity in cm to mm', () => {
    expect(decoded('pepperl-fuchs/wilsen-sonic-distance', 1, hex('04 0b01 0031')).fields).toEqual({ distanceMm: 490 });
  });

  it('reads a counters frame as status without a distance', () => {
    const sut = decoded('wilsen-sonic-level', 1, hex('04 3101 02c0  04 3102 0000  06 3103 00000173'));
    expect(sut.frame).toBe('status');
    expect(sut.fields).toEqual({});
    expect(sut.vendor).toMatchObject({ lora_count: 704, gps_count: 0, us_sensor_count: 371 });
  });

  it('rejects unknown ids, entries whose length disagrees with the id, and a level above 100 %', () => {
    expect(rejected('wilsen-sonic-level', 1, hex('03 f101 01'))).toContain('unknown sensor id F101 at byte 0');
    expect(rejected('wilsen-sonic-level', 1, hex('03 0b02 04'))).toContain('entry 0B02 at byte 0 has length 3, expected 4');
    expect(rejected('wilsen-sonic-level', 1, hex('04 0b02 04'))).toContain('payload ends at byte 4');
    expect(rejected('wilsen-sonic-level', 1, hex('03 0b06 65'))).toContain('filling level 101% is above 100');
  });
});

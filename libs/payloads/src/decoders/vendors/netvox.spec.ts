import { decoded, hex, rejected } from '../spec-helpers';

describe('NETVOX_DECODERS', () => {
  it('reads an R718X status report with the low-battery bit', () => {
    // version 1 | R718X | status | 3.6 V low | on | 1500 mm | -10.0 degC | 25 % | 5 degrees
    const sut = decoded('r718x', 6, hex('01 34 01 a4 01 05dc ff9c 19 05'));
    expect(sut.fields).toEqual({ batteryV: 3.6, distanceMm: 1500, temperatureC: -10, fillPct: 25, tiltDeg: 5, alarms: ['low_battery'] });
    expect(sut.vendor).toEqual({ Device: 'R718X', Volt: '3.6(low battery)', Status: 'ON', Distance: 1500, Temp: -10, FillLevel: 25, AngleOfInclination: 5 });
  });

  it('reads an R718PE report under either model id of the shared codec', () => {
    const bytes = hex('01 b1 01 24 00 0320 3c 000000');
    expect(decoded('r718pe', 6, bytes).fields).toEqual({ batteryV: 3.6, distanceMm: 800, fillPct: 60 });
    expect(decoded('r718x', 6, bytes).vendor).toMatchObject({ Device: 'R718PE', Status: 'OFF' });
  });

  it('withholds the R718PA22 liquid height when the install failed', () => {
    expect(decoded('r718pa22', 6, hex('01 9b 01 24 09c4 0014 00 0000')).fields).toEqual({ batteryV: 3.6, levelMm: 2500, temperatureC: 20 });
    expect(decoded('r718pa22', 6, hex('01 9b 01 24 09c4 fffb 01 0000')).fields).toEqual({ batteryV: 3.6, temperatureC: -5, alarms: ['install_failure'] });
  });

  it('reads version reports and configuration responses without reading fields', () => {
    expect(decoded('r718pe', 6, hex('01 b1 00 64 04 20200811 0000'))).toEqual({
      frame: 'version',
      fields: {},
      vendor: { Device: 'R718PE', SWver: 10, HWver: 4, Datecode: '20200811' },
    });
    expect(decoded('r718pa22', 7, hex('84 9b 02 0000000000000000'))).toEqual({
      frame: 'command_response',
      fields: {},
      vendor: { Cmd: 'GetMeasureTypeRsp', Device: 'R718PA22', MeasureType: 'Gasoline' },
    });
  });

  it('rejects another device type, unknown reports and commands, impossible fill and other ports', () => {
    expect(rejected('r718x', 6, hex('01 9b 01 24 09c4 0014 00 0000'))).toContain('device type 0x9b is not one this model sends (R718X, R718PE)');
    expect(rejected('r718x', 6, hex('01 34 07 24 01 05dc 0064 19 05'))).toContain('unknown R718X report type 0x7');
    expect(rejected('r718x', 7, hex('99 34 000000000000000000'))).toContain('unknown R718X command response 0x99');
    expect(rejected('r718x', 6, hex('01 34 01 24 01 05dc 0064 65 05'))).toContain('fill level 101% is above 100');
    expect(rejected('r718x', 6, hex('02 34 01 24 01 05dc 0064 19 05'))).toContain('command version 2, expected 1');
    expect(rejected('r718x', 8, hex('01 34 01 24 01 05dc 0064 19 05'))).toContain('unknown FPort 8');
    expect(rejected('r718pa22', 7, hex('84 9b 07 0000000000000000'))).toContain('unknown measure type 7');
  });
});

import { decoded, hex, rejected } from '../spec-helpers';

describe('ELSYS_DECODERS', () => {
  it('reads temperature, supply voltage and distance', () => {
    const sut = decoded('elt-ultrasonic', 5, hex('01 ff9c  07 0e10  0e 05dc  03 00 3f 01'));
    expect(sut.fields).toEqual({ distanceMm: 1500, temperatureC: -10, batteryV: 3.6 });
    expect(sut.vendor).toEqual({ temperature: -10, vdd: 3600, distance: 1500, x: 0, y: 63, z: 1 });
  });

  it('reads a frame without distance as status', () => {
    expect(decoded('elsys/elt-ultrasonic', 5, hex('01 00c8 02 29'))).toEqual({ frame: 'status', fields: { temperatureC: 20 }, vendor: { temperature: 20, humidity: 41 } });
  });

  it('rejects unknown types and cut-off values', () => {
    expect(rejected('elt-ultrasonic', 5, hex('01 00c8 40 00'))).toContain('unknown type 0x40 at byte 3');
    expect(rejected('elt-ultrasonic', 5, hex('0e 05'))).toContain('payload ends at byte 2, distance needs 2 byte(s)');
  });
});

import { decoded, hex, rejected } from '../spec-helpers';
import { sflt16 } from './noah';

describe(sflt16.name, () => {
  it('decodes sign, exponent and a mantissa with its leading bit sent', () => {
    expect(sflt16(0x7c00)).toBe(0.5);
    expect(sflt16(0xfc00)).toBe(-0.5);
    expect(sflt16(0x0000)).toBe(0);
    expect(Object.is(sflt16(0x8000), -0)).toBe(true);
  });
});

describe('NOAH_DECODERS', () => {
  it('reads temperature and fill level, both scaled by 100', () => {
    // 0.25 -> 25 degC | raw voltage 0x3304 | 0.5 -> 50 %
    const sut = decoded('noah/trashbin-sensor', 1, hex('007a 0433 007c'));
    expect(sut).toEqual({ frame: 'measurement', fields: { fillPct: 50, temperatureC: 25 }, vendor: { temp: 25, voltage: 13060, level: 50 } });
  });

  it('rejects a negative fill level and a wrong length', () => {
    expect(rejected('trashbin-sensor', 1, hex('007a 0433 00fc'))).toContain('fill level -50% is negative');
    expect(rejected('trashbin-sensor', 1, hex('007a 0433'))).toContain('wrong length 4 bytes, expected 6');
  });
});

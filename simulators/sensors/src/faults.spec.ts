import { parseFault } from './faults';

describe(parseFault.name, () => {
  it('reads a kind with its default and with a value', () => {
    expect(parseFault('stuck')).toEqual({ kind: 'stuck' });
    expect(parseFault('spikes')).toEqual({ kind: 'spikes', probability: 0.3 });
    expect(parseFault('clock_skew=-7200')).toEqual({ kind: 'clock_skew', skewS: -7200 });
    expect(parseFault('fire=95')).toEqual({ kind: 'fire', temperatureC: 95 });
  });

  it('refuses unknown kinds, values that are not numbers and values where none is taken', () => {
    expect(() => parseFault('flood')).toThrow(/unknown fault/);
    expect(() => parseFault('fire=hot')).toThrow(/not a number/);
    expect(() => parseFault('silence=3')).toThrow(/no value/);
    expect(() => parseFault('spikes=2')).toThrow(/0\.\.1/);
  });
});

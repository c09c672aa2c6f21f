import { checkExample, compareVendorOutput, exampleDeviceIds, parseQuantityText } from './conformance';
import { Quantity } from './types';

describe(parseQuantityText.name, () => {
  it('reads value and unit into base units', () => {
    expect(parseQuantityText('2000 mm')).toEqual({ value: 2000, dimension: 'length' });
    expect(parseQuantityText('30 cm')).toEqual({ value: 300, dimension: 'length' });
    expect(parseQuantityText('25 ℃')).toEqual({ value: 25, dimension: 'temperature' });
    expect(parseQuantityText('24 hours')).toEqual({ value: 86400, dimension: 'time' });
    expect(parseQuantityText('-3 °')).toEqual({ value: -3, dimension: 'angle' });
    expect(parseQuantityText('0.00')).toEqual({ value: 0 });
  });

  it('leaves text that is not a number with a known unit alone', () => {
    expect(parseQuantityText('ON')).toBeNull();
    expect(parseQuantityText('3.6(low battery)')).toBeNull();
    expect(parseQuantityText('12 parsecs')).toBeNull();
  });
});

describe(compareVendorOutput.name, () => {
  it('matches equal values after unit normalisation', () => {
    const sut = compareVendorOutput(
      { level: '2000 mm', threshold: '30 cm', temperature: '25 ℃', interval: '24 hours', longitude: '116.507430', probe: '0.00', full: false },
      { level: new Quantity(2000, 'mm'), threshold: new Quantity(300, 'mm'), temperature: new Quantity(25, '°C'), interval: new Quantity(24, 'h'), longitude: 116.50743, probe: 0, full: false },
    );
    expect(sut).toEqual([]);
  });

  it('reports a different value, a different unit kind and a unit where a bare number is expected', () => {
    expect(compareVendorOutput({ level: '2000 mm' }, { level: new Quantity(2001, 'mm') })).toEqual(['$.level: expected "2000 mm", got 2001 mm']);
    expect(compareVendorOutput({ level: '2000 mm' }, { level: new Quantity(2000, '°C') })).toEqual(['$.level: expected "2000 mm", got 2000 °C (different unit kind)']);
    expect(compareVendorOutput({ level: 2000 }, { level: new Quantity(2000, 'mm') })).toHaveLength(1);
    expect(compareVendorOutput({ level: '2000 mm' }, { level: 2000 })).toHaveLength(1);
  });

  it('requires exactly the expected keys: none missing, none extra', () => {
    expect(compareVendorOutput({ a: 1, b: 2 }, { a: 1 })).toEqual(['$.b: expected 2, got nothing']);
    expect(compareVendorOutput({ a: 1 }, { a: 1, c: 3 })).toEqual(['$.c: not expected, got 3']);
  });

  it('compares strings without a unit exactly, booleans strictly and nested objects deeply', () => {
    expect(compareVendorOutput('ON', 'On')).toHaveLength(1);
    expect(compareVendorOutput(false, 0)).toHaveLength(1);
    expect(compareVendorOutput({ v: { unit: 'V', value: 2.749 } }, { v: { unit: 'V', value: 2.749 } })).toEqual([]);
    expect(compareVendorOutput({ v: { unit: 'V', value: 2.749 } }, { v: { unit: 'mV', value: 2.749 } })).toHaveLength(1);
    expect(compareVendorOutput([1, 2], [1, 2, 3])).toHaveLength(1);
  });

  it('tolerates only floating-point noise in numbers', () => {
    expect(compareVendorOutput(231.3, 2313 * 0.1)).toEqual([]);
    expect(compareVendorOutput(231.3, 231.31)).toHaveLength(1);
  });
});

describe(checkExample.name, () => {
  const example = {
    id: 'made-up#0',
    vendor: 'dragino',
    device: 'ldds75',
    codec: 'ldds75-114-codec',
    description: 'hand-made',
    fPort: 2,
    bytesHex: '0c8004b000000001',
    expected: { Bat: 3.2, Distance: '1200 mm', Interrupt_flag: 0, Sensor_flag: 1, TempC_DS18B20: '0.00' },
  };

  it('matches a decoder output that reproduces every expected value', () => {
    expect(checkExample(example)).toMatchObject({ matched: true, model: 'dragino-ldds75', problems: [] });
  });

  it('fails on a single wrong value', () => {
    const sut = checkExample({ ...example, expected: { ...example.expected, Distance: '1201 mm' } });
    expect(sut.matched).toBe(false);
    expect(sut.problems).toEqual(['$.Distance: expected "1201 mm", got 1200 mm']);
  });

  it('expects a rejection that names the port when the vendor expects "unknown FPort"', () => {
    const sut = checkExample({ ...example, fPort: 42, expected: null, expectedErrors: ['unknown FPort'] });
    expect(sut.matched).toBe(true);
    const decoded = checkExample({ ...example, expected: null, expectedErrors: ['unknown FPort'] });
    expect(decoded.matched).toBe(false);
  });

  it('does not match a device without a decoder', () => {
    expect(checkExample({ ...example, vendor: 'acme', device: 'x' }).matched).toBe(false);
  });

  it('runs an example under its own device and every device sharing its codec', () => {
    expect(exampleDeviceIds({ ...example, device: 'r718x', vendor: 'netvox', codecUsedBy: ['r718x', 'r718pe'] })).toEqual(['netvox/r718x', 'netvox/r718pe']);
  });
});

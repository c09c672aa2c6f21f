import { readBasemapFile, writeBasemapFile } from './basemap-file';
import type { BasemapFeature } from './types';

describe(writeBasemapFile.name, () => {
  it('writes a file that reads back to the same features (coordinates to 1e-6 degree) and attribution', () => {
    const features: BasemapFeature[] = [
      { layer: 'street', kind: 'residential', name: 'Haarlemmerdijk', parts: [[4.8861234, 52.3812345, 4.887, 52.382]] },
      { layer: 'water', kind: 'canal', name: null, parts: [[4.9, 52.37, 4.901, 52.37, 4.901, 52.371, 4.9, 52.37], [4.9002, 52.3702, 4.9004, 52.3702, 4.9004, 52.3704, 4.9002, 52.3702]] },
    ];
    const text = writeBasemapFile({ features, attribution: '© OpenStreetMap contributors' }, 'ODbL-1.0');
    const sut = readBasemapFile(text, 'test');
    expect(sut.attribution).toBe('© OpenStreetMap contributors');
    expect(sut.features.map((f) => [f.layer, f.kind, f.name])).toEqual(features.map((f) => [f.layer, f.kind, f.name]));
    sut.features.forEach((f, i) => f.parts.forEach((part, p) => part.forEach((v, k) => expect(Math.abs(v - features[i]!.parts[p]![k]!)).toBeLessThanOrEqual(0.6e-6))));
  });

  it('refuses a file of another format, and a broken feature by its number', () => {
    expect(() => readBasemapFile('{"format":"geojson"}', 'x.json')).toThrow(/x.json: not a vulgraad-basemap\/1 file/);
    expect(() => readBasemapFile('{"format":"vulgraad-basemap/1","attribution":"","features":[["river","x",null,[]]]}', 'x.json')).toThrow(/feature 0/);
  });
});

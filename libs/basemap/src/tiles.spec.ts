import { BasemapTiles, bandFor, TILE_EXTENT, worldPx } from './tiles';
import type { BasemapFeature } from './types';

/** The tile of zoom z holding a position. */
function tileOf(lng: number, lat: number, z: number): [number, number] {
  const [x, y] = worldPx(lng, lat);
  return [Math.floor((x * 2 ** z) / 256), Math.floor((y * 2 ** z) / 256)];
}

describe(BasemapTiles.name, () => {
  const features: BasemapFeature[] = [
    { layer: 'street', kind: 'primary', name: 'Rozengracht', parts: [[4.880, 52.3735, 4.886, 52.3738]] },
    { layer: 'street', kind: 'footway', name: 'Pad', parts: [[4.881, 52.374, 4.8815, 52.3742]] },
    { layer: 'building', kind: 'yes', name: null, parts: [[4.882, 52.3736, 4.8822, 52.3736, 4.8822, 52.3737, 4.882, 52.3736]] },
    { layer: 'water', kind: 'canal', name: null, parts: [[4.87, 52.37, 4.89, 52.37, 4.89, 52.38, 4.87, 52.37]] },
  ];
  const sut = new BasemapTiles(features);
  const decode = (text: string | null): Array<[number, string, string | null, number, number[][]]> => (JSON.parse(text as string) as { features: Array<[number, string, string | null, number, number[][]]> }).features;

  it('cuts tiles per band: main streets and water from afar, then every street, buildings and names close up', () => {
    const farthest = decode(sut.tile(10, ...tileOf(4.883, 52.3737, 10)));
    expect(farthest.map((f) => f[1]).sort()).toEqual(['canal', 'primary']);
    const far = decode(sut.tile(12, ...tileOf(4.883, 52.3737, 12)));
    expect(far.map((f) => f[1]).sort()).toEqual(['canal', 'primary']);
    expect(far.every((f) => f[2] === null)).toBe(true);
    const near = decode(sut.tile(16, ...tileOf(4.882, 52.3737, 16)));
    expect(near.map((f) => f[1])).toEqual(expect.arrayContaining(['primary', 'yes', 'canal']));
    expect(near.find((f) => f[1] === 'primary')?.[2]).toBe('Rozengracht');
  });

  it('puts a feature in tile units relative to the tile, and gives it the same id in every tile', () => {
    const [x, y] = tileOf(4.880, 52.3735, 16);
    const tile = decode(sut.tile(16, x, y));
    const street = tile.find((f) => f[1] === 'primary')!;
    const [wx, wy] = worldPx(4.880, 52.3735);
    expect(street[4][0]![0]).toBe(Math.round((wx * 2 ** 16 - x * 256) * (TILE_EXTENT / 256)));
    expect(street[4][0]![1]).toBe(Math.round((wy * 2 ** 16 - y * 256) * (TILE_EXTENT / 256)));
    const [x2, y2] = tileOf(4.886, 52.3738, 16);
    expect([x2, y2]).not.toEqual([x, y]);
    expect(decode(sut.tile(16, x2, y2)).find((f) => f[1] === 'primary')?.[3]).toBe(street[3]);
  });

  it('answers null for a zoom that is not a band or a tile off the map', () => {
    expect(sut.tile(13, 0, 0)).toBeNull();
    expect(sut.tile(16, -1, 0)).toBeNull();
    expect(sut.tile(12, 4096, 0)).toBeNull();
    expect(sut.tile(9, 0, 0)).toBeNull();
    expect(sut.bounds).toEqual([4.87, 52.37, 4.89, 52.38]);
  });

  it('chooses the band by zoom', () => {
    expect([10, 11.4, 11.5, 13.4, 13.5, 15.4, 15.5, 19].map(bandFor)).toEqual([10, 10, 12, 12, 14, 14, 16, 16]);
  });
});

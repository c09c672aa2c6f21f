import type { OsmElements } from '@vulgraad/distances';
import { featuresFromOsm, multipolygonRings } from './from-osm';

/** A small extract: a named street, a footway, a canal line, a building, a park, and a water multipolygon with a hole made of three ways. */
function extract(): OsmElements {
  const nodes = new Map<number, readonly [number, number]>();
  const grid = (id: number, x: number, y: number): void => void nodes.set(id, [4.9 + x * 0.001, 52.37 + y * 0.001]);
  grid(1, 0, 0); grid(2, 1, 0); grid(3, 2, 0);
  grid(10, 0, 1); grid(11, 0.2, 1); grid(12, 0.2, 1.2); grid(13, 0, 1.2);
  grid(20, 3, 0); grid(21, 4, 0); grid(22, 4, 1); grid(23, 3, 1);
  grid(30, 0, 3); grid(31, 3, 3); grid(32, 3, 6); grid(33, 0, 6);
  grid(40, 1, 4); grid(41, 2, 4); grid(42, 2, 5); grid(43, 1, 5);
  return {
    nodes,
    ways: [
      { id: 100, refs: [1, 2, 3], tags: { highway: 'residential', name: 'Prinsengracht' } },
      { id: 101, refs: [1, 10], tags: { highway: 'footway' } },
      { id: 102, refs: [2, 3, 999], tags: { waterway: 'canal', name: 'Singel' } },
      { id: 103, refs: [10, 11, 12, 13, 10], tags: { building: 'apartments' } },
      { id: 104, refs: [20, 21, 22, 23, 20], tags: { leisure: 'park', name: 'Wertheimpark' } },
      { id: 105, refs: [10, 11], tags: { highway: 'elevator' } },
      // The outer ring in two pieces, the second one drawn the other way round.
      { id: 110, refs: [30, 31, 32], tags: {} },
      { id: 111, refs: [30, 33, 32], tags: {} },
      { id: 112, refs: [40, 41, 42, 43, 40], tags: {} },
    ],
    relations: [
      { id: 200, tags: { type: 'multipolygon', natural: 'water', water: 'canal' }, members: [{ type: 'way', ref: 110, role: 'outer' }, { type: 'way', ref: 111, role: 'outer' }, { type: 'way', ref: 112, role: 'inner' }] },
      { id: 201, tags: { type: 'route', route: 'bus' }, members: [{ type: 'way', ref: 100, role: '' }] },
    ],
  };
}

describe(featuresFromOsm.name, () => {
  it('sorts an extract into streets with names, waterways, buildings, parks and water, and leaves out what a map does not draw', () => {
    const osm = extract();
    const nodes = osm.nodes;
    const sut = featuresFromOsm(osm);
    const summary = sut.map((f) => [f.layer, f.kind, f.name]).sort();
    expect(summary).toEqual(
      [
        ['building', 'apartments', null],
        ['park', 'park', 'Wertheimpark'],
        ['street', 'footway', null],
        ['street', 'residential', 'Prinsengracht'],
        ['water', 'canal', null],
        ['waterway', 'canal', 'Singel'],
      ].sort(),
    );
    const canal = sut.find((f) => f.layer === 'waterway');
    // Node 999 is not in the extract: the part that is there stays.
    expect(canal?.parts).toEqual([[nodes.get(2)![0], 52.37, nodes.get(3)![0], 52.37]]);
    const water = sut.find((f) => f.layer === 'water');
    expect(water?.parts).toHaveLength(2);
    expect(water?.parts.every((ring) => ring[0] === ring[ring.length - 2] && ring[1] === ring[ring.length - 1])).toBe(true);
  });
});

describe(multipolygonRings.name, () => {
  it('joins member ways end to end into closed rings, turning pieces round where needed', () => {
    const { relations, ways } = extract();
    const sut = multipolygonRings(relations[0]!, new Map(ways.map((w) => [w.id, w])));
    expect(sut).toEqual([[30, 31, 32, 33, 30], [40, 41, 42, 43, 40]]);
  });

  it('closes a ring the extract cut straight across', () => {
    const ways = new Map([[1, { id: 1, refs: [1, 2, 3], tags: {} }]]);
    const sut = multipolygonRings({ id: 9, tags: { type: 'multipolygon' }, members: [{ type: 'way', ref: 1, role: 'outer' }] }, ways);
    expect(sut).toEqual([[1, 2, 3, 1]]);
  });
});

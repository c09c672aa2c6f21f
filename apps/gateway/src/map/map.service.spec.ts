import { RoadGraphBuilder } from '@vulgraad/distances';
import { roadGraphToGeoJson } from './map.service';

describe(roadGraphToGeoJson.name, () => {
  it('draws every road piece once, grouped by road class, with its bends', () => {
    const builder = new RoadGraphBuilder('test');
    const a = builder.addNode(4.9, 52.37);
    const b = builder.addNode(4.901, 52.37);
    const c = builder.addNode(4.901, 52.371);
    builder.addEdge({ from: a, to: b, highway: 'primary', maxspeedKmh: null, direction: 'both' });
    builder.addEdge({ from: b, to: c, via: [4.9012, 52.3705], highway: 'residential', maxspeedKmh: null, direction: 'both' });
    builder.addEdge({ from: c, to: a, highway: 'residential', maxspeedKmh: null, direction: 'forward' });
    const sut = roadGraphToGeoJson(builder.build({ keepLargestComponent: false }));
    const byClass = Object.fromEntries(sut.features.map((f) => [f.properties.highway, f.geometry.coordinates]));
    expect(Object.keys(byClass).sort()).toEqual(['primary', 'residential']);
    expect(byClass.primary).toEqual([[[4.9, 52.37], [4.901, 52.37]]]);
    expect(byClass.residential).toContainEqual([[4.901, 52.37], [4.9012, 52.3705], [4.901, 52.371]]);
    expect(byClass.residential).toHaveLength(2);
  });
});

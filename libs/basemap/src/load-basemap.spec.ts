import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeBasemapFile } from './basemap-file';
import { loadBasemap, OSM_ATTRIBUTION } from './load-basemap';

describe(loadBasemap.name, () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'basemap-load-'));
    writeFileSync(path.join(folder, 'drive_edges.csv'), 'u,v,highway,name,geometry_wkt\n1,2,primary,Stadhouderskade,"LINESTRING(4.88 52.36,4.89 52.36)"\n');
    writeFileSync(
      path.join(folder, 'city.osm.gz'),
      gzipSync('<osm version="0.6"><node id="1" lon="4.9" lat="52.37"/><node id="2" lon="4.901" lat="52.37"/><node id="3" lon="4.901" lat="52.371"/><way id="5"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="1"/><tag k="natural" v="water"/></way></osm>'),
    );
    writeFileSync(path.join(folder, 'own.json'), writeBasemapFile({ features: [{ layer: 'park', kind: 'park', name: 'Vondelpark', parts: [[4.86, 52.358, 4.87, 52.358, 4.87, 52.36, 4.86, 52.358]] }], attribution: `${OSM_ATTRIBUTION} · Parks: a city survey` }, 'ODbL-1.0'));
    writeFileSync(path.join(folder, 'roads.geojson'), '{}');
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('puts a city road graph, an OSM extract and a base map file together, with each attribution once', async () => {
    const sut = await loadBasemap([folder, path.join(folder, 'city.osm.gz'), path.join(folder, 'own.json')]);
    expect(sut.features.map((f) => [f.layer, f.name])).toEqual([['street', 'Stadhouderskade'], ['water', null], ['park', 'Vondelpark']]);
    expect(sut.attribution).toBe(`${OSM_ATTRIBUTION} · Parks: a city survey`);
  });

  it('names a source it cannot read', async () => {
    await expect(loadBasemap([path.join(folder, 'roads.geojson')])).rejects.toThrow(/roads.geojson: expected a vulgraad-basemap\/1 .json file/);
    await expect(loadBasemap([path.join(folder, 'missing.osm.pbf')])).rejects.toThrow(/missing.osm.pbf: no such file/);
  });
});

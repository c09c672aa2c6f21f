import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readOsmElements } from './osm-elements';
import { writeOsmPbf } from './osm-pbf.writer';
import type { OsmRelation, OsmWay } from './osm-ways';

const nodes = [
  { id: 1, lng: 4.9, lat: 52.37 },
  { id: 2, lng: 4.901, lat: 52.37 },
  { id: 3, lng: 4.901, lat: 52.371 },
];
const ways: OsmWay[] = [
  { id: 10, refs: [1, 2], tags: { highway: 'footway', name: 'Pad' } },
  { id: 11, refs: [1, 2, 3, 1], tags: { building: 'yes' } },
];
const relations: OsmRelation[] = [{ id: 20, tags: { type: 'multipolygon', natural: 'water' }, members: [{ type: 'way', ref: 11, role: 'outer' }, { type: 'node', ref: 3, role: 'label' }] }];

const xml = `<?xml version="1.0"?>
<osm version="0.6">
${nodes.map((n) => `  <node id="${n.id}" lon="${n.lng}" lat="${n.lat}"/>`).join('\n')}
  <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/><tag k="name" v="Pad"/></way>
  <way id="11"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="1"/><tag k="building" v="yes"/></way>
  <relation id="20"><member type="way" ref="11" role="outer"/><member type="node" ref="3" role="label"/><tag k="type" v="multipolygon"/><tag k="natural" v="water"/></relation>
</osm>
`;

describe(readOsmElements.name, () => {
  let folder: string;
  beforeAll(() => (folder = mkdtempSync(path.join(tmpdir(), 'osm-elements-'))));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it.each([
    ['extract.osm', (): Uint8Array => Buffer.from(xml)],
    ['extract.osm.gz', (): Uint8Array => gzipSync(xml)],
    ['extract.osm.pbf', (): Uint8Array => writeOsmPbf(nodes, ways, { relations })],
  ])('reads every node, way and relation of %s, tags and member roles included', (name, bytes) => {
    const file = path.join(folder, name);
    writeFileSync(file, bytes());
    return readOsmElements(file).then((sut) => {
      expect([...sut.nodes.keys()].sort()).toEqual([1, 2, 3]);
      expect(sut.nodes.get(3)![0]).toBeCloseTo(4.901, 6);
      expect(sut.ways).toEqual(ways);
      expect(sut.relations).toEqual(relations);
    });
  });

  it('refuses a file that is not OSM data', async () => {
    const file = path.join(folder, 'not.osm');
    writeFileSync(file, '<gpx></gpx>');
    await expect(readOsmElements(file)).rejects.toThrow(/not an OSM XML document/);
  });
});

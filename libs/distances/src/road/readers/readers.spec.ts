import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { tinyNetwork, tinyNetworkXml } from '../../testing/tiny-network';
import { DistanceError } from '../../types';
import { loadRoadGraph } from '../load-road-graph';
import { RoadGraphBuilder, type RoadGraph } from '../road-graph';
import { parseMaxspeed } from '../speeds';
import { readGraphml } from './graphml.reader';
import { readOsmPbf } from './osm-pbf.reader';
import { writeOsmPbf } from './osm-pbf.writer';
import { readOsmXml } from './osm-xml.reader';
import { ProtoWriter } from './protobuf';
import { parseCsv } from './text';

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'vulgraad-readers-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A comparable summary of a graph: edges as sorted "fromLng,fromLat>toLng,toLat:fwd/bwd seconds" strings. */
function signature(graph: RoadGraph): string[] {
  const key = (v: number): string => `${graph.nodeLng[v].toFixed(6)},${graph.nodeLat[v].toFixed(6)}`;
  const out: string[] = [];
  for (let e = 0; e < graph.edgeCount; e++) {
    out.push(`${key(graph.edgeFrom[e])}>${key(graph.edgeTo[e])}:${graph.edgeForwardS[e].toFixed(3)}/${graph.edgeBackwardS[e].toFixed(3)}:${graph.geomStart[e + 1] - graph.geomStart[e]}`);
  }
  return out.sort();
}

function fromXml(): RoadGraph {
  const builder = new RoadGraphBuilder('xml');
  readOsmXml(tinyNetworkXml(), builder, 'xml');
  return builder.build();
}

describe(readOsmPbf.name, () => {
  it('reads a PBF written from the known network into the same graph as the XML', () => {
    const { nodes, ways } = tinyNetwork();
    for (const compress of [true, false]) {
      const builder = new RoadGraphBuilder('pbf');
      const result = readOsmPbf(writeOsmPbf(nodes, ways, { compress }), builder, 'pbf');
      expect(result.ways).toBe(8);
      expect(signature(builder.build())).toEqual(signature(fromXml()));
    }
  });

  it('handles a non-default granularity and node ids past 2^32', () => {
    const { nodes, ways } = tinyNetwork();
    const shift = 2 ** 33;
    const bigNodes = nodes.map((n) => ({ ...n, id: n.id + shift }));
    const bigWays = ways.map((w) => ({ ...w, refs: w.refs.map((r) => r + shift) }));
    const builder = new RoadGraphBuilder('pbf');
    readOsmPbf(writeOsmPbf(bigNodes, bigWays, { granularity: 10 }), builder, 'pbf');
    expect(signature(builder.build())).toEqual(signature(fromXml()));
  });

  it('rejects truncated files, unknown compressions and unsupported required features with a graph_format error', () => {
    const { nodes, ways } = tinyNetwork();
    const file = writeOsmPbf(nodes, ways);
    expect(() => readOsmPbf(file.subarray(0, file.length - 10), new RoadGraphBuilder('x'), 'cut.pbf')).toThrow(DistanceError);
    const lzmaBlob = new ProtoWriter().bytes(4, Uint8Array.from([1, 2, 3])).finish();
    const header = new ProtoWriter().string(1, 'OSMHeader').uint(3, lzmaBlob.length).finish();
    const length = Buffer.alloc(4);
    length.writeUInt32BE(header.length);
    expect(() => readOsmPbf(Buffer.concat([length, header, lzmaBlob]), new RoadGraphBuilder('x'), 'lzma.pbf')).toThrow(/lzma is not supported/);
    const featureHeader = new ProtoWriter().string(4, 'OsmSchema-V0.6').string(4, 'LocationsOnWays').finish();
    const rawBlob = new ProtoWriter().bytes(1, featureHeader).finish();
    const blobHeader = new ProtoWriter().string(1, 'OSMHeader').uint(3, rawBlob.length).finish();
    length.writeUInt32BE(blobHeader.length);
    expect(() => readOsmPbf(Buffer.concat([length, blobHeader, rawBlob]), new RoadGraphBuilder('x'), 'f.pbf')).toThrow(/LocationsOnWays/);
  });
});

describe(readOsmXml.name, () => {
  it('splits ways at junctions, keeps bends as geometry and honours oneway and drivability', () => {
    const graph = fromXml();
    // 3 streets of 3 pieces + 4 columns of 2 pieces; the dead-end service road is cut off with its node.
    expect(graph.edgeCount).toBe(17);
    const oneWay = [...graph.edgeBackwardS].filter((s) => s < 0).length;
    expect(oneWay).toBe(3);
  });

  it('rejects a document that is not OSM', () => {
    expect(() => readOsmXml('<gpx></gpx>', new RoadGraphBuilder('x'), 'x.osm')).toThrow(/not an OSM XML document/);
  });
});

describe(readGraphml.name, () => {
  const graphml = (edges: string): string => `<?xml version='1.0' encoding='utf-8'?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><key id="d4" for="node" attr.name="y" attr.type="string"/>
<key id="d5" for="node" attr.name="x" attr.type="string"/><key id="d10" for="edge" attr.name="oneway" attr.type="string"/>
<key id="d13" for="edge" attr.name="highway" attr.type="string"/><key id="d14" for="edge" attr.name="maxspeed" attr.type="string"/>
<key id="d15" for="edge" attr.name="length" attr.type="string"/><key id="d16" for="edge" attr.name="geometry" attr.type="string"/>
<graph edgedefault="directed"><data key="d0">t</data>
<node id="1"><data key="d4">52.0</data><data key="d5">4.35</data></node>
<node id="2"><data key="d4">52.0</data><data key="d5">4.351</data></node>
<node id="3"><data key="d4">52.001</data><data key="d5">4.351</data></node>
${edges}
</graph></graphml>`;

  it('merges the two directions of a two-way street and keeps one-way edges one way', () => {
    const builder = new RoadGraphBuilder('g');
    readGraphml(
      graphml(`<edge source="1" target="2" id="0"><data key="d10">False</data><data key="d13">residential</data><data key="d15">68.5</data></edge>
<edge source="2" target="1" id="0"><data key="d10">False</data><data key="d13">residential</data><data key="d15">68.5</data></edge>
<edge source="2" target="3" id="0"><data key="d10">True</data><data key="d13">['tertiary', 'residential']</data><data key="d14">['30', '50']</data><data key="d15">111.2</data></edge>
<edge source="3" target="1" id="0"><data key="d10">False</data><data key="d13">footway</data><data key="d15">130</data></edge>
<edge source="3" target="1" id="1"><data key="d10">False</data><data key="d13">living_street</data><data key="d15">140</data>
<data key="d16">LINESTRING (4.35 52.0, 4.3505 52.0009, 4.351 52.001)</data></edge>`),
      builder,
      'g',
    );
    const graph = builder.build();
    expect(graph.edgeCount).toBe(3);
    const twoWay = [...graph.edgeForwardS].map((f, e) => f >= 0 && graph.edgeBackwardS[e] >= 0);
    expect(twoWay.filter(Boolean)).toHaveLength(1);
    // The tertiary one-way takes the lower of the listed limits: 111.2 m at 30 x 0.8 km/h.
    const tertiary = graph.edgeHighway.indexOf('tertiary');
    expect(graph.edgeForwardS[tertiary]).toBeCloseTo(111.2 / ((30 * 0.8) / 3.6), 6);
    expect(graph.edgeBackwardS[tertiary]).toBe(-1);
    // The living street's geometry was stored from node 1 to 3: it is turned to run 3 -> 1.
    const living = graph.edgeHighway.indexOf('living_street');
    const start = graph.geomStart[living];
    expect(graph.geomCoords[2 * start + 1]).toBeCloseTo(52.001, 6);
    expect(graph.geomCoords[2 * (start + 1)]).toBeCloseTo(4.3505, 6);
  });
});

describe(loadRoadGraph.name, () => {
  it('reads gzipped OSM XML, PBF and a CSV folder by their names', async () => {
    const { nodes, ways } = tinyNetwork();
    writeFileSync(path.join(folder, 'tiny.osm.gz'), gzipSync(tinyNetworkXml()));
    writeFileSync(path.join(folder, 'tiny.osm.pbf'), writeOsmPbf(nodes, ways));
    const xml = await loadRoadGraph(path.join(folder, 'tiny.osm.gz'));
    const pbf = await loadRoadGraph(path.join(folder, 'tiny.osm.pbf'));
    expect(signature(pbf)).toEqual(signature(xml));

    const csv = path.join(folder, 'csv');
    mkdirSync(csv);
    writeFileSync(path.join(csv, 'drive_nodes.csv'), 'node_id,lon,lat,rd_x,rd_y\n0,4.9,52.37,1,1\n1,4.901,52.37,1,1\n2,4.901,52.371,1,1\n');
    writeFileSync(
      path.join(csv, 'drive_edges.csv'),
      'edge_id,u,v,length_m,osm_way_id,highway,oneway,maxspeed,name,geometry_wkt\n' +
        '0,0,1,68.2,1,unclassified,0,,"Kade, Oost","LINESTRING(4.9 52.37,4.901 52.37)"\n' +
        '1,1,2,111.3,2,tertiary,1,50,,"LINESTRING(4.901 52.37,4.901 52.371)"\n' +
        '2,2,0,140,3,tertiary,0,,,"LINESTRING(4.901 52.371,4.9005 52.3707,4.9 52.37)"\n' +
        '3,2,0,150,4,cycleway,0,,,\n',
    );
    const fromCsv = await loadRoadGraph(csv);
    expect(fromCsv.edgeCount).toBe(3);
    expect(fromCsv.edgeLengthM[1]).toBe(111.3);
    expect(fromCsv.edgeBackwardS[1]).toBe(-1);
    expect(fromCsv.geomStart[3] - fromCsv.geomStart[2]).toBe(3);
  });

  it('names the unreadable rows of a CSV graph instead of skipping them', async () => {
    const csv = path.join(folder, 'bad');
    mkdirSync(csv);
    writeFileSync(path.join(csv, 'nodes.csv'), 'node_id,lon,lat\n0,4.9,52.37\n1,4.901,abc\n');
    writeFileSync(path.join(csv, 'edges.csv'), 'edge_id,u,v,length_m,highway\n0,0,7,10,residential\n');
    await expect(loadRoadGraph(csv)).rejects.toThrow(/2 unreadable rows \(nodes.csv line 3: bad coordinates; edges.csv line 2: unknown node 7\)/);
  });

  it('refuses unknown formats and missing files', async () => {
    await expect(loadRoadGraph(path.join(folder, 'nothing.osm'))).rejects.toThrow(/no such file/);
    writeFileSync(path.join(folder, 'roads.shp'), 'x');
    await expect(loadRoadGraph(path.join(folder, 'roads.shp'))).rejects.toThrow(/unknown road graph format/);
  });
});

describe(parseMaxspeed.name, () => {
  it.each([
    ['50', 50],
    ['30 mph', 30 * 1.609344],
    ['NL:urban', 50],
    ['50;30', 30],
    ["['30', '50']", 30],
    ['none', null],
    ['', null],
    [undefined, null],
    ['fast', null],
  ])('reads %p as %p km/h', (raw, expected) => {
    const sut = parseMaxspeed(raw);
    if (expected === null) expect(sut).toBeNull();
    else expect(sut).toBeCloseTo(expected, 6);
  });
});

describe(parseCsv.name, () => {
  it('handles quotes, doubled quotes, commas and line breaks inside fields, and CRLF', () => {
    const rows: string[][] = [];
    parseCsv('a,b\r\n"x, ""y""","line\nbreak"\r\n', (fields) => rows.push(fields));
    expect(rows).toEqual([
      ['a', 'b'],
      ['x, "y"', 'line\nbreak'],
    ]);
    expect(() => parseCsv('"open', () => undefined)).toThrow(/unterminated/);
  });
});

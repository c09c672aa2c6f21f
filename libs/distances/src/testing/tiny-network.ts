import type { OsmWay } from '../road/readers/osm-ways';

/**
 * A small known street network for the specs, laid out on a grid of about
 * 100 m near Amsterdam (lng 4.90 + 0.0015 x col, lat 52.37 + 0.0009 x row):
 *
 *   row 2:  20 - 21 - 22 - 23      residential, two-way
 *            |    |    |    |
 *   row 1:  10 > 11 > 12 > 13      one-way eastbound (oneway=yes), maxspeed 50
 *            |    |    |    |
 *   row 0:  00 - 01 - 02 - 03      residential, two-way
 *
 * Columns are two-way tertiary streets. Node 99 hangs off 03 on a one-way
 * service road going out to a dead end (a trap: reachable, no way back), and
 * 98 - 97 is a footway (not drivable).
 */
export const TINY_ORIGIN = { lng: 4.9, lat: 52.37 };
export const TINY_STEP = { lng: 0.0015, lat: 0.0009 };

export function tinyNetwork(): { nodes: Array<{ id: number; lng: number; lat: number }>; ways: OsmWay[] } {
  const nodes: Array<{ id: number; lng: number; lat: number }> = [];
  const id = (row: number, col: number): number => 1000 + row * 10 + col;
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 4; col++) nodes.push({ id: id(row, col), lng: TINY_ORIGIN.lng + TINY_STEP.lng * col, lat: TINY_ORIGIN.lat + TINY_STEP.lat * row });
  }
  nodes.push({ id: 1099, lng: TINY_ORIGIN.lng + TINY_STEP.lng * 4, lat: TINY_ORIGIN.lat - TINY_STEP.lat });
  nodes.push({ id: 1098, lng: TINY_ORIGIN.lng - TINY_STEP.lng, lat: TINY_ORIGIN.lat });
  nodes.push({ id: 1097, lng: TINY_ORIGIN.lng - TINY_STEP.lng, lat: TINY_ORIGIN.lat + TINY_STEP.lat });
  const ways: OsmWay[] = [
    { id: 1, refs: [id(0, 0), id(0, 1), id(0, 2), id(0, 3)], tags: { highway: 'residential', name: 'South Street' } },
    { id: 2, refs: [id(1, 0), id(1, 1), id(1, 2), id(1, 3)], tags: { highway: 'residential', oneway: 'yes', maxspeed: '50', name: 'Middle Street' } },
    { id: 3, refs: [id(2, 0), id(2, 1), id(2, 2), id(2, 3)], tags: { highway: 'residential', name: 'North Street' } },
    ...[0, 1, 2, 3].map((col) => ({ id: 10 + col, refs: [id(0, col), id(1, col), id(2, col)], tags: { highway: 'tertiary' } })),
    { id: 20, refs: [id(0, 3), 1099], tags: { highway: 'service', oneway: 'yes' } },
    { id: 21, refs: [1098, 1097], tags: { highway: 'footway' } },
  ];
  return { nodes, ways };
}

/** The same network as OSM XML. */
export function tinyNetworkXml(): string {
  const { nodes, ways } = tinyNetwork();
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="spec">', '  <!-- a test network -->'];
  for (const n of nodes) lines.push(`  <node id="${n.id}" lat="${n.lat}" lon="${n.lng}" version="1"/>`);
  for (const w of ways) {
    lines.push(`  <way id="${w.id}">`);
    for (const ref of w.refs) lines.push(`    <nd ref="${ref}"/>`);
    for (const [k, v] of Object.entries(w.tags)) lines.push(`    <tag k="${k}" v="${v.replace(/&/g, '&amp;')}"/>`);
    lines.push('  </way>');
  }
  lines.push('  <relation id="5"><member type="way" ref="1" role=""/><tag k="type" v="route"/></relation>', '</osm>');
  return lines.join('\n');
}

import { deflateSync } from 'node:zlib';
import { ProtoWriter } from './protobuf';
import type { OsmRelation, OsmWay } from './osm-ways';

/**
 * Writes nodes and ways as an `.osm.pbf` file (zlib blobs, dense nodes,
 * delta-coded way refs). It exists so the reader can be tested on a network
 * whose every road is known; it writes no metadata.
 */
export function writeOsmPbf(
  nodes: ReadonlyArray<{ id: number; lng: number; lat: number }>,
  ways: readonly OsmWay[],
  options: { granularity?: number; compress?: boolean; relations?: readonly OsmRelation[] } = {},
): Uint8Array {
  const granularity = options.granularity ?? 100;
  const compress = options.compress ?? true;
  const header = new ProtoWriter().string(4, 'OsmSchema-V0.6').string(4, 'DenseNodes').string(16, 'vulgraad-test').finish();

  const strings = [''];
  const stringIndex = new Map<string, number>([['', 0]]);
  const intern = (s: string): number => {
    let k = stringIndex.get(s);
    if (k === undefined) {
      k = strings.length;
      strings.push(s);
      stringIndex.set(s, k);
    }
    return k;
  };
  const delta = (values: number[]): number[] => values.map((v, k) => (k === 0 ? v : v - values[k - 1]));
  const toUnits = (degrees: number): number => Math.round((degrees * 1e9) / granularity);

  const dense = new ProtoWriter()
    .packed(1, delta(nodes.map((n) => n.id)), true)
    .packed(8, delta(nodes.map((n) => toUnits(n.lat))), true)
    .packed(9, delta(nodes.map((n) => toUnits(n.lng))), true)
    .finish();
  const nodeGroup = new ProtoWriter().bytes(2, dense).finish();
  const wayGroup = new ProtoWriter();
  for (const way of ways) {
    const keys = Object.keys(way.tags);
    const message = new ProtoWriter()
      .uint(1, way.id)
      .packed(2, keys.map(intern), false)
      .packed(3, keys.map((k) => intern(way.tags[k])), false)
      .packed(8, delta([...way.refs]), true)
      .finish();
    wayGroup.bytes(3, message);
  }
  const wayGroupBytes = wayGroup.finish();
  const relationGroup = new ProtoWriter();
  for (const relation of options.relations ?? []) {
    const keys = Object.keys(relation.tags);
    const message = new ProtoWriter()
      .uint(1, relation.id)
      .packed(2, keys.map(intern), false)
      .packed(3, keys.map((k) => intern(relation.tags[k])), false)
      .packed(8, relation.members.map((m) => intern(m.role)), false)
      .packed(9, delta(relation.members.map((m) => m.ref)), true)
      .packed(10, relation.members.map((m) => ['node', 'way', 'relation'].indexOf(m.type)), false)
      .finish();
    relationGroup.bytes(4, message);
  }
  const relationGroupBytes = relationGroup.finish();
  const table = new ProtoWriter();
  for (const s of strings) table.string(1, s);
  const block = new ProtoWriter().bytes(1, table.finish()).bytes(2, nodeGroup).bytes(2, wayGroupBytes);
  if ((options.relations ?? []).length > 0) block.bytes(2, relationGroupBytes);
  if (granularity !== 100) block.uint(17, granularity);

  return Buffer.concat([fileBlock('OSMHeader', header, compress), fileBlock('OSMData', block.finish(), compress)]);
}

function fileBlock(type: string, payload: Uint8Array, compress: boolean): Buffer {
  const blob = compress ? new ProtoWriter().bytes(3, deflateSync(payload)).uint(2, payload.length).finish() : new ProtoWriter().bytes(1, payload).finish();
  const header = new ProtoWriter().string(1, type).uint(3, blob.length).finish();
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([length, header, blob]);
}

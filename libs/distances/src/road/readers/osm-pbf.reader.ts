import { inflateSync } from 'node:zlib';
import { DistanceError } from '../../types';
import { RoadGraphBuilder } from '../road-graph';
import { drivableDirection, addOsmWays, type OsmRelation, type OsmWay } from './osm-ways';
import { ProtoReader } from './protobuf';

const SUPPORTED_FEATURES = new Set(['OsmSchema-V0.6', 'DenseNodes', 'HistoricalInformation', 'Sort.Type_then_ID']);
const MAX_HEADER_BYTES = 64 * 1024;
const MAX_BLOB_BYTES = 32 * 1024 * 1024;

/** One decoded file block: its type and its (decompressed) payload. */
interface FileBlock {
  type: string;
  data: Uint8Array;
}

/**
 * Reads an `.osm.pbf` file (the OSM binary format: length-prefixed
 * BlobHeader/Blob pairs, zlib or raw blobs, PrimitiveBlocks with string
 * tables, dense or plain nodes, and ways). Two passes: the first keeps the
 * drivable ways and notes which nodes they use, the second reads only those
 * nodes' positions, so a regional extract does not hold every node in memory.
 */
export function readOsmPbf(file: Uint8Array, builder: RoadGraphBuilder, source: string): { missingNodes: number; ways: number } {
  const blocks = [...fileBlocks(file, source)];
  const header = blocks.find((b) => b.type === 'OSMHeader');
  if (!header) throw new DistanceError('graph_format', `${source}: no OSMHeader block`);
  checkHeader(header.data, source);

  const ways: OsmWay[] = [];
  for (const block of blocks) if (block.type === 'OSMData') readPrimitiveBlock(block.data, { way: (w) => (drivableDirection(w.tags) ? ways.push(w) : undefined) });
  const needed = new Set<number>();
  for (const way of ways) for (const ref of way.refs) needed.add(ref);
  const nodes = new Map<number, readonly [number, number]>();
  for (const block of blocks) {
    if (block.type === 'OSMData') readPrimitiveBlock(block.data, { node: (id, lng, lat) => (needed.has(id) ? nodes.set(id, [lng, lat]) : undefined) });
  }
  return addOsmWays(builder, ways, nodes);
}

function* fileBlocks(file: Uint8Array, source: string): Generator<FileBlock> {
  let pos = 0;
  while (pos < file.length) {
    if (pos + 4 > file.length) throw new DistanceError('graph_format', `${source}: truncated block length at byte ${pos}`);
    const headerLength = ((file[pos] << 24) >>> 0) + (file[pos + 1] << 16) + (file[pos + 2] << 8) + file[pos + 3];
    pos += 4;
    if (headerLength > MAX_HEADER_BYTES || pos + headerLength > file.length) throw new DistanceError('graph_format', `${source}: bad BlobHeader length ${headerLength} at byte ${pos - 4}`);
    const header = new ProtoReader(file, pos, pos + headerLength);
    let type = '';
    let dataSize = -1;
    while (!header.done) {
      const [field, wire] = header.key();
      if (field === 1 && wire === 2) type = header.string();
      else if (field === 3 && wire === 0) dataSize = header.varint();
      else header.skip(wire);
    }
    pos += headerLength;
    if (dataSize < 0 || dataSize > MAX_BLOB_BYTES || pos + dataSize > file.length) throw new DistanceError('graph_format', `${source}: bad blob size ${dataSize}`);
    yield { type, data: decodeBlob(file, pos, pos + dataSize, source) };
    pos += dataSize;
  }
}

function decodeBlob(file: Uint8Array, start: number, end: number, source: string): Uint8Array {
  const blob = new ProtoReader(file, start, end);
  while (!blob.done) {
    const [field, wire] = blob.key();
    if (field === 1 && wire === 2) {
      const [s, e] = blob.bytes();
      return file.subarray(s, e);
    }
    if (field === 3 && wire === 2) {
      const [s, e] = blob.bytes();
      try {
        return inflateSync(file.subarray(s, e));
      } catch (error) {
        throw new DistanceError('graph_format', `${source}: corrupt zlib blob (${(error as Error).message})`);
      }
    }
    if (field >= 4 && field <= 7 && wire === 2) throw new DistanceError('graph_format', `${source}: blob compression ${field === 4 ? 'lzma' : field === 6 ? 'lz4' : field === 7 ? 'zstd' : 'bzip2'} is not supported; re-encode with zlib`);
    blob.skip(wire);
  }
  throw new DistanceError('graph_format', `${source}: blob without data`);
}

function checkHeader(data: Uint8Array, source: string): void {
  const reader = new ProtoReader(data);
  while (!reader.done) {
    const [field, wire] = reader.key();
    if (field === 4 && wire === 2) {
      const feature = reader.string();
      if (!SUPPORTED_FEATURES.has(feature)) throw new DistanceError('graph_format', `${source}: required feature "${feature}" is not supported`);
    } else reader.skip(wire);
  }
}

interface PrimitiveVisitor {
  node?(id: number, lng: number, lat: number): void;
  way?(way: OsmWay): void;
  relation?(relation: OsmRelation): void;
}

/** Member types of a PBF relation, by their enum value. */
const MEMBER_TYPES: ReadonlyArray<OsmRelation['members'][number]['type']> = ['node', 'way', 'relation'];

/**
 * Every node, way and relation of an `.osm.pbf` file, for readers that need
 * more than the drivable ways (a base map: water, parks, buildings).
 */
export function scanOsmPbf(file: Uint8Array, source: string, visit: PrimitiveVisitor): void {
  const blocks = [...fileBlocks(file, source)];
  const header = blocks.find((b) => b.type === 'OSMHeader');
  if (!header) throw new DistanceError('graph_format', `${source}: no OSMHeader block`);
  checkHeader(header.data, source);
  for (const block of blocks) if (block.type === 'OSMData') readPrimitiveBlock(block.data, visit);
}

/** Walks one PrimitiveBlock, calling the visitor for nodes and ways. */
function readPrimitiveBlock(data: Uint8Array, visit: PrimitiveVisitor): void {
  const block = new ProtoReader(data);
  const strings: string[] = [];
  const groups: Array<[number, number]> = [];
  let granularity = 100;
  let latOffset = 0;
  let lonOffset = 0;
  while (!block.done) {
    const [field, wire] = block.key();
    if (field === 1 && wire === 2) {
      const [s, e] = block.bytes();
      const table = new ProtoReader(data, s, e);
      while (!table.done) {
        const [f, w] = table.key();
        if (f === 1 && w === 2) strings.push(table.string());
        else table.skip(w);
      }
    } else if (field === 2 && wire === 2) groups.push(block.bytes());
    else if (field === 17 && wire === 0) granularity = block.varint();
    else if (field === 19 && wire === 0) latOffset = signed64(block.varint());
    else if (field === 20 && wire === 0) lonOffset = signed64(block.varint());
    else block.skip(wire);
  }
  const coord = (offset: number, value: number): number => (offset + granularity * value) * 1e-9;

  for (const [gs, ge] of groups) {
    const group = new ProtoReader(data, gs, ge);
    while (!group.done) {
      const [field, wire] = group.key();
      if (field === 1 && wire === 2 && visit.node) {
        const [s, e] = group.bytes();
        const node = new ProtoReader(data, s, e);
        let id = 0;
        let lat = 0;
        let lon = 0;
        while (!node.done) {
          const [f, w] = node.key();
          if (f === 1 && w === 0) id = node.svarint();
          else if (f === 8 && w === 0) lat = node.svarint();
          else if (f === 9 && w === 0) lon = node.svarint();
          else node.skip(w);
        }
        visit.node(id, coord(lonOffset, lon), coord(latOffset, lat));
      } else if (field === 2 && wire === 2 && visit.node) {
        const [s, e] = group.bytes();
        const dense = new ProtoReader(data, s, e);
        const ids: number[] = [];
        const lats: number[] = [];
        const lons: number[] = [];
        while (!dense.done) {
          const [f, w] = dense.key();
          if (f === 1) dense.packed(w, ids, true);
          else if (f === 8) dense.packed(w, lats, true);
          else if (f === 9) dense.packed(w, lons, true);
          else dense.skip(w);
        }
        let id = 0;
        let lat = 0;
        let lon = 0;
        for (let k = 0; k < ids.length; k++) {
          id += ids[k];
          lat += lats[k] ?? 0;
          lon += lons[k] ?? 0;
          visit.node(id, coord(lonOffset, lon), coord(latOffset, lat));
        }
      } else if (field === 3 && wire === 2 && visit.way) {
        const [s, e] = group.bytes();
        const way = new ProtoReader(data, s, e);
        let id = 0;
        const keys: number[] = [];
        const vals: number[] = [];
        const deltas: number[] = [];
        while (!way.done) {
          const [f, w] = way.key();
          if (f === 1 && w === 0) id = way.varint();
          else if (f === 2) way.packed(w, keys, false);
          else if (f === 3) way.packed(w, vals, false);
          else if (f === 8) way.packed(w, deltas, true);
          else way.skip(w);
        }
        const tags: Record<string, string> = {};
        for (let k = 0; k < keys.length; k++) tags[strings[keys[k]] ?? ''] = strings[vals[k]] ?? '';
        const refs: number[] = new Array<number>(deltas.length);
        let ref = 0;
        for (let k = 0; k < deltas.length; k++) refs[k] = ref += deltas[k];
        visit.way({ id, refs, tags });
      } else if (field === 4 && wire === 2 && visit.relation) {
        const [s, e] = group.bytes();
        const relation = new ProtoReader(data, s, e);
        let id = 0;
        const keys: number[] = [];
        const vals: number[] = [];
        const roles: number[] = [];
        const memids: number[] = [];
        const types: number[] = [];
        while (!relation.done) {
          const [f, w] = relation.key();
          if (f === 1 && w === 0) id = relation.varint();
          else if (f === 2) relation.packed(w, keys, false);
          else if (f === 3) relation.packed(w, vals, false);
          else if (f === 8) relation.packed(w, roles, false);
          else if (f === 9) relation.packed(w, memids, true);
          else if (f === 10) relation.packed(w, types, false);
          else relation.skip(w);
        }
        const tags: Record<string, string> = {};
        for (let k = 0; k < keys.length; k++) tags[strings[keys[k]] ?? ''] = strings[vals[k]] ?? '';
        const members: Array<OsmRelation['members'][number]> = [];
        let ref = 0;
        for (let k = 0; k < memids.length; k++) {
          ref += memids[k];
          members.push({ type: MEMBER_TYPES[types[k] ?? 0] ?? 'node', ref, role: strings[roles[k] ?? 0] ?? '' });
        }
        visit.relation({ id, tags, members });
      } else group.skip(wire);
    }
  }
}

/** An int64 field read as an unsigned varint: values past 2^63 are negative numbers. */
function signed64(value: number): number {
  return value >= 2 ** 63 ? value - 2 ** 64 : value;
}

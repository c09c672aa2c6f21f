import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { DistanceError } from '../../types';
import { scanOsmPbf } from './osm-pbf.reader';
import type { OsmRelation, OsmWay } from './osm-ways';
import { scanXml } from './xml';

/** Everything an OSM file holds that a map needs: node positions, ways and relations with their tags. */
export interface OsmElements {
  nodes: Map<number, readonly [number, number]>;
  ways: OsmWay[];
  relations: OsmRelation[];
}

/**
 * Reads every node, way and relation of an OSM file (`.osm`, `.osm.gz`,
 * `.xml` or `.osm.pbf`). Unlike the road graph readers it keeps every way,
 * not only drivable ones, so it holds a whole extract in memory: meant for a
 * city or a part of one.
 */
export async function readOsmElements(filePath: string): Promise<OsmElements> {
  let bytes: Buffer = await readFile(filePath).catch((error: unknown) => {
    throw new DistanceError('graph_format', `${filePath}: cannot be read (${error instanceof Error ? error.message : String(error)})`);
  });
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const elements: OsmElements = { nodes: new Map(), ways: [], relations: [] };
  if (filePath.toLowerCase().endsWith('.pbf')) {
    scanOsmPbf(bytes, filePath, {
      node: (id, lng, lat) => void elements.nodes.set(id, [lng, lat]),
      way: (way) => void elements.ways.push(way),
      relation: (relation) => void elements.relations.push(relation),
    });
    return elements;
  }
  let sawOsm = false;
  let tags: Record<string, string> | null = null;
  let way: { id: number; refs: number[]; tags: Record<string, string> } | null = null;
  let relation: { id: number; tags: Record<string, string>; members: Array<OsmRelation['members'][number]> } | null = null;
  scanXml(bytes.toString('utf8'), {
    open(name, a) {
      if (name === 'osm') sawOsm = true;
      else if (name === 'node') {
        const lng = Number(a.lon);
        const lat = Number(a.lat);
        if (a.id !== undefined && Number.isFinite(lng) && Number.isFinite(lat)) elements.nodes.set(Number(a.id), [lng, lat]);
      } else if (name === 'way') {
        way = { id: Number(a.id), refs: [], tags: {} };
        tags = way.tags;
      } else if (name === 'relation') {
        relation = { id: Number(a.id), tags: {}, members: [] };
        tags = relation.tags;
      } else if (name === 'nd' && way && a.ref !== undefined) way.refs.push(Number(a.ref));
      else if (name === 'member' && relation && a.ref !== undefined && (a.type === 'node' || a.type === 'way' || a.type === 'relation')) {
        relation.members.push({ type: a.type, ref: Number(a.ref), role: a.role ?? '' });
      } else if (name === 'tag' && tags && a.k !== undefined) tags[a.k] = a.v ?? '';
    },
    close(name) {
      if (name === 'way' && way) {
        elements.ways.push(way);
        way = null;
        tags = null;
      } else if (name === 'relation' && relation) {
        elements.relations.push(relation);
        relation = null;
        tags = null;
      }
    },
  });
  if (!sawOsm) throw new DistanceError('graph_format', `${filePath}: not an OSM XML document (no <osm> element)`);
  return elements;
}

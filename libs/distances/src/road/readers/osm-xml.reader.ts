import { DistanceError } from '../../types';
import { RoadGraphBuilder } from '../road-graph';
import { addOsmWays, type OsmWay } from './osm-ways';
import { scanXml } from './xml';

/**
 * Reads an OSM XML document (an openstreetmap.org export, osmium or osmosis
 * output) into the builder: nodes and ways; relations (turn restrictions)
 * are not used.
 */
export function readOsmXml(xml: string, builder: RoadGraphBuilder, source: string): { missingNodes: number; ways: number } {
  const nodes = new Map<number, readonly [number, number]>();
  const ways: OsmWay[] = [];
  let way: { id: number; refs: number[]; tags: Record<string, string> } | null = null;
  let sawOsm = false;
  scanXml(xml, {
    open(name, a) {
      if (name === 'osm') sawOsm = true;
      else if (name === 'node') {
        const lng = Number(a.lon);
        const lat = Number(a.lat);
        if (a.id !== undefined && Number.isFinite(lng) && Number.isFinite(lat)) nodes.set(Number(a.id), [lng, lat]);
      } else if (name === 'way') way = { id: Number(a.id), refs: [], tags: {} };
      else if (name === 'nd' && way && a.ref !== undefined) way.refs.push(Number(a.ref));
      else if (name === 'tag' && way && a.k !== undefined) way.tags[a.k] = a.v ?? '';
    },
    close(name) {
      if (name === 'way' && way) {
        ways.push(way);
        way = null;
      }
    },
  });
  if (!sawOsm) throw new DistanceError('graph_format', `${source}: not an OSM XML document (no <osm> element)`);
  return addOsmWays(builder, ways, nodes);
}

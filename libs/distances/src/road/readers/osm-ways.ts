import { type Direction, RoadGraphBuilder } from '../road-graph';
import { DRIVABLE_HIGHWAYS, normaliseHighway, parseMaxspeed } from '../speeds';

/** An OSM way as the XML and PBF readers hand it over. */
export interface OsmWay {
  id: number;
  refs: readonly number[];
  tags: Readonly<Record<string, string>>;
}

/** An OSM relation: its tags and members in order. */
export interface OsmRelation {
  id: number;
  tags: Readonly<Record<string, string>>;
  members: ReadonlyArray<{ type: 'node' | 'way' | 'relation'; ref: number; role: string }>;
}

/** Node positions by OSM id. */
export interface OsmNodeLookup {
  get(id: number): readonly [number, number] | undefined;
}

const NO = new Set(['no']);

/**
 * Which way a truck may drive a way, or null when it may not drive it at all:
 * not a drivable highway, an area, closed to motor vehicles, or a reversible
 * lane whose direction changes during the day.
 */
export function drivableDirection(tags: Readonly<Record<string, string>>): Direction | null {
  const highway = normaliseHighway(tags.highway);
  if (!DRIVABLE_HIGHWAYS.has(highway)) return null;
  if (tags.area === 'yes') return null;
  if (NO.has(tags.access ?? '') && !['yes', 'designated', 'destination', 'permissive'].includes(tags.motor_vehicle ?? tags.hgv ?? '')) return null;
  if (NO.has(tags.motor_vehicle ?? '') || NO.has(tags.hgv ?? '')) return null;
  const oneway = (tags.oneway ?? '').toLowerCase();
  if (oneway === 'reversible' || oneway === 'alternating') return null;
  if (oneway === 'yes' || oneway === 'true' || oneway === '1') return 'forward';
  if (oneway === '-1' || oneway === 'reverse') return 'backward';
  if (oneway === 'no' || oneway === 'false' || oneway === '0') return 'both';
  const junction = tags.junction ?? '';
  if (highway === 'motorway' || highway === 'motorway_link' || junction === 'roundabout' || junction === 'circular') return 'forward';
  return 'both';
}

/** Ways a truck can use, and how many of them touch each node (a junction is touched twice or more). */
export function drivableWays(ways: readonly OsmWay[]): { kept: Array<{ way: OsmWay; direction: Direction }>; usage: Map<number, number> } {
  const kept: Array<{ way: OsmWay; direction: Direction }> = [];
  const usage = new Map<number, number>();
  for (const way of ways) {
    const direction = drivableDirection(way.tags);
    if (!direction || way.refs.length < 2) continue;
    kept.push({ way, direction });
    way.refs.forEach((ref, k) => {
      // Interior repeats (a loop) count as a junction too.
      const weight = k === 0 || k === way.refs.length - 1 ? 2 : 1;
      usage.set(ref, (usage.get(ref) ?? 0) + weight);
    });
  }
  return { kept, usage };
}

/**
 * Splits drivable ways at junctions (nodes shared by several ways, and way
 * ends) into road pieces and adds them to the builder. Returns how many
 * references pointed at nodes missing from the data (clipped extracts), so a
 * caller can report them.
 */
export function addOsmWays(builder: RoadGraphBuilder, ways: readonly OsmWay[], nodes: OsmNodeLookup): { missingNodes: number; ways: number } {
  const { kept, usage } = drivableWays(ways);
  const graphNode = new Map<number, number>();
  let missingNodes = 0;
  const nodeFor = (ref: number, position: readonly [number, number]): number => {
    let index = graphNode.get(ref);
    if (index === undefined) {
      index = builder.addNode(position[0], position[1]);
      graphNode.set(ref, index);
    }
    return index;
  };

  for (const { way, direction } of kept) {
    const highway = normaliseHighway(way.tags.highway);
    const maxspeedKmh = parseMaxspeed(way.tags.maxspeed);
    let pieceStart: number | null = null;
    let via: number[] = [];
    for (let k = 0; k < way.refs.length; k++) {
      const ref = way.refs[k];
      const position = nodes.get(ref);
      if (!position) {
        // The way leaves the extract here: end the current piece without it.
        missingNodes++;
        pieceStart = null;
        via = [];
        continue;
      }
      const isJunction = (usage.get(ref) ?? 0) >= 2 || k === 0 || k === way.refs.length - 1;
      if (pieceStart === null) {
        pieceStart = nodeFor(ref, position);
        via = [];
        continue;
      }
      if (isJunction || (k + 1 < way.refs.length && !nodes.get(way.refs[k + 1]))) {
        const end = nodeFor(ref, position);
        builder.addEdge({ from: pieceStart, to: end, via, highway, maxspeedKmh, direction });
        pieceStart = end;
        via = [];
      } else {
        via.push(position[0], position[1]);
      }
    }
  }
  return { missingNodes, ways: kept.length };
}

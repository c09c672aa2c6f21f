import type { OsmElements, OsmRelation, OsmWay } from '@vulgraad/distances';
import type { BasemapFeature, BasemapLayer } from './types';

const WATER_AREAS = new Set(['water', 'bay', 'wetland']);
const PARK_LEISURE = new Set(['park', 'garden', 'playground', 'pitch', 'recreation_ground', 'nature_reserve', 'golf_course', 'common']);
const PARK_LANDUSE = new Set(['grass', 'park', 'recreation_ground', 'cemetery', 'forest', 'meadow', 'village_green', 'allotments', 'flowerbed']);
const WATERWAY_LINES = new Set(['river', 'canal', 'stream', 'ditch', 'drain']);
/** Not drawn as streets: no line a planner would follow. */
const SKIPPED_HIGHWAYS = new Set(['elevator', 'construction', 'proposed', 'platform', 'bus_stop', 'corridor', 'abandoned', 'razed']);

/** What a closed way or multipolygon with these tags is on the map, or null. */
function areaLayer(tags: Readonly<Record<string, string>>): { layer: BasemapLayer; kind: string } | null {
  if (tags.building && tags.building !== 'no') return { layer: 'building', kind: tags.building };
  if (WATER_AREAS.has(tags.natural ?? '')) return { layer: 'water', kind: tags.water ?? tags.natural ?? 'water' };
  if (tags.waterway === 'riverbank' || tags.waterway === 'dock') return { layer: 'water', kind: tags.waterway };
  if (tags.landuse === 'reservoir' || tags.landuse === 'basin') return { layer: 'water', kind: tags.landuse };
  if (PARK_LEISURE.has(tags.leisure ?? '')) return { layer: 'park', kind: tags.leisure ?? 'park' };
  if (PARK_LANDUSE.has(tags.landuse ?? '')) return { layer: 'park', kind: tags.landuse ?? 'grass' };
  if (tags.natural === 'wood' || tags.natural === 'scrub' || tags.natural === 'grassland') return { layer: 'park', kind: tags.natural };
  return null;
}

/**
 * The base map features of an OSM extract: streets (every highway line, with
 * its name and class), waterways, and water, parks and buildings from closed
 * ways and multipolygon relations. Ways whose nodes are missing (cut by the
 * extract's edge) keep the part that is there.
 */
export function featuresFromOsm(osm: OsmElements): BasemapFeature[] {
  const features: BasemapFeature[] = [];
  const coordsOf = (way: OsmWay): number[][] => {
    const parts: number[][] = [];
    let current: number[] = [];
    for (const ref of way.refs) {
      const p = osm.nodes.get(ref);
      if (p) current.push(p[0], p[1]);
      else if (current.length > 0) {
        if (current.length >= 4) parts.push(current);
        current = [];
      }
    }
    if (current.length >= 4) parts.push(current);
    return parts;
  };

  for (const way of osm.ways) {
    const tags = way.tags;
    const closed = way.refs.length >= 4 && way.refs[0] === way.refs[way.refs.length - 1];
    const highway = tags.highway;
    if (highway && !SKIPPED_HIGHWAYS.has(highway) && tags.area !== 'yes') {
      const parts = coordsOf(way);
      if (parts.length > 0) features.push({ layer: 'street', kind: highway, name: tags.name ?? null, parts });
      continue;
    }
    if (tags.waterway && WATERWAY_LINES.has(tags.waterway) && !closed) {
      const parts = coordsOf(way);
      if (parts.length > 0) features.push({ layer: 'waterway', kind: tags.waterway, name: tags.name ?? null, parts });
      continue;
    }
    if (!closed) continue;
    const area = areaLayer(tags);
    if (!area) continue;
    const parts = coordsOf(way).filter((p) => p.length >= 8);
    if (parts.length > 0) features.push({ ...area, name: tags.name ?? null, parts });
  }

  const waysById = new Map<number, OsmWay>(osm.ways.map((w) => [w.id, w]));
  for (const relation of osm.relations) {
    if (relation.tags.type !== 'multipolygon') continue;
    const area = areaLayer(relation.tags);
    if (!area) continue;
    const rings = multipolygonRings(relation, waysById)
      .map((ring) => ring.flatMap((ref) => osm.nodes.get(ref) ?? []))
      .filter((ring) => ring.length >= 8);
    if (rings.length > 0) features.push({ ...area, name: relation.tags.name ?? null, parts: rings });
  }
  return features;
}

/**
 * The closed rings of a multipolygon, as node id lists: member ways joined
 * end to end (reversed where needed). Rings that cannot be closed, because
 * the extract cut them, are closed straight across so the part that is
 * there still fills.
 */
export function multipolygonRings(relation: OsmRelation, waysById: ReadonlyMap<number, OsmWay>): number[][] {
  const pending = relation.members
    .filter((m) => m.type === 'way' && (m.role === 'outer' || m.role === 'inner' || m.role === ''))
    .map((m) => waysById.get(m.ref)?.refs)
    .filter((refs): refs is readonly number[] => refs !== undefined && refs.length >= 2)
    .map((refs) => [...refs]);
  const rings: number[][] = [];
  while (pending.length > 0) {
    const ring = pending.shift() as number[];
    let grown = true;
    while (ring[0] !== ring[ring.length - 1] && grown) {
      grown = false;
      const end = ring[ring.length - 1];
      for (let k = 0; k < pending.length; k++) {
        const next = pending[k] as number[];
        if (next[0] === end) ring.push(...next.slice(1));
        else if (next[next.length - 1] === end) ring.push(...next.slice(0, -1).reverse());
        else continue;
        pending.splice(k, 1);
        grown = true;
        break;
      }
    }
    if (ring[0] !== ring[ring.length - 1]) ring.push(ring[0] as number);
    if (ring.length >= 4) rings.push(ring);
  }
  return rings;
}

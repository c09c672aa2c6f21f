/**
 * A base map as the dashboard draws it: a few layers of plain geometry with
 * a class and a name, from OpenStreetMap data. Coordinates are flat
 * [lng, lat, lng, lat, ...] arrays, one per line or ring.
 */

/** Drawing layers, bottom to top. */
export const BASEMAP_LAYERS = ['park', 'water', 'waterway', 'building', 'street'] as const;
export type BasemapLayer = (typeof BASEMAP_LAYERS)[number];

/** One thing on the map. Polygons (park, water, building) are rings filled even-odd, so holes stay open. */
export interface BasemapFeature {
  layer: BasemapLayer;
  /** The OSM class: a highway value for streets, else what made it water, park, building or waterway. */
  kind: string;
  /** Street name where the data has one. */
  name: string | null;
  /** Lines (street, waterway) or rings (the rest), each a flat [lng, lat, ...] array. */
  parts: number[][];
}

/** A base map with what must be shown beside it. */
export interface Basemap {
  features: BasemapFeature[];
  /** Shown on the map, e.g. "© OpenStreetMap contributors". */
  attribution: string;
}

/** How many features each layer holds (for the log line at start-up). */
export function layerCounts(features: readonly BasemapFeature[]): Record<BasemapLayer, number> {
  const counts = Object.fromEntries(BASEMAP_LAYERS.map((layer) => [layer, 0])) as Record<BasemapLayer, number>;
  for (const f of features) counts[f.layer]++;
  return counts;
}

/** Street classes by importance: 0 motorway ... 6 paths. */
export function streetRank(kind: string): number {
  const k = kind.replace(/_link$/, '');
  if (k === 'motorway' || k === 'trunk') return 0;
  if (k === 'primary') return 1;
  if (k === 'secondary') return 2;
  if (k === 'tertiary') return 3;
  if (k === 'residential' || k === 'unclassified' || k === 'living_street' || k === 'road') return 4;
  if (k === 'service' || k === 'busway') return 5;
  return 6;
}

import { simplifyLine } from './simplify';
import { BASEMAP_LAYERS, streetRank, type BasemapFeature } from './types';

/** Tile zoom levels the base map is cut at; a view at zoom z draws the band at or below it (see `bandFor`). */
export const BASEMAP_BANDS = [10, 12, 14, 16] as const;
export type BasemapBand = (typeof BASEMAP_BANDS)[number];
/** Integer units across one tile (as in vector tiles): 1/16 of a screen pixel at the band's own zoom. */
export const TILE_EXTENT = 4096;
const TILE_PX = 256;
/** Lines are simplified to this many tile units (a quarter of a pixel at the band's zoom). */
const SIMPLIFY_UNITS = 4;
/** Tiles kept encoded in memory before the cache starts over. */
const MAX_CACHED_TILES = 4000;
/** Index cells are tiles of this zoom (every band is at or above it). */
const INDEX_ZOOM = 10;

/** The band a view at `zoom` draws: 10 below 11.5, 12 below 13.5, 14 below 15.5, else 16. */
export function bandFor(zoom: number): BasemapBand {
  if (zoom < 11.5) return 10;
  if (zoom < 13.5) return 12;
  if (zoom < 15.5) return 14;
  return 16;
}

/** Whether a feature is drawn in a band: buildings, paths and names only close up, major streets everywhere. */
function inBand(feature: BasemapFeature, band: BasemapBand): boolean {
  switch (feature.layer) {
    case 'building':
      return band >= 16;
    case 'street':
      return streetRank(feature.kind) <= (band === 10 ? 2 : band === 12 ? 3 : band === 14 ? 5 : 6);
    case 'waterway':
      return band >= 14 || feature.kind === 'river' || (band === 12 && feature.kind === 'canal');
    default:
      return true;
  }
}

interface Projected {
  feature: BasemapFeature;
  id: number;
  /** Per part, world pixels at zoom 0: x, y, x, y, ... */
  parts: Float64Array[];
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Web Mercator: world pixels at zoom 0 (0..256). */
export function worldPx(lng: number, lat: number): [number, number] {
  const s = Math.sin((Math.max(-85.05, Math.min(85.05, lat)) * Math.PI) / 180);
  return [((lng + 180) / 360) * TILE_PX, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * TILE_PX];
}

/**
 * Vector tiles of a base map, cut on demand and kept: features are projected
 * and indexed once (at start-up), a tile lists the features whose box meets
 * it with their coordinates as integers relative to the tile, simplified for
 * its band. Features are not clipped: one that spans tiles comes with each,
 * and the page draws it per tile (the overlap paints the same pixels).
 */
export class BasemapTiles {
  private readonly projected: Projected[] = [];
  private readonly index = new Map<string, number[]>();
  private readonly cache = new Map<string, string>();
  /** [west, south, east, north] of everything, or null when empty. */
  readonly bounds: [number, number, number, number] | null;

  constructor(features: readonly BasemapFeature[]) {
    let west = Infinity;
    let south = Infinity;
    let east = -Infinity;
    let north = -Infinity;
    const order = [...features].sort((a, b) => BASEMAP_LAYERS.indexOf(a.layer) - BASEMAP_LAYERS.indexOf(b.layer) || streetRank(b.kind) - streetRank(a.kind));
    order.forEach((feature, id) => {
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      const parts = feature.parts.map((coords) => {
        const xy = new Float64Array(coords.length);
        for (let i = 0; i < coords.length; i += 2) {
          const lng = coords[i] as number;
          const lat = coords[i + 1] as number;
          west = Math.min(west, lng);
          east = Math.max(east, lng);
          south = Math.min(south, lat);
          north = Math.max(north, lat);
          const [x, y] = worldPx(lng, lat);
          xy[i] = x;
          xy[i + 1] = y;
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
        return xy;
      });
      const p: Projected = { feature, id, parts, minX, minY, maxX, maxY };
      this.projected.push(p);
      const scale = 2 ** INDEX_ZOOM / TILE_PX;
      for (let cx = Math.floor(minX * scale); cx <= Math.floor(maxX * scale); cx++) {
        for (let cy = Math.floor(minY * scale); cy <= Math.floor(maxY * scale); cy++) {
          const key = `${cx}/${cy}`;
          const list = this.index.get(key);
          if (list) list.push(id);
          else this.index.set(key, [id]);
        }
      }
    });
    this.bounds = Number.isFinite(west) ? [west, south, east, north] : null;
  }

  get featureCount(): number {
    return this.projected.length;
  }

  /**
   * One tile as JSON text: `{"extent":4096,"features":[[layer, kind, name, id, [[x, y, ...], ...]], ...]}`
   * in drawing order. `id` is the feature's number across tiles, so the page
   * can label a street once however many tiles carry it. Null when z is not a band.
   */
  tile(z: number, x: number, y: number): string | null {
    if (!(BASEMAP_BANDS as readonly number[]).includes(z) || !Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= 2 ** z || y >= 2 ** z) return null;
    const key = `${z}/${x}/${y}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const band = z as BasemapBand;
    const scale = 2 ** z;
    const cellScale = 2 ** (z - INDEX_ZOOM);
    const candidates = this.index.get(`${Math.floor(x / cellScale)}/${Math.floor(y / cellScale)}`) ?? [];
    const tileMinX = (x * TILE_PX) / scale;
    const tileMinY = (y * TILE_PX) / scale;
    const tileMaxX = ((x + 1) * TILE_PX) / scale;
    const tileMaxY = ((y + 1) * TILE_PX) / scale;
    const unit = TILE_EXTENT / TILE_PX;
    const minSizeUnits = band >= 16 ? 8 : 24;
    const out: unknown[] = [];
    for (const id of candidates) {
      const p = this.projected[id] as Projected;
      if (p.maxX < tileMinX || p.minX > tileMaxX || p.maxY < tileMinY || p.minY > tileMaxY) continue;
      if (!inBand(p.feature, band)) continue;
      const polygon = p.feature.layer !== 'street' && p.feature.layer !== 'waterway';
      // Areas smaller than a pixel or so at this band are left out.
      if (polygon && Math.max(p.maxX - p.minX, p.maxY - p.minY) * scale * unit < minSizeUnits) continue;
      const parts: number[][] = [];
      for (const xy of p.parts) {
        const local = new Array<number>(xy.length);
        for (let i = 0; i < xy.length; i += 2) {
          local[i] = Math.round(((xy[i] as number) * scale - x * TILE_PX) * unit);
          local[i + 1] = Math.round(((xy[i + 1] as number) * scale - y * TILE_PX) * unit);
        }
        const simple = simplifyLine(local, SIMPLIFY_UNITS);
        if (simple.length >= (polygon ? 6 : 4)) parts.push(simple);
      }
      if (parts.length === 0) continue;
      out.push([BASEMAP_LAYERS.indexOf(p.feature.layer), p.feature.kind, band >= 16 ? p.feature.name : null, p.id, parts]);
    }
    const text = JSON.stringify({ extent: TILE_EXTENT, features: out });
    if (this.cache.size >= MAX_CACHED_TILES) this.cache.clear();
    this.cache.set(key, text);
    return text;
  }
}

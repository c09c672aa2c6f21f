import { readFile } from 'node:fs/promises';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { BASEMAP_BANDS, BasemapTiles, layerCounts, loadBasemap } from '@vulgraad/basemap';
import { buffer } from '@turf/buffer';
import { convex } from '@turf/convex';
import { featureCollection, point } from '@turf/helpers';
import type { Config } from '@vulgraad/config';
import { CONFIG, DomainError } from '@vulgraad/contracts';
import { ContainersRepository } from '@vulgraad/database';
import { loadRoadGraph, type RoadGraph } from '@vulgraad/distances';

export interface MapConfig {
  /** Tile URL template, or null: then the dashboard draws `background` on a plain canvas. */
  tileUrl: string | null;
  /** roads: the road network; districts: outlines around each district's containers. */
  background: 'roads' | 'districts';
  /** [west, south, east, north] of the containers, or null without any. */
  bounds: [number, number, number, number] | null;
  /** The offline base map (vector tiles at `/api/map/basemap/{z}/{x}/{y}` for each band), or null without one. */
  basemap: { bands: number[]; attribution: string; features: number } | null;
  /** The city's IANA time zone (CITY_TIMEZONE): the pages show every time in it. */
  timezone: string;
}

/** Outlines are padded this far around the outermost containers. */
const OUTLINE_PADDING_M = 150;

/**
 * What the dashboard's map stands on without internet tiles: the road
 * network from a GeoJSON file (GATEWAY_ROADS_GEOJSON), or else an outline
 * around each district's containers.
 */
@Injectable()
export class MapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Map');
  private roads: Promise<string> | null = null;
  private basemap: Promise<{ tiles: BasemapTiles; attribution: string } | null> | null = null;
  private outlines: { at: number; value: Promise<string> } | null = null;

  constructor(
    private readonly containers: ContainersRepository,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** The base map's tiles are indexed at start-up, off the start-up path, so the first page finds them ready. */
  onApplicationBootstrap(): void {
    void this.basemapTiles();
  }

  /**
   * Where the offline base map comes from: GATEWAY_BASEMAP, else the road
   * graph when it is OSM data or a CSV folder (GraphML has no names: the
   * plain road layer draws it). None when tiles come from a tile server.
   */
  basemapSources(): string[] {
    if (this.config.gateway.tileUrl) return [];
    if (this.config.gateway.basemap) return this.config.gateway.basemap.split(',').map((s) => s.trim()).filter(Boolean);
    const graph = this.config.distances.roadGraph;
    if (graph && !/\.graphml$/i.test(graph)) return [graph];
    return [];
  }

  /** The base map's tiles, loaded once; null without sources or when they cannot be read (logged). */
  basemapTiles(): Promise<{ tiles: BasemapTiles; attribution: string } | null> {
    const sources = this.basemapSources();
    if (sources.length === 0) return Promise.resolve(null);
    this.basemap ??= loadBasemap(sources).then(
      (basemap) => {
        const tiles = new BasemapTiles(basemap.features);
        this.logger.log({ msg: 'base map ready', sources, layers: layerCounts(basemap.features) });
        return { tiles, attribution: this.config.gateway.basemapAttribution ?? basemap.attribution };
      },
      (error: unknown) => {
        this.logger.error({ msg: 'base map could not be read: the map stands on roads or district outlines instead', sources, err: String(error) });
        return null;
      },
    );
    return this.basemap;
  }

  /** One vector tile of the base map as JSON text. */
  async basemapTile(z: number, x: number, y: number): Promise<string> {
    const basemap = await this.basemapTiles();
    if (!basemap) throw new DomainError('not_found', 'no base map is configured (GATEWAY_BASEMAP or DISTANCES_ROAD_GRAPH)');
    const tile = basemap.tiles.tile(z, x, y);
    if (tile === null) throw new DomainError('validation', `no such base map tile: z must be one of ${BASEMAP_BANDS.join(', ')} and x, y within 0..2^z-1`, 'z');
    return tile;
  }

  async mapConfig(): Promise<MapConfig> {
    const all = await this.containers.list({ activeOnly: true });
    let bounds: MapConfig['bounds'] = null;
    if (all.length > 0) {
      bounds = [Infinity, Infinity, -Infinity, -Infinity];
      for (const c of all) {
        bounds = [Math.min(bounds[0], c.lng), Math.min(bounds[1], c.lat), Math.max(bounds[2], c.lng), Math.max(bounds[3], c.lat)];
      }
    }
    const basemap = await this.basemapTiles();
    return {
      tileUrl: this.config.gateway.tileUrl,
      background: this.roadSource() ? 'roads' : 'districts',
      bounds,
      basemap: basemap ? { bands: [...BASEMAP_BANDS], attribution: basemap.attribution, features: basemap.tiles.featureCount } : null,
      timezone: this.config.core.timezone,
    };
  }

  /** Where the roads come from: a GeoJSON file of the gateway's own, else the planner's road graph (DISTANCES_ROAD_GRAPH). */
  private roadSource(): { kind: 'geojson' | 'graph'; path: string } | null {
    if (this.config.gateway.roadsGeojson) return { kind: 'geojson', path: this.config.gateway.roadsGeojson };
    if (this.config.distances.roadGraph) return { kind: 'graph', path: this.config.distances.roadGraph };
    return null;
  }

  /** The background as a GeoJSON text. */
  background(): Promise<string> {
    const source = this.roadSource();
    if (source) {
      this.roads ??=
        source.kind === 'geojson'
          ? readFile(source.path, 'utf8').then((text) => {
              const parsed = JSON.parse(text) as { type?: unknown };
              if (parsed.type !== 'FeatureCollection') throw new DomainError('unavailable', `${source.path} is not a GeoJSON FeatureCollection`);
              return text;
            })
          : loadRoadGraph(source.path).then((graph) => JSON.stringify(roadGraphToGeoJson(graph)));
      const file = source.path;
      this.roads.catch((error: unknown) => {
        this.logger.error({ msg: 'road network could not be read', file, err: String(error) });
        this.roads = null;
      });
      return this.roads;
    }
    if (!this.outlines || Date.now() - this.outlines.at > 300_000) {
      this.outlines = { at: Date.now(), value: this.districtOutlines() };
    }
    return this.outlines.value;
  }

  private async districtOutlines(): Promise<string> {
    const byDistrict = new Map<string, Array<[number, number]>>();
    for (const c of await this.containers.list({ activeOnly: true })) {
      const list = byDistrict.get(c.district) ?? [];
      list.push([c.lng, c.lat]);
      byDistrict.set(c.district, list);
    }
    const features = [];
    for (const [district, points] of byDistrict) {
      const hull = points.length >= 3 ? convex(featureCollection(points.map((p) => point(p)))) : null;
      const shape = buffer(hull ?? featureCollection(points.map((p) => point(p))), OUTLINE_PADDING_M, { units: 'meters' });
      if (!shape) continue;
      const list = 'features' in shape ? shape.features : [shape];
      for (const f of list) features.push({ ...f, properties: { district, containers: points.length } });
    }
    return JSON.stringify({ type: 'FeatureCollection', features });
  }
}

/**
 * A road graph as GeoJSON for drawing: one MultiLineString per road class
 * (few features draw fast), coordinates rounded to about a metre.
 */
export function roadGraphToGeoJson(graph: RoadGraph): { type: 'FeatureCollection'; features: Array<{ type: 'Feature'; properties: { highway: string; edges: number }; geometry: { type: 'MultiLineString'; coordinates: number[][][] } }> } {
  const byClass = new Map<string, number[][][]>();
  const round = (v: number): number => Math.round(v * 1e5) / 1e5;
  for (let e = 0; e < graph.edgeCount; e++) {
    const line: number[][] = [];
    for (let k = graph.geomStart[e]!; k < graph.geomStart[e + 1]!; k++) line.push([round(graph.geomCoords[2 * k]!), round(graph.geomCoords[2 * k + 1]!)]);
    if (line.length < 2) continue;
    const highway = graph.edgeHighway[e] ?? 'road';
    let lines = byClass.get(highway);
    if (!lines) byClass.set(highway, (lines = []));
    lines.push(line);
  }
  return {
    type: 'FeatureCollection',
    features: [...byClass.entries()].map(([highway, coordinates]) => ({ type: 'Feature', properties: { highway, edges: coordinates.length }, geometry: { type: 'MultiLineString', coordinates } })),
  };
}

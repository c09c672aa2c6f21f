import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assertValidPoints, DistanceError, type LngLat, type MatrixOptions, type MatrixProvider, type RouteLeg, type RouteResult, type TravelMatrix, UNREACHABLE } from '../types';
import { ContractionHierarchy, type ContractionOptions, type Seed } from './contraction-hierarchy';
import { DijkstraSearch } from './dijkstra';
import { loadRoadGraph, type LoadRoadGraphOptions } from './load-road-graph';
import type { RoadGraph } from './road-graph';
import { SnapIndex, type SnappedPoint } from './snap';

/** Classes a point is not snapped onto unless nothing else is near: nobody empties a container from a motorway. */
export const DEFAULT_AVOID_SNAP_CLASSES: readonly string[] = ['motorway', 'motorway_link', 'trunk', 'trunk_link'];

/** Settings of the road-graph provider. */
export interface RoadProviderOptions {
  /** `ch` (contraction hierarchy, default) or `dijkstra` (one search per source; the reference). */
  algorithm?: 'ch' | 'dijkstra';
  avoidSnapClasses?: readonly string[];
  /** Within this radius a non-avoided road wins over an avoided one, metres. Default 150. */
  avoidRadiusM?: number;
  /** A point farther than this from every road is an input error, metres. Default 2,000. */
  maxSnapDistanceM?: number;
  contraction?: ContractionOptions;
  /** Folder where the contraction hierarchy is stored and found again on the next start (keyed by the graph's fingerprint). */
  hierarchyCacheDir?: string | null;
  /** Told when the hierarchy could not be stored. */
  onWarning?: (message: string) => void;
}

/**
 * Distances and durations over a road graph built from OpenStreetMap data.
 * Points snap to the nearest road piece of the graph's largest strongly
 * connected component, part-way along it; the matrix is computed with a
 * contraction hierarchy (bucket many-to-many); routes unpack to the road
 * geometry for the map.
 */
export class RoadGraphProvider implements MatrixProvider {
  readonly name = 'road';
  readonly fingerprint: string;
  private readonly snapIndex: SnapIndex;
  private hierarchy: ContractionHierarchy | null = null;
  private dijkstra: DijkstraSearch | null = null;
  private readonly options: Required<Omit<RoadProviderOptions, 'contraction' | 'hierarchyCacheDir' | 'onWarning'>> & {
    contraction: ContractionOptions;
    hierarchyCacheDir: string | null;
    onWarning: (message: string) => void;
  };
  /** Whether the hierarchy in use was read from the cache folder rather than built. */
  hierarchyFromCache = false;

  constructor(
    readonly graph: RoadGraph,
    options: RoadProviderOptions = {},
  ) {
    this.options = {
      algorithm: options.algorithm ?? 'ch',
      avoidSnapClasses: options.avoidSnapClasses ?? DEFAULT_AVOID_SNAP_CLASSES,
      avoidRadiusM: options.avoidRadiusM ?? 150,
      maxSnapDistanceM: options.maxSnapDistanceM ?? 2000,
      contraction: options.contraction ?? {},
      hierarchyCacheDir: options.hierarchyCacheDir ?? null,
      onWarning: options.onWarning ?? (() => undefined),
    };
    const avoid = new Set(this.options.avoidSnapClasses);
    const avoidEdge = Uint8Array.from(graph.edgeHighway, (h) => (avoid.has(h) ? 1 : 0));
    this.snapIndex = new SnapIndex(graph, avoidEdge);
    // The algorithm does not change the numbers, so it is not part of the fingerprint.
    this.fingerprint = `road|${graph.fingerprint}|avoid=${[...avoid].sort().join(',')}@${this.options.avoidRadiusM}`;
  }

  /** Loads a graph file or folder (see `loadRoadGraph`) and wraps it. */
  static async fromFile(path: string, options: RoadProviderOptions & LoadRoadGraphOptions = {}): Promise<RoadGraphProvider> {
    return new RoadGraphProvider(await loadRoadGraph(path, options), options);
  }

  /** Builds the contraction hierarchy now rather than on the first request (for start-up and benchmarks). */
  prepare(): void {
    if (this.options.algorithm === 'ch') this.ch();
  }

  /** Where each point joins the network. Throws a bad_input DistanceError listing points too far from any road. */
  snap(points: readonly LngLat[]): SnappedPoint[] {
    assertValidPoints(points);
    const snapped: SnappedPoint[] = [];
    const tooFar: string[] = [];
    points.forEach((p, k) => {
      const s = this.snapIndex.nearest(p.lng, p.lat, this.options.avoidRadiusM);
      if (!s || s.distanceM > this.options.maxSnapDistanceM) tooFar.push(`${k} (${p.lng}, ${p.lat}: ${s ? Math.round(s.distanceM) + ' m' : 'no road'})`);
      else snapped.push(s);
    });
    if (tooFar.length > 0) {
      throw new DistanceError('bad_input', `${tooFar.length} point(s) farther than ${this.options.maxSnapDistanceM} m from any road of the graph: ${tooFar.slice(0, 10).join(', ')}`);
    }
    return snapped;
  }

  async matrix(points: readonly LngLat[], options: MatrixOptions = {}): Promise<TravelMatrix> {
    throwIfAborted(options.signal);
    const snapped = this.snap(points);
    const n = points.length;
    // Points that snap to the same place (containers of one cluster) are computed once.
    const uniqueOf = new Int32Array(n);
    const unique: SnappedPoint[] = [];
    const byPlace = new Map<string, number>();
    snapped.forEach((s, k) => {
      const key = `${s.edge}:${s.t}`;
      let u = byPlace.get(key);
      if (u === undefined) {
        u = unique.length;
        unique.push(s);
        byPlace.set(key, u);
      }
      uniqueOf[k] = u;
    });
    const m = unique.length;
    const cost = new Float64Array(m * m);
    const dist = new Float64Array(m * m);
    const sourceSeeds = unique.map((s) => this.sourceSeeds(s));
    const targetSeeds = unique.map((s) => this.targetSeeds(s));
    if (this.options.algorithm === 'ch') {
      this.ch().manyToMany(sourceSeeds, targetSeeds, cost, dist);
    } else {
      const search = (this.dijkstra ??= new DijkstraSearch(this.graph));
      const stopAt = [...new Set(targetSeeds.flat().map((s) => s.node))];
      for (let i = 0; i < m; i++) {
        if (i % 64 === 0) {
          throwIfAborted(options.signal);
          // Let other work (timers, sockets) run during a long matrix.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        search.run(sourceSeeds[i], stopAt);
        for (let j = 0; j < m; j++) {
          let best = Infinity;
          let bestDist = Infinity;
          for (const t of targetSeeds[j]) {
            const c = search.costS[t.node] + t.costS;
            if (c < best) {
              best = c;
              bestDist = search.distM[t.node] + t.distM;
            }
          }
          cost[i * m + j] = best;
          dist[i * m + j] = bestDist;
        }
      }
    }
    // Two points on one road piece may reach each other without leaving it.
    const onEdge = new Map<number, number[]>();
    unique.forEach((s, k) => {
      const list = onEdge.get(s.edge);
      if (list) list.push(k);
      else onEdge.set(s.edge, [k]);
    });
    for (const list of onEdge.values()) {
      for (const i of list) {
        for (const j of list) {
          const direct = this.direct(unique[i], unique[j]);
          if (direct && direct.costS < cost[i * m + j]) {
            cost[i * m + j] = direct.costS;
            dist[i * m + j] = direct.distM;
          }
        }
      }
    }
    throwIfAborted(options.signal);

    const unreachable: Array<[number, number]> = [];
    const snapDistancesM = Float64Array.from(snapped, (s) => s.distanceM);
    if (m === n) {
      // No two points share a place: the computed matrices are the answer (saves a copy of n x n cells).
      for (let i = 0; i < n; i++) {
        cost[i * n + i] = 0;
        dist[i * n + i] = 0;
      }
      for (let cell = 0; cell < n * n; cell++) {
        if (cost[cell] === Infinity) {
          cost[cell] = UNREACHABLE;
          dist[cell] = UNREACHABLE;
          unreachable.push([Math.floor(cell / n), cell % n]);
        }
      }
      return { n, distancesM: dist, durationsS: cost, unreachable, snapDistancesM, provider: this.name };
    }
    const distancesM = new Float64Array(n * n);
    const durationsS = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      const ui = uniqueOf[i];
      for (let j = 0; j < n; j++) {
        if (i === j || ui === uniqueOf[j]) continue;
        const cell = ui * m + uniqueOf[j];
        if (cost[cell] === Infinity) {
          distancesM[i * n + j] = UNREACHABLE;
          durationsS[i * n + j] = UNREACHABLE;
          unreachable.push([i, j]);
        } else {
          distancesM[i * n + j] = dist[cell];
          durationsS[i * n + j] = cost[cell];
        }
      }
    }
    return { n, distancesM, durationsS, unreachable, snapDistancesM, provider: this.name };
  }

  async route(points: readonly LngLat[], options: { signal?: AbortSignal } = {}): Promise<RouteResult> {
    const snapped = this.snap(points);
    const coordinates: Array<[number, number]> = [];
    const legs: RouteLeg[] = [];
    const push = (c: [number, number]): void => {
      const last = coordinates[coordinates.length - 1];
      if (!last || last[0] !== c[0] || last[1] !== c[1]) coordinates.push(c);
    };
    if (snapped.length === 1) push([snapped[0].lng, snapped[0].lat]);
    for (let k = 0; k + 1 < snapped.length; k++) {
      throwIfAborted(options.signal);
      const from = snapped[k];
      const to = snapped[k + 1];
      const leg = this.leg(from, to);
      if (!leg) throw new DistanceError('bad_input', `no road path from point ${k} to point ${k + 1}`);
      legs.push({ distanceM: leg.distanceM, durationS: leg.durationS });
      for (const c of leg.coordinates) push(c);
    }
    return {
      distanceM: legs.reduce((sum, l) => sum + l.distanceM, 0),
      durationS: legs.reduce((sum, l) => sum + l.durationS, 0),
      legs,
      coordinates,
    };
  }

  private leg(from: SnappedPoint, to: SnappedPoint): { distanceM: number; durationS: number; coordinates: Array<[number, number]> } | null {
    const coordinates: Array<[number, number]> = [];
    const direct = from.edge === to.edge ? this.direct(from, to) : null;
    const path = this.ch().pointToPoint(this.sourceSeeds(from), this.targetSeeds(to));
    if (direct && (!path || direct.costS <= path.costS)) {
      this.snapIndex.partialGeometry(from.edge, from.t, to.t, coordinates);
      return { distanceM: direct.distM, durationS: direct.costS, coordinates };
    }
    if (!path) return null;
    const g = this.graph;
    // Leave the source's road piece towards the node the path starts from.
    this.snapIndex.partialGeometry(from.edge, from.t, path.startNode === g.edgeTo[from.edge] ? 1 : 0, coordinates);
    for (const arc of path.arcs) g.appendArcGeometry(arc, coordinates, true);
    const enterAt = path.endNode === g.edgeFrom[to.edge] ? 0 : 1;
    const tail: Array<[number, number]> = [];
    this.snapIndex.partialGeometry(to.edge, enterAt, to.t, tail);
    coordinates.push(...tail.slice(1));
    return { distanceM: path.distM, durationS: path.costS, coordinates };
  }

  /** Seeds of a search leaving a snapped point: along its piece to either end that may be driven towards. */
  private sourceSeeds(s: SnappedPoint): Seed[] {
    const g = this.graph;
    const seeds: Seed[] = [];
    const length = g.edgeLengthM[s.edge];
    if (g.edgeForwardS[s.edge] >= 0) seeds.push({ node: g.edgeTo[s.edge], costS: (1 - s.t) * g.edgeForwardS[s.edge], distM: (1 - s.t) * length });
    if (g.edgeBackwardS[s.edge] >= 0) seeds.push({ node: g.edgeFrom[s.edge], costS: s.t * g.edgeBackwardS[s.edge], distM: s.t * length });
    return seeds;
  }

  /** Seeds of a search arriving at a snapped point: from either end it may be reached from, with the rest of the piece. */
  private targetSeeds(s: SnappedPoint): Seed[] {
    const g = this.graph;
    const seeds: Seed[] = [];
    const length = g.edgeLengthM[s.edge];
    if (g.edgeForwardS[s.edge] >= 0) seeds.push({ node: g.edgeFrom[s.edge], costS: s.t * g.edgeForwardS[s.edge], distM: s.t * length });
    if (g.edgeBackwardS[s.edge] >= 0) seeds.push({ node: g.edgeTo[s.edge], costS: (1 - s.t) * g.edgeBackwardS[s.edge], distM: (1 - s.t) * length });
    return seeds;
  }

  /** The trip between two points on the same piece without leaving it, when its direction allows. */
  private direct(from: SnappedPoint, to: SnappedPoint): { costS: number; distM: number } | null {
    const g = this.graph;
    const e = from.edge;
    if (to.edge !== e) return null;
    const length = g.edgeLengthM[e];
    if (to.t >= from.t && g.edgeForwardS[e] >= 0) return { costS: (to.t - from.t) * g.edgeForwardS[e], distM: (to.t - from.t) * length };
    if (to.t <= from.t && g.edgeBackwardS[e] >= 0) return { costS: (from.t - to.t) * g.edgeBackwardS[e], distM: (from.t - to.t) * length };
    return null;
  }

  private ch(): ContractionHierarchy {
    if (this.hierarchy) return this.hierarchy;
    const file = this.hierarchyFile();
    if (file) {
      let bytes: Buffer | null = null;
      try {
        bytes = readFileSync(file);
      } catch {
        // Not stored yet.
      }
      const stored = bytes ? ContractionHierarchy.fromBytes(this.graph, bytes) : null;
      if (stored) {
        this.hierarchyFromCache = true;
        return (this.hierarchy = stored);
      }
      if (bytes) this.options.onWarning(`contraction hierarchy ${file} does not match the graph; rebuilding it`);
    }
    const built = ContractionHierarchy.build(this.graph, this.options.contraction);
    if (file) {
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        const temporary = `${file}.${process.pid}.tmp`;
        writeFileSync(temporary, built.toBytes());
        renameSync(temporary, file);
      } catch (error) {
        this.options.onWarning(`contraction hierarchy not stored in ${file}: ${(error as Error).message}`);
      }
    }
    return (this.hierarchy = built);
  }

  private hierarchyFile(): string | null {
    if (!this.options.hierarchyCacheDir) return null;
    const key = createHash('sha256').update(this.graph.fingerprint).update(JSON.stringify(this.options.contraction)).digest('hex').slice(0, 32);
    return path.join(this.options.hierarchyCacheDir, `ch-${key}.vgch`);
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DistanceError('aborted', 'the distance computation was aborted');
}

import { haversineM } from '../geo';
import { DistanceError } from '../types';
import { SpeedModel, type SpeedOptions } from './speeds';

/** Which way a road may be driven, relative to its geometry (from -> to). */
export type Direction = 'both' | 'forward' | 'backward';

/** A road piece between two junctions as a reader hands it over. */
export interface RawRoadEdge {
  from: number;
  to: number;
  /** Vertices between `from` and `to` as flat [lng, lat, lng, lat, ...]; the end nodes themselves not included. */
  via?: readonly number[];
  /** Length along the geometry, metres; computed from the geometry when absent. */
  lengthM?: number | null;
  highway: string;
  maxspeedKmh: number | null;
  direction: Direction;
}

/** What the builder kept and dropped, for the log and the benchmark. */
export interface RoadGraphStats {
  nodesRead: number;
  edgesRead: number;
  nodes: number;
  edges: number;
  arcs: number;
  /** Nodes outside the largest strongly connected component (dead islands, one-way traps). */
  nodesDropped: number;
  edgesDropped: number;
}

/**
 * A directed road network on typed arrays. Nodes are junctions; an edge is a
 * road piece with its geometry that may be drivable one or both ways; arcs
 * are the drivable directions (CSR by tail, and a reverse CSR by head).
 * Weights are seconds; every arc also carries its metres.
 */
export class RoadGraph {
  constructor(
    readonly nodeLng: Float64Array,
    readonly nodeLat: Float64Array,
    readonly edgeFrom: Int32Array,
    readonly edgeTo: Int32Array,
    readonly edgeLengthM: Float64Array,
    /** Seconds from -> to, or -1 where that direction is not allowed. */
    readonly edgeForwardS: Float64Array,
    /** Seconds to -> from, or -1. */
    readonly edgeBackwardS: Float64Array,
    /** Geometry of edge e: flat lng/lat pairs geomCoords[2*geomStart[e] .. 2*geomStart[e+1]), from -> to, end nodes included. */
    readonly geomStart: Int32Array,
    readonly geomCoords: Float64Array,
    readonly firstOut: Int32Array,
    readonly arcHead: Int32Array,
    readonly arcWeightS: Float64Array,
    readonly arcDistM: Float64Array,
    /** Edge of the arc; `arcBackward` says it runs to -> from. */
    readonly arcEdge: Int32Array,
    readonly arcBackward: Uint8Array,
    readonly firstIn: Int32Array,
    /** For the reverse CSR: the arc id at each position. */
    readonly inArc: Int32Array,
    readonly arcTail: Int32Array,
    /** OSM highway class of each edge. */
    readonly edgeHighway: readonly string[],
    readonly stats: RoadGraphStats,
    /** Describes the source and the speed model, for cache fingerprints. */
    readonly fingerprint: string,
  ) {}

  get nodeCount(): number {
    return this.nodeLng.length;
  }

  get edgeCount(): number {
    return this.edgeFrom.length;
  }

  get arcCount(): number {
    return this.arcHead.length;
  }

  /** Arc id of edge e in the given direction, or -1 (linear in the tail's degree). */
  arcOf(edge: number, backward: boolean): number {
    const tail = backward ? this.edgeTo[edge] : this.edgeFrom[edge];
    for (let a = this.firstOut[tail]; a < this.firstOut[tail + 1]; a++) {
      if (this.arcEdge[a] === edge && (this.arcBackward[a] === 1) === backward) return a;
    }
    return -1;
  }

  /** Appends the geometry of an arc (its edge, oriented) to `out`, skipping the first vertex when `skipFirst`. */
  appendArcGeometry(arc: number, out: Array<[number, number]>, skipFirst: boolean): void {
    const edge = this.arcEdge[arc];
    const start = this.geomStart[edge];
    const end = this.geomStart[edge + 1];
    if (this.arcBackward[arc]) {
      for (let k = end - 1 - (skipFirst ? 1 : 0); k >= start; k--) out.push([this.geomCoords[2 * k], this.geomCoords[2 * k + 1]]);
    } else {
      for (let k = start + (skipFirst ? 1 : 0); k < end; k++) out.push([this.geomCoords[2 * k], this.geomCoords[2 * k + 1]]);
    }
  }
}

/**
 * Collects nodes and road pieces from any reader, then builds the RoadGraph:
 * speeds from the speed model, self-loops dropped, and (by default) only the
 * largest strongly connected component kept, so that every kept node can
 * reach every other and a snapped point never lands on a dead island.
 */
export class RoadGraphBuilder {
  private readonly lng: number[] = [];
  private readonly lat: number[] = [];
  private readonly edges: RawRoadEdge[] = [];

  constructor(readonly source: string) {}

  get nodeCount(): number {
    return this.lng.length;
  }

  addNode(lng: number, lat: number): number {
    if (!Number.isFinite(lng) || !Number.isFinite(lat)) throw new DistanceError('graph_format', `${this.source}: node with invalid coordinates ${lng}, ${lat}`);
    this.lng.push(lng);
    this.lat.push(lat);
    return this.lng.length - 1;
  }

  /** Position of a node added earlier. */
  lngLatOf(node: number): [number, number] {
    return [this.lng[node], this.lat[node]];
  }

  addEdge(edge: RawRoadEdge): void {
    if (edge.from < 0 || edge.from >= this.lng.length || edge.to < 0 || edge.to >= this.lng.length) {
      throw new DistanceError('graph_format', `${this.source}: edge refers to unknown node ${edge.from} -> ${edge.to}`);
    }
    this.edges.push(edge);
  }

  build(options: { speeds?: SpeedOptions; keepLargestComponent?: boolean } = {}): RoadGraph {
    const speeds = new SpeedModel(options.speeds);
    const n = this.lng.length;
    const kept = this.edges.filter((e) => e.from !== e.to);
    if (n === 0 || kept.length === 0) throw new DistanceError('graph_format', `${this.source}: no drivable roads found`);

    // Largest strongly connected component over the drivable directions.
    let keepNode: Uint8Array;
    if (options.keepLargestComponent ?? true) {
      keepNode = largestStronglyConnected(n, kept);
    } else {
      keepNode = new Uint8Array(n).fill(1);
    }
    const newIndex = new Int32Array(n).fill(-1);
    let nodes = 0;
    for (let v = 0; v < n; v++) if (keepNode[v]) newIndex[v] = nodes++;
    const edges = kept.filter((e) => keepNode[e.from] && keepNode[e.to]);

    const nodeLng = new Float64Array(nodes);
    const nodeLat = new Float64Array(nodes);
    for (let v = 0; v < n; v++) {
      if (newIndex[v] >= 0) {
        nodeLng[newIndex[v]] = this.lng[v];
        nodeLat[newIndex[v]] = this.lat[v];
      }
    }

    const m = edges.length;
    const edgeFrom = new Int32Array(m);
    const edgeTo = new Int32Array(m);
    const edgeLengthM = new Float64Array(m);
    const edgeForwardS = new Float64Array(m);
    const edgeBackwardS = new Float64Array(m);
    const geomStart = new Int32Array(m + 1);
    let vertices = 0;
    for (const e of edges) vertices += 2 + (e.via ? e.via.length / 2 : 0);
    const geomCoords = new Float64Array(vertices * 2);
    let outDegreeTotal = 0;
    let cursor = 0;
    for (let i = 0; i < m; i++) {
      const e = edges[i];
      edgeFrom[i] = newIndex[e.from];
      edgeTo[i] = newIndex[e.to];
      geomStart[i] = cursor;
      geomCoords[2 * cursor] = this.lng[e.from];
      geomCoords[2 * cursor + 1] = this.lat[e.from];
      cursor++;
      const via = e.via ?? [];
      for (let k = 0; k + 1 < via.length; k += 2) {
        geomCoords[2 * cursor] = via[k];
        geomCoords[2 * cursor + 1] = via[k + 1];
        cursor++;
      }
      geomCoords[2 * cursor] = this.lng[e.to];
      geomCoords[2 * cursor + 1] = this.lat[e.to];
      cursor++;
      let length = e.lengthM ?? null;
      if (length === null || !(length >= 0)) {
        length = 0;
        for (let k = geomStart[i]; k + 1 < cursor; k++) {
          length += haversineM(geomCoords[2 * k], geomCoords[2 * k + 1], geomCoords[2 * k + 2], geomCoords[2 * k + 3]);
        }
      }
      // A zero-length piece would let a path teleport; give it a centimetre.
      edgeLengthM[i] = Math.max(length, 0.01);
      const seconds = edgeLengthM[i] / (speeds.kmh(e.highway, e.maxspeedKmh) / 3.6);
      edgeForwardS[i] = e.direction === 'backward' ? -1 : seconds;
      edgeBackwardS[i] = e.direction === 'forward' ? -1 : seconds;
      outDegreeTotal += (edgeForwardS[i] >= 0 ? 1 : 0) + (edgeBackwardS[i] >= 0 ? 1 : 0);
    }
    geomStart[m] = cursor;

    // Forward CSR by tail.
    const firstOut = new Int32Array(nodes + 1);
    for (let i = 0; i < m; i++) {
      if (edgeForwardS[i] >= 0) firstOut[edgeFrom[i] + 1]++;
      if (edgeBackwardS[i] >= 0) firstOut[edgeTo[i] + 1]++;
    }
    for (let v = 0; v < nodes; v++) firstOut[v + 1] += firstOut[v];
    const fill = firstOut.slice(0, nodes);
    const arcHead = new Int32Array(outDegreeTotal);
    const arcTail = new Int32Array(outDegreeTotal);
    const arcWeightS = new Float64Array(outDegreeTotal);
    const arcDistM = new Float64Array(outDegreeTotal);
    const arcEdge = new Int32Array(outDegreeTotal);
    const arcBackward = new Uint8Array(outDegreeTotal);
    const place = (tail: number, head: number, weight: number, edge: number, backward: boolean): void => {
      const a = fill[tail]++;
      arcHead[a] = head;
      arcTail[a] = tail;
      arcWeightS[a] = weight;
      arcDistM[a] = edgeLengthM[edge];
      arcEdge[a] = edge;
      arcBackward[a] = backward ? 1 : 0;
    };
    for (let i = 0; i < m; i++) {
      if (edgeForwardS[i] >= 0) place(edgeFrom[i], edgeTo[i], edgeForwardS[i], i, false);
      if (edgeBackwardS[i] >= 0) place(edgeTo[i], edgeFrom[i], edgeBackwardS[i], i, true);
    }

    // Reverse CSR by head.
    const firstIn = new Int32Array(nodes + 1);
    for (let a = 0; a < outDegreeTotal; a++) firstIn[arcHead[a] + 1]++;
    for (let v = 0; v < nodes; v++) firstIn[v + 1] += firstIn[v];
    const inFill = firstIn.slice(0, nodes);
    const inArc = new Int32Array(outDegreeTotal);
    for (let a = 0; a < outDegreeTotal; a++) inArc[inFill[arcHead[a]]++] = a;

    const stats: RoadGraphStats = {
      nodesRead: n,
      edgesRead: this.edges.length,
      nodes,
      edges: m,
      arcs: outDegreeTotal,
      nodesDropped: n - nodes,
      edgesDropped: this.edges.length - m,
    };
    return new RoadGraph(
      nodeLng,
      nodeLat,
      edgeFrom,
      edgeTo,
      edgeLengthM,
      edgeForwardS,
      edgeBackwardS,
      geomStart,
      geomCoords,
      firstOut,
      arcHead,
      arcWeightS,
      arcDistM,
      arcEdge,
      arcBackward,
      firstIn,
      inArc,
      arcTail,
      edges.map((e) => e.highway),
      stats,
      `${this.source}|nodes=${nodes}|edges=${m}|${speeds.describe()}`,
    );
  }
}

/**
 * Marks the nodes of the largest strongly connected component (iterative
 * Tarjan over the drivable directions of the raw edges).
 */
function largestStronglyConnected(n: number, edges: readonly RawRoadEdge[]): Uint8Array {
  const degree = new Int32Array(n + 1);
  for (const e of edges) {
    if (e.direction !== 'backward') degree[e.from + 1]++;
    if (e.direction !== 'forward') degree[e.to + 1]++;
  }
  for (let v = 0; v < n; v++) degree[v + 1] += degree[v];
  const first = degree;
  const fill = first.slice(0, n);
  const head = new Int32Array(first[n]);
  for (const e of edges) {
    if (e.direction !== 'backward') head[fill[e.from]++] = e.to;
    if (e.direction !== 'forward') head[fill[e.to]++] = e.from;
  }

  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  let stackSize = 0;
  const callNode = new Int32Array(n);
  const callArc = new Int32Array(n);
  const component = new Int32Array(n).fill(-1);
  let counter = 0;
  let components = 0;
  let bestComponent = -1;
  let bestSize = 0;

  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    callNode[0] = root;
    callArc[0] = first[root];
    index[root] = low[root] = counter++;
    stack[stackSize++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callNode[depth];
      if (callArc[depth] < first[v + 1]) {
        const w = head[callArc[depth]++];
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack[stackSize++] = w;
          onStack[w] = 1;
          depth++;
          callNode[depth] = w;
          callArc[depth] = first[w];
        } else if (onStack[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      if (low[v] === index[v]) {
        let size = 0;
        let w: number;
        do {
          w = stack[--stackSize];
          onStack[w] = 0;
          component[w] = components;
          size++;
        } while (w !== v);
        if (size > bestSize) {
          bestSize = size;
          bestComponent = components;
        }
        components++;
      }
      depth--;
      if (depth >= 0) {
        const parent = callNode[depth];
        if (low[v] < low[parent]) low[parent] = low[v];
      }
    }
  }
  const keep = new Uint8Array(n);
  for (let v = 0; v < n; v++) if (component[v] === bestComponent) keep[v] = 1;
  return keep;
}

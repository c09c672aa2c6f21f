import { LocalProjection } from '../geo';
import type { RoadGraph } from './road-graph';

/** Where a point joins the road network: a position on one road piece. */
export interface SnappedPoint {
  edge: number;
  /** Fraction of the edge's length from its `from` node, 0..1. */
  t: number;
  /** Metres from the given point to the snapped position. */
  distanceM: number;
  lng: number;
  lat: number;
}

/**
 * Finds the nearest road piece to a point, with a uniform grid over all
 * geometry segments (local metric projection). Roads listed in
 * `avoidClasses` are only used when nothing else is within `avoidRadiusM`:
 * a container beside a motorway is emptied from the street behind it.
 */
export class SnapIndex {
  private readonly projection: LocalProjection;
  private readonly minX: number;
  private readonly minY: number;
  private readonly columns: number;
  private readonly rows: number;
  private readonly cellStart: Int32Array;
  private readonly cellSegments: Int32Array;
  /** Segment k runs from geometry vertex k to k + 1 of edge segmentEdge[k]; projected vertex coordinates. */
  private readonly vx: Float64Array;
  private readonly vy: Float64Array;
  private readonly segmentEdge: Int32Array;
  /** Cumulative projected length at each vertex from its edge's start, and each edge's projected length. */
  private readonly vertexOffset: Float64Array;
  private readonly edgeProjectedLength: Float64Array;

  constructor(
    private readonly graph: RoadGraph,
    private readonly avoidEdge: Uint8Array = new Uint8Array(graph.edgeCount),
    private readonly cellSizeM = 100,
  ) {
    const coords = graph.geomCoords;
    const vertexCount = coords.length / 2;
    let sumLat = 0;
    for (let v = 0; v < graph.nodeCount; v++) sumLat += graph.nodeLat[v];
    this.projection = new LocalProjection(graph.nodeCount > 0 ? sumLat / graph.nodeCount : 0);
    this.vx = new Float64Array(vertexCount);
    this.vy = new Float64Array(vertexCount);
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let k = 0; k < vertexCount; k++) {
      const x = this.projection.x(coords[2 * k]);
      const y = this.projection.y(coords[2 * k + 1]);
      this.vx[k] = x;
      this.vy[k] = y;
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
    this.minX = minX;
    this.minY = minY;
    this.columns = Math.max(1, Math.ceil((maxX - minX) / cellSizeM) + 1);
    this.rows = Math.max(1, Math.ceil((maxY - minY) / cellSizeM) + 1);

    this.segmentEdge = new Int32Array(vertexCount).fill(-1);
    this.vertexOffset = new Float64Array(vertexCount);
    this.edgeProjectedLength = new Float64Array(graph.edgeCount);
    const counts = new Int32Array(this.columns * this.rows + 1);
    const forEachCell = (k: number, visit: (cell: number) => void): void => {
      const c0 = this.column(Math.min(this.vx[k], this.vx[k + 1]));
      const c1 = this.column(Math.max(this.vx[k], this.vx[k + 1]));
      const r0 = this.row(Math.min(this.vy[k], this.vy[k + 1]));
      const r1 = this.row(Math.max(this.vy[k], this.vy[k + 1]));
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) visit(r * this.columns + c);
    };
    for (let e = 0; e < graph.edgeCount; e++) {
      let offset = 0;
      for (let k = graph.geomStart[e]; k < graph.geomStart[e + 1]; k++) {
        this.vertexOffset[k] = offset;
        if (k + 1 < graph.geomStart[e + 1]) {
          this.segmentEdge[k] = e;
          offset += Math.hypot(this.vx[k + 1] - this.vx[k], this.vy[k + 1] - this.vy[k]);
          forEachCell(k, (cell) => counts[cell + 1]++);
        }
      }
      this.edgeProjectedLength[e] = offset;
    }
    for (let cell = 0; cell < this.columns * this.rows; cell++) counts[cell + 1] += counts[cell];
    this.cellStart = counts;
    this.cellSegments = new Int32Array(counts[this.columns * this.rows]);
    const fill = counts.slice(0, this.columns * this.rows);
    for (let k = 0; k < vertexCount; k++) if (this.segmentEdge[k] >= 0) forEachCell(k, (cell) => (this.cellSegments[fill[cell]++] = k));
  }

  /**
   * The nearest road position to (lng, lat). Avoided classes count only when
   * nothing else lies within `avoidRadiusM`. Null only for an empty graph.
   */
  nearest(lng: number, lat: number, avoidRadiusM = 150): SnappedPoint | null {
    const x = this.projection.x(lng);
    const y = this.projection.y(lat);
    const best = { segment: -1, d2: Infinity, u: 0 };
    const bestAvoided = { segment: -1, d2: Infinity, u: 0 };
    const col = this.column(x);
    const row = this.row(y);
    const maxRing = Math.max(this.columns, this.rows);
    for (let ring = 0; ring <= maxRing; ring++) {
      // Anything in a farther ring is at least (ring - 1) cells away (the point may sit anywhere in its cell).
      const reach = Math.max(0, ring - 1) * this.cellSizeM;
      if (best.segment >= 0 && reach * reach > best.d2) break;
      if (best.segment < 0 && bestAvoided.segment >= 0 && reach > avoidRadiusM && reach * reach > bestAvoided.d2) break;
      for (let r = row - ring; r <= row + ring; r++) {
        if (r < 0 || r >= this.rows) continue;
        const edgeRow = r === row - ring || r === row + ring;
        for (let c = col - ring; c <= col + ring; c += edgeRow ? 1 : 2 * ring || 1) {
          if (c < 0 || c >= this.columns) continue;
          const cell = r * this.columns + c;
          for (let p = this.cellStart[cell]; p < this.cellStart[cell + 1]; p++) {
            const k = this.cellSegments[p];
            const target = this.avoidEdge[this.segmentEdge[k]] ? bestAvoided : best;
            const ax = this.vx[k];
            const ay = this.vy[k];
            const dx = this.vx[k + 1] - ax;
            const dy = this.vy[k + 1] - ay;
            const len2 = dx * dx + dy * dy;
            let u = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
            if (u < 0) u = 0;
            else if (u > 1) u = 1;
            const px = ax + u * dx - x;
            const py = ay + u * dy - y;
            const d2 = px * px + py * py;
            if (d2 < target.d2) {
              target.d2 = d2;
              target.segment = k;
              target.u = u;
            }
          }
        }
      }
    }
    let chosen = best;
    if (best.segment < 0 || (bestAvoided.segment >= 0 && Math.sqrt(best.d2) > avoidRadiusM && bestAvoided.d2 < best.d2)) chosen = bestAvoided;
    if (chosen.segment < 0) return null;
    const k = chosen.segment;
    const edge = this.segmentEdge[k];
    const along = this.vertexOffset[k] + chosen.u * (this.vertexOffset[k + 1] - this.vertexOffset[k]);
    const total = this.edgeProjectedLength[edge];
    const coords = this.graph.geomCoords;
    return {
      edge,
      t: total > 0 ? Math.min(1, Math.max(0, along / total)) : 0,
      distanceM: Math.sqrt(chosen.d2),
      lng: coords[2 * k] + chosen.u * (coords[2 * k + 2] - coords[2 * k]),
      lat: coords[2 * k + 1] + chosen.u * (coords[2 * k + 3] - coords[2 * k + 1]),
    };
  }

  /**
   * The geometry of an edge between two fractions of its length, in the
   * order given (tFrom > tTo walks it backwards), end points interpolated.
   */
  partialGeometry(edge: number, tFrom: number, tTo: number, out: Array<[number, number]>): void {
    const start = this.graph.geomStart[edge];
    const end = this.graph.geomStart[edge + 1];
    const total = this.edgeProjectedLength[edge];
    const coords = this.graph.geomCoords;
    const at = (t: number): [number, number] => {
      const target = t * total;
      for (let k = start; k + 1 < end; k++) {
        if (this.vertexOffset[k + 1] >= target || k + 2 === end) {
          const span = this.vertexOffset[k + 1] - this.vertexOffset[k];
          const u = span > 0 ? Math.min(1, Math.max(0, (target - this.vertexOffset[k]) / span)) : 0;
          return [coords[2 * k] + u * (coords[2 * k + 2] - coords[2 * k]), coords[2 * k + 1] + u * (coords[2 * k + 3] - coords[2 * k + 1])];
        }
      }
      return [coords[2 * start], coords[2 * start + 1]];
    };
    out.push(at(tFrom));
    const lo = Math.min(tFrom, tTo) * total;
    const hi = Math.max(tFrom, tTo) * total;
    if (tFrom <= tTo) {
      for (let k = start; k < end; k++) if (this.vertexOffset[k] > lo && this.vertexOffset[k] < hi) out.push([coords[2 * k], coords[2 * k + 1]]);
    } else {
      for (let k = end - 1; k >= start; k--) if (this.vertexOffset[k] > lo && this.vertexOffset[k] < hi) out.push([coords[2 * k], coords[2 * k + 1]]);
    }
    out.push(at(tTo));
  }

  private column(x: number): number {
    return Math.min(this.columns - 1, Math.max(0, Math.floor((x - this.minX) / this.cellSizeM)));
  }

  private row(y: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.minY) / this.cellSizeM)));
  }
}

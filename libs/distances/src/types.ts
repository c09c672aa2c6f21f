/**
 * The contract every distance/duration provider fulfils. The routing solver
 * consumes the flat row-major matrices directly: cell `i * n + j` is the trip
 * from point i to point j (asymmetric where one-way streets make it so).
 */

/** A WGS84 position. */
export interface LngLat {
  lng: number;
  lat: number;
}

/**
 * Value put into a matrix cell for a pair that has no path (listed in
 * `TravelMatrix.unreachable`). Finite on purpose: solvers add and subtract
 * cells, and Infinity - Infinity would turn into NaN.
 */
export const UNREACHABLE = 1e9;

/** Options of one matrix request. */
export interface MatrixOptions {
  /** Bypass the matrix cache for this request (still stores the result). */
  noCache?: boolean;
  /** Abort a long computation or a remote request. */
  signal?: AbortSignal;
}

/** A full n x n travel matrix. */
export interface TravelMatrix {
  n: number;
  /** Metres, row-major n * n; the diagonal is 0. */
  distancesM: Float64Array;
  /** Seconds, row-major n * n; the diagonal is 0. */
  durationsS: Float64Array;
  /** Pairs [from, to] without a path; their cells hold UNREACHABLE. Empty for road graphs (points snap to the main component). */
  unreachable: Array<[number, number]>;
  /** Per point, metres between the given position and where it joined the network (0 for the straight-line provider). */
  snapDistancesM: Float64Array;
  /** `name` of the provider that computed it. */
  provider: string;
  /** True when the matrix came from the cache rather than a fresh computation. */
  fromCache?: boolean;
}

/** One leg of a route: from point k to point k + 1. */
export interface RouteLeg {
  distanceM: number;
  durationS: number;
}

/** A route through points in the given order, with its geometry for the map. */
export interface RouteResult {
  distanceM: number;
  durationS: number;
  legs: RouteLeg[];
  /** [lng, lat] pairs along the road (a GeoJSON LineString's coordinates). */
  coordinates: Array<[number, number]>;
}

/** A source of travel distances and durations between points. */
export interface MatrixProvider {
  /** Short name: `straight`, `road`, `graphhopper`. */
  readonly name: string;
  /**
   * Identifies everything that changes the numbers (graph file, speeds,
   * profile): the matrix cache keys on it, so a changed setting never reuses
   * an old matrix.
   */
  readonly fingerprint: string;
  /** All-pairs distances and durations between the points. */
  matrix(points: readonly LngLat[], options?: MatrixOptions): Promise<TravelMatrix>;
  /** The route visiting the points in order, with the geometry of the whole path. */
  route(points: readonly LngLat[], options?: { signal?: AbortSignal }): Promise<RouteResult>;
}

/** Why a provider could not answer; `code` is stable for callers to switch on. */
export type DistanceErrorCode = 'bad_input' | 'graph_format' | 'remote_error' | 'remote_unreachable' | 'aborted';

/** An error from a provider or a graph reader, with a code the caller can map. */
export class DistanceError extends Error {
  constructor(
    readonly code: DistanceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DistanceError';
  }
}

/** Throws a DistanceError unless every point has finite, in-range coordinates. */
export function assertValidPoints(points: readonly LngLat[]): void {
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (!p || !Number.isFinite(p.lng) || !Number.isFinite(p.lat) || Math.abs(p.lat) > 90 || Math.abs(p.lng) > 180) {
      throw new DistanceError('bad_input', `point ${i} has no valid lng/lat: ${JSON.stringify(p)}`);
    }
  }
}

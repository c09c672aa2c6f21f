import GraphHopperMatrix from 'graphhopper-js-api-client/src/GraphHopperMatrix.js';
import GraphHopperRouting from 'graphhopper-js-api-client/src/GraphHopperRouting.js';
import { assertValidPoints, DistanceError, type LngLat, type MatrixOptions, type MatrixProvider, type RouteLeg, type RouteResult, type TravelMatrix, UNREACHABLE } from '../types';

/** Where and how to reach GraphHopper. */
export interface GraphHopperOptions {
  /** Base URL, e.g. `https://graphhopper.com/api/1` (the hosted API) or a self-hosted server. */
  url?: string;
  /** API key; optional for a self-hosted server. */
  apiKey?: string | null;
  /** Routing profile, e.g. `car`, `small_truck`, `truck`. Default `car`. */
  profile?: string;
  /** Largest number of from (and of to) points in one Matrix request; bigger matrices are requested in blocks. Default 100. */
  maxMatrixPoints?: number;
  /** Per-request timeout, ms. Default 30,000. */
  timeoutMs?: number;
}

/** The hosted GraphHopper Directions API. */
export const GRAPHHOPPER_HOSTED_URL = 'https://graphhopper.com/api/1';

interface MatrixResponse {
  distances?: Array<Array<number | null>>;
  times?: Array<Array<number | null>>;
}

interface RoutePath {
  distance?: number;
  time?: number;
  points?: { type?: string; coordinates?: number[][] } | string;
  instructions?: Array<{ distance?: number; time?: number; sign?: number }>;
}

/**
 * GraphHopper's Matrix and Routing APIs through `graphhopper-js-api-client`.
 * Matrix `times` are seconds and `distances` metres; unreachable pairs
 * (null with `fail_fast: false`) become UNREACHABLE cells. Route legs are
 * split at the "via point reached" instructions. The API key never appears
 * in an error message.
 */
export class GraphHopperProvider implements MatrixProvider {
  readonly name = 'graphhopper';
  readonly fingerprint: string;
  private readonly matrixClient: GraphHopperMatrix;
  private readonly routingClient: GraphHopperRouting;
  private readonly url: string;
  private readonly apiKey: string;
  private readonly profile: string;
  private readonly maxMatrixPoints: number;

  constructor(options: GraphHopperOptions) {
    this.url = (options.url ?? GRAPHHOPPER_HOSTED_URL).replace(/\/+$/, '');
    this.apiKey = options.apiKey ?? '';
    this.profile = options.profile ?? 'car';
    this.maxMatrixPoints = options.maxMatrixPoints ?? 100;
    if (!(this.maxMatrixPoints >= 1)) throw new RangeError(`maxMatrixPoints must be >= 1, got ${this.maxMatrixPoints}`);
    const timeout = options.timeoutMs ?? 30_000;
    // The client fills any falsy request field from these defaults, so booleans that must be false live here.
    this.matrixClient = new GraphHopperMatrix({ key: this.apiKey, host: this.url, timeout }, { profile: this.profile, out_arrays: ['distances', 'times'], fail_fast: false });
    this.routingClient = new GraphHopperRouting(
      { key: this.apiKey, host: this.url, timeout },
      { profile: this.profile, elevation: false, instructions: true, points_encoded: true, calc_points: true, locale: 'en' },
    );
    this.fingerprint = `graphhopper|${this.url}|${this.profile}`;
  }

  async matrix(points: readonly LngLat[], options: MatrixOptions = {}): Promise<TravelMatrix> {
    assertValidPoints(points);
    const n = points.length;
    const distancesM = new Float64Array(n * n);
    const durationsS = new Float64Array(n * n);
    const unreachable: Array<[number, number]> = [];
    const coords = points.map((p) => [p.lng, p.lat]);
    const block = this.maxMatrixPoints;
    for (let row = 0; row < n; row += block) {
      for (let col = 0; col < n; col += block) {
        const from = coords.slice(row, row + block);
        const to = coords.slice(col, col + block);
        const answer = (await this.call(() => this.matrixClient.doRequest({ from_points: from, to_points: to, out_arrays: ['distances', 'times'] }), options.signal)) as MatrixResponse;
        if (!Array.isArray(answer?.distances) || !Array.isArray(answer?.times)) {
          throw new DistanceError('remote_error', 'GraphHopper Matrix answer lacks distances or times');
        }
        for (let a = 0; a < from.length; a++) {
          for (let b = 0; b < to.length; b++) {
            const i = row + a;
            const j = col + b;
            if (i === j) continue;
            const d = answer.distances[a]?.[b];
            const t = answer.times[a]?.[b];
            if (d === null || t === null || d === undefined || t === undefined || !Number.isFinite(d) || !Number.isFinite(t)) {
              if (d === undefined || t === undefined) throw new DistanceError('remote_error', `GraphHopper Matrix answer has no cell ${a},${b} for a ${from.length}x${to.length} request`);
              distancesM[i * n + j] = UNREACHABLE;
              durationsS[i * n + j] = UNREACHABLE;
              unreachable.push([i, j]);
            } else {
              distancesM[i * n + j] = d;
              durationsS[i * n + j] = t;
            }
          }
        }
      }
    }
    return { n, distancesM, durationsS, unreachable, snapDistancesM: new Float64Array(n), provider: this.name };
  }

  async route(points: readonly LngLat[], options: { signal?: AbortSignal } = {}): Promise<RouteResult> {
    assertValidPoints(points);
    if (points.length < 2) {
      return { distanceM: 0, durationS: 0, legs: [], coordinates: points.map((p): [number, number] => [p.lng, p.lat]) };
    }
    const answer = (await this.call(() => this.routingClient.doRequest({ points: points.map((p) => [p.lng, p.lat]) }), options.signal)) as { paths?: RoutePath[] };
    const path = answer?.paths?.[0];
    if (!path || typeof path.distance !== 'number' || typeof path.time !== 'number') throw new DistanceError('remote_error', 'GraphHopper Routing answer has no path');
    const coordinates = typeof path.points === 'object' && Array.isArray(path.points.coordinates) ? path.points.coordinates.map((c): [number, number] => [c[0], c[1]]) : [];
    return { distanceM: path.distance, durationS: path.time / 1000, legs: splitLegs(path, points.length - 1), coordinates };
  }

  /** Runs a client call, honouring the abort signal and turning its errors into DistanceErrors without the key. */
  private async call(request: () => Promise<unknown>, signal?: AbortSignal): Promise<unknown> {
    if (signal?.aborted) throw new DistanceError('aborted', 'the GraphHopper request was aborted');
    let onAbort: (() => void) | null = null;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new DistanceError('aborted', 'the GraphHopper request was aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([request(), aborted]);
    } catch (error) {
      if (error instanceof DistanceError) throw error;
      const message = this.scrub(error instanceof Error ? error.message : String(error));
      // The client reports a transport failure (no HTTP answer at all) as "undefined - for url ...".
      if (/^(undefined|Error: (connect|getaddrinfo|read|socket))/.test(message) || /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|timeout/i.test(message)) {
        throw new DistanceError('remote_unreachable', `GraphHopper at ${this.url} did not answer: ${message}`);
      }
      throw new DistanceError('remote_error', `GraphHopper refused the request: ${message}`);
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      aborted.catch(() => undefined);
    }
  }

  private scrub(message: string): string {
    let out = message;
    if (this.apiKey) out = out.split(this.apiKey).join('***');
    return out.replace(/([?&]key=)[^&\s]*/g, '$1***');
  }
}

/**
 * Leg distances and durations from the instructions: each leg ends at a
 * "via point reached" (sign 5) or the finish (sign 4). Without instructions
 * a two-point route is one leg; otherwise the answer cannot be split.
 */
function splitLegs(path: RoutePath, legCount: number): RouteLeg[] {
  const total = { distanceM: path.distance ?? 0, durationS: (path.time ?? 0) / 1000 };
  if (legCount === 1) return [total];
  const legs: RouteLeg[] = [];
  let current = { distanceM: 0, durationS: 0 };
  for (const step of path.instructions ?? []) {
    current.distanceM += step.distance ?? 0;
    current.durationS += (step.time ?? 0) / 1000;
    if (step.sign === 5 || step.sign === 4) {
      legs.push(current);
      current = { distanceM: 0, durationS: 0 };
    }
  }
  if (legs.length !== legCount) throw new DistanceError('remote_error', `GraphHopper route has ${legs.length} legs in its instructions, expected ${legCount}`);
  return legs;
}

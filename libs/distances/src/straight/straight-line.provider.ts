import { haversineM } from '../geo';
import { assertValidPoints, LngLat, MatrixProvider, RouteResult, TravelMatrix } from '../types';

/** Settings of the straight-line provider. */
export interface StraightLineOptions {
  /** Road distance over great-circle distance; about 1.3 in a city grid. */
  detourFactor?: number;
  /** Average driving speed over the detoured distance, km/h. */
  speedKmh?: number;
}

/**
 * Great-circle distance times a detour factor, at a constant speed. Always
 * available; the fallback when no road data or routing server is configured.
 */
export class StraightLineProvider implements MatrixProvider {
  readonly name = 'straight';
  readonly fingerprint: string;
  readonly detourFactor: number;
  readonly speedKmh: number;

  constructor(options: StraightLineOptions = {}) {
    this.detourFactor = options.detourFactor ?? 1.3;
    this.speedKmh = options.speedKmh ?? 25;
    if (!(this.detourFactor >= 1)) throw new RangeError(`detourFactor must be >= 1, got ${this.detourFactor}`);
    if (!(this.speedKmh > 0)) throw new RangeError(`speedKmh must be > 0, got ${this.speedKmh}`);
    this.fingerprint = `straight:detour=${this.detourFactor}:speed=${this.speedKmh}`;
  }

  /** Distance in metres and duration in seconds of the trip from a to b. */
  leg(a: LngLat, b: LngLat): { distanceM: number; durationS: number } {
    const distanceM = haversineM(a.lng, a.lat, b.lng, b.lat) * this.detourFactor;
    return { distanceM, durationS: distanceM / (this.speedKmh / 3.6) };
  }

  async matrix(points: readonly LngLat[]): Promise<TravelMatrix> {
    assertValidPoints(points);
    const n = points.length;
    const distancesM = new Float64Array(n * n);
    const durationsS = new Float64Array(n * n);
    const metresPerSecond = this.speedKmh / 3.6;
    for (let i = 0; i < n; i++) {
      const a = points[i];
      for (let j = i + 1; j < n; j++) {
        const b = points[j];
        const d = haversineM(a.lng, a.lat, b.lng, b.lat) * this.detourFactor;
        distancesM[i * n + j] = d;
        distancesM[j * n + i] = d;
        durationsS[i * n + j] = d / metresPerSecond;
        durationsS[j * n + i] = d / metresPerSecond;
      }
    }
    return { n, distancesM, durationsS, unreachable: [], snapDistancesM: new Float64Array(n), provider: this.name };
  }

  async route(points: readonly LngLat[]): Promise<RouteResult> {
    assertValidPoints(points);
    const legs = [];
    for (let k = 0; k + 1 < points.length; k++) legs.push(this.leg(points[k], points[k + 1]));
    return {
      distanceM: legs.reduce((s, l) => s + l.distanceM, 0),
      durationS: legs.reduce((s, l) => s + l.durationS, 0),
      legs,
      coordinates: points.map((p): [number, number] => [p.lng, p.lat]),
    };
  }
}

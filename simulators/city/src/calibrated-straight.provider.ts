import { assertValidPoints, haversineM, type LngLat, type MatrixProvider, type RouteResult, type TravelMatrix } from '@vulgraad/distances';

/** Settings of a straight-line provider fitted to a sample of real road legs. */
export interface CalibratedLegModel {
  /** Road metres per straight-line metre. */
  detourFactor: number;
  /** Speed over the road distance once moving, km/h. */
  speedKmh: number;
  /** Seconds every leg costs on top (pulling out, junctions, parking the truck). */
  legOverheadS: number;
  /**
   * Speed on short legs through residential streets, km/h: a leg takes at most
   * distance over this speed (the overhead-plus-speed line, fitted on long legs,
   * overstates the short hops between neighbouring clusters).
   */
  streetSpeedKmh?: number;
}

/**
 * Straight-line distance times a detour factor, and a duration of a fixed
 * overhead plus distance over speed (the shape of a least-squares fit of
 * duration on distance over real road legs), or distance at street speed
 * when that is quicker (short hops). Stands in for a road graph where there
 * is none (the Groningen-like city).
 */
export class CalibratedStraightLineProvider implements MatrixProvider {
  readonly name = 'straight-calibrated';
  readonly fingerprint: string;

  constructor(readonly model: CalibratedLegModel) {
    if (!(model.detourFactor >= 1) || !(model.speedKmh > 0) || !(model.legOverheadS >= 0)) throw new RangeError('detourFactor >= 1, speedKmh > 0 and legOverheadS >= 0 are required');
    if (model.streetSpeedKmh !== undefined && !(model.streetSpeedKmh > 0)) throw new RangeError('streetSpeedKmh must be positive');
    this.fingerprint = `straight-calibrated:detour=${model.detourFactor}:speed=${model.speedKmh}:overhead=${model.legOverheadS}:street=${model.streetSpeedKmh ?? 'none'}`;
  }

  /** One leg: metres and seconds. */
  leg(a: LngLat, b: LngLat): { distanceM: number; durationS: number } {
    const distanceM = haversineM(a.lng, a.lat, b.lng, b.lat) * this.model.detourFactor;
    if (!(distanceM > 0)) return { distanceM: 0, durationS: 0 };
    const fitted = this.model.legOverheadS + distanceM / (this.model.speedKmh / 3.6);
    const street = this.model.streetSpeedKmh ? distanceM / (this.model.streetSpeedKmh / 3.6) : Infinity;
    return { distanceM, durationS: Math.min(fitted, street) };
  }

  async matrix(points: readonly LngLat[]): Promise<TravelMatrix> {
    assertValidPoints(points);
    const n = points.length;
    const distancesM = new Float64Array(n * n);
    const durationsS = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const { distanceM, durationS } = this.leg(points[i] as LngLat, points[j] as LngLat);
        distancesM[i * n + j] = distanceM;
        distancesM[j * n + i] = distanceM;
        durationsS[i * n + j] = durationS;
        durationsS[j * n + i] = durationS;
      }
    }
    return { n, distancesM, durationsS, unreachable: [], snapDistancesM: new Float64Array(n), provider: this.name };
  }

  async route(points: readonly LngLat[]): Promise<RouteResult> {
    assertValidPoints(points);
    const legs = [];
    for (let k = 0; k + 1 < points.length; k++) legs.push(this.leg(points[k] as LngLat, points[k + 1] as LngLat));
    return {
      distanceM: legs.reduce((s, l) => s + l.distanceM, 0),
      durationS: legs.reduce((s, l) => s + l.durationS, 0),
      legs,
      coordinates: points.map((p): [number, number] => [p.lng, p.lat]),
    };
  }
}

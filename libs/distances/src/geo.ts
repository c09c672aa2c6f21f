/** Mean Earth radius used by every haversine in the library, metres. */
export const EARTH_RADIUS_M = 6_371_008.8;

const RAD = Math.PI / 180;

/** Great-circle distance between two WGS84 positions, metres. */
export function haversineM(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLng = (lng2 - lng1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * A local equirectangular projection around a reference latitude: metres
 * east/north. Accurate to well under 0.1 % over a city, and far cheaper than
 * haversine in the snapping inner loop.
 */
export class LocalProjection {
  readonly metresPerDegLat = EARTH_RADIUS_M * RAD;
  readonly metresPerDegLng: number;

  constructor(readonly refLat: number) {
    this.metresPerDegLng = EARTH_RADIUS_M * RAD * Math.cos(refLat * RAD);
  }

  x(lng: number): number {
    return lng * this.metresPerDegLng;
  }

  y(lat: number): number {
    return lat * this.metresPerDegLat;
  }
}

/** Small spherical helpers; accurate to well under a metre at city scale. */

const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Great-circle distance in metres. */
export function haversineM(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLng = (lng2 - lng1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** The point `eastM` metres east and `northM` metres north of (lng, lat). */
export function offsetM(lng: number, lat: number, eastM: number, northM: number): { lng: number; lat: number } {
  return {
    lng: lng + eastM / (EARTH_RADIUS_M * Math.cos(lat * RAD)) / RAD,
    lat: lat + northM / EARTH_RADIUS_M / RAD,
  };
}

/** Local planar coordinates in metres around an origin (equirectangular). */
export function toLocalM(lng: number, lat: number, originLng: number, originLat: number): { x: number; y: number } {
  return {
    x: (lng - originLng) * RAD * EARTH_RADIUS_M * Math.cos(originLat * RAD),
    y: (lat - originLat) * RAD * EARTH_RADIUS_M,
  };
}

/** Eight-point compass label of a bearing from the centre (0 = north, clockwise). */
export function compassLabel(eastM: number, northM: number): string {
  const labels = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
  const bearing = (Math.atan2(eastM, northM) / RAD + 360) % 360;
  return labels[Math.round(bearing / 45) % 8] as string;
}

import type { WasteFraction } from '@vulgraad/contracts';
import { haversineM } from '@vulgraad/distances';

/** A truck's position at a moment, as the proof keeps it. */
export interface TrackPoint {
  atMs: number;
  lat: number;
  lng: number;
}

/** A truck, the fractions it collects and where it was recently (oldest first). */
export interface NearbyTruck {
  vehicleId: string;
  fractions: readonly WasteFraction[];
  track: readonly TrackPoint[];
}

export interface FillDropProofInput {
  container: { lat: number; lng: number; wasteType: WasteFraction };
  previousFillPct: number | null;
  fillPct: number | null;
  /** When the reading that shows the drop was measured. */
  measuredAtMs: number;
  trucks: Iterable<NearbyTruck>;
}

export interface FillDropProofOptions {
  radiusM: number;
  windowS: number;
  dropPct: number;
}

/**
 * Proof of service without anyone tapping: the fill fell by at least
 * `dropPct` points between two readings, and a truck that collects the
 * container's fraction was within `radiusM` of it within `windowS` of the
 * reading. Returns the nearest such truck, or null.
 */
export function fillDropProof(input: FillDropProofInput, options: FillDropProofOptions): { vehicleId: string; distanceM: number; atMs: number } | null {
  if (input.previousFillPct === null || input.fillPct === null) return null;
  if (input.previousFillPct - input.fillPct < options.dropPct) return null;
  let best: { vehicleId: string; distanceM: number; atMs: number } | null = null;
  const windowMs = options.windowS * 1000;
  for (const truck of input.trucks) {
    if (!truck.fractions.includes(input.container.wasteType)) continue;
    for (const point of truck.track) {
      if (Math.abs(point.atMs - input.measuredAtMs) > windowMs) continue;
      const distanceM = haversineM(point.lng, point.lat, input.container.lng, input.container.lat);
      if (distanceM <= options.radiusM && (!best || distanceM < best.distanceM)) best = { vehicleId: truck.vehicleId, distanceM, atMs: point.atMs };
    }
  }
  return best;
}

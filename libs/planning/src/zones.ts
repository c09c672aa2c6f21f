import type { LngLat } from '@vulgraad/distances';
import { addDays, assertDate } from '@vulgraad/time';
import { isCollectionDay, nextCollectionDay } from './settings';
import type { DistrictSettings } from './types';

/**
 * Collection zones: a district split into `zoneDays` parts that take turns.
 * On each collection day one zone is "due": its containers are emptied when
 * they would not last until the zone's next turn, so the day's stops lie
 * close together instead of all over the district. Containers of the other
 * zones are emptied only when they cannot wait until the next shift (as
 * without zones). With `zoneDays` 1 (the default) there are no zones.
 */

/** A Monday long ago: collection days are counted from here, so a zone's turn does not depend on when planning started. */
const EPOCH = '2000-01-03';
const DAY_MS = 86_400_000;

/** Whole days from the epoch to a date. */
function daysFromEpoch(date: string): number {
  assertDate(date);
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${EPOCH}T00:00:00Z`)) / DAY_MS);
}

/** How many collection days lie in [epoch, date). */
export function collectionDaysBefore(settings: Pick<DistrictSettings, 'collectionDays'>, date: string): number {
  const days = daysFromEpoch(date);
  if (days < 0) throw new RangeError(`dates before ${EPOCH} are not counted`);
  const perWeek = new Set(settings.collectionDays).size;
  let count = Math.floor(days / 7) * perWeek;
  const rest = days % 7;
  const restStart = addDays(EPOCH, days - rest);
  for (let k = 0; k < rest; k++) if (isCollectionDay(settings, addDays(restStart, k))) count++;
  return count;
}

/** The zone due on a collection day (0 .. zoneDays-1); 0 when there are no zones. */
export function zoneDueOn(settings: Pick<DistrictSettings, 'collectionDays' | 'zoneDays'>, date: string): number {
  const zones = zoneCountOf(settings);
  return zones <= 1 ? 0 : collectionDaysBefore(settings, date) % zones;
}

/** The collection day `n` collection days after `date` (n >= 1). */
export function nthCollectionDayAfter(settings: Pick<DistrictSettings, 'collectionDays'>, date: string, n: number): string {
  let day = date;
  for (let k = 0; k < n; k++) day = nextCollectionDay(settings, day);
  return day;
}

export function zoneCountOf(settings: Pick<DistrictSettings, 'zoneDays'>): number {
  const z = settings.zoneDays ?? 1;
  return Number.isInteger(z) && z > 1 ? z : 1;
}

/**
 * Splits containers into `zones` parts by sweeping around their centre: pie
 * slices, each a compact part of the district that a route from anywhere
 * reaches without crossing the others. Each slice gets an equal share of the
 * total `weight` (default 1 per container: equal counts); weighed by how fast
 * each container fills, every zone's turn brings about the same work, so no
 * day asks more of the trucks than another. Deterministic for the same
 * containers and weights (ties broken by id); ids map to 0 .. zones-1.
 */
export function assignZones(
  containers: ReadonlyArray<LngLat & { id: string }>,
  zones: number,
  weight: (id: string) => number = () => 1,
): Map<string, number> {
  const out = new Map<string, number>();
  if (zones <= 1 || containers.length === 0) {
    for (const c of containers) out.set(c.id, 0);
    return out;
  }
  let lng = 0;
  let lat = 0;
  for (const c of containers) {
    lng += c.lng;
    lat += c.lat;
  }
  lng /= containers.length;
  lat /= containers.length;
  const kx = Math.cos((lat * Math.PI) / 180);
  const sorted = containers
    .map((c) => ({ id: c.id, angle: Math.atan2(c.lat - lat, (c.lng - lng) * kx) }))
    .sort((a, b) => a.angle - b.angle || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // Start the sweep in the widest empty gap between neighbours, so no slice spans it.
  let start = 0;
  let widest = -1;
  for (let i = 0; i < sorted.length; i++) {
    const prev = sorted[(i - 1 + sorted.length) % sorted.length].angle;
    const gap = (sorted[i].angle - prev + 2 * Math.PI) % (2 * Math.PI);
    if (gap > widest) {
      widest = gap;
      start = i;
    }
  }
  const weights = sorted.map((c) => {
    const w = weight(c.id);
    return Number.isFinite(w) && w > 0 ? w : 0;
  });
  const total = weights.reduce((a, b) => a + b, 0);
  let before = 0;
  for (let k = 0; k < sorted.length; k++) {
    const i = (start + k) % sorted.length;
    const w = weights[i] as number;
    // A container belongs to the slice its weight's middle falls in; equal weights give equal counts.
    const share = total > 0 ? (before + w / 2) / total : (k + 0.5) / sorted.length;
    out.set(sorted[i].id, Math.min(zones - 1, Math.floor(share * zones)));
    before += w;
  }
  return out;
}

/**
 * How fast a container fills on average, percent per hour, from its learned
 * weekly pattern; null before it has learned anything. The weight that
 * balances zones by work rather than by count.
 */
export function meanFillRatePctPerH(model: { slotIncrementPct: readonly number[]; slotExposureH: readonly number[] }): number | null {
  let increment = 0;
  let exposure = 0;
  for (let i = 0; i < model.slotIncrementPct.length; i++) {
    increment += model.slotIncrementPct[i] as number;
    exposure += (model.slotExposureH[i] as number) ?? 0;
  }
  return exposure > 0 && increment > 0 ? increment / exposure : null;
}

import type { LngLat } from '@vulgraad/distances';
import { addDays, assertDate, isoWeekday } from './local-time';
import { isCollectionDay } from './settings';
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
  if (settings.collectionDays.length === 0) throw new RangeError('collectionDays is empty');
  let found = 0;
  let day = date;
  while (found < n) {
    day = addDays(day, 1);
    if (settings.collectionDays.includes(isoWeekday(day))) found++;
  }
  return day;
}

export function zoneCountOf(settings: Pick<DistrictSettings, 'zoneDays'>): number {
  const z = settings.zoneDays ?? 1;
  return Number.isInteger(z) && z > 1 ? z : 1;
}

/**
 * Splits containers into `zones` parts of (nearly) equal count by sweeping
 * around their centre: pie slices, each a compact part of the district that
 * a route from anywhere reaches without crossing the others. Deterministic
 * for the same containers (ties broken by id); ids map to 0 .. zones-1.
 */
export function assignZones(containers: ReadonlyArray<LngLat & { id: string }>, zones: number): Map<string, number> {
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
  for (let k = 0; k < sorted.length; k++) {
    const item = sorted[(start + k) % sorted.length];
    out.set(item.id, Math.min(zones - 1, Math.floor((k * zones) / sorted.length)));
  }
  return out;
}

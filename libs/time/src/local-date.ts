import { DateTime, IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The Luxon zone of an IANA name; an unknown name is a RangeError, never a NaN further on. */
function zoneOf(timeZone: string): IANAZone {
  // Luxon keeps one zone object per name and checks the name once, when it makes it.
  const zone = IANAZone.create(timeZone);
  if (!zone.isValid) throw new RangeError(`unknown time zone "${timeZone}"`);
  return zone;
}

function offsetMs(atMs: number, zone: IANAZone): number {
  return Math.round(zone.offset(atMs) * MINUTE_MS);
}

/** Offset of a zone from UTC at an instant, ms (local wall clock = UTC + offset). */
export function zoneOffsetMs(atMs: number, timeZone: string): number {
  return offsetMs(atMs, zoneOf(timeZone));
}

/**
 * The instant a wall-clock time happens in a zone. The wall clock is given as
 * the epoch ms of the same fields read as UTC (`Date.UTC(y, m - 1, d, hh, mm)`).
 * The offset is settled in two passes, starting from the offset in force at
 * the wall time read as UTC. Around a daylight-saving change this leans the
 * way the zone lies from UTC (specs pin both): east of UTC a time the clocks
 * skip comes one hour later and a repeated time gives its second occurrence;
 * west of UTC a skipped time comes one hour earlier and a repeated time gives
 * its first occurrence.
 */
export function wallClockToMs(wallMs: number, timeZone: string): number {
  const zone = zoneOf(timeZone);
  let guess = wallMs - offsetMs(wallMs, zone);
  guess = wallMs - offsetMs(guess, zone);
  return guess;
}

/** Throws a RangeError unless `date` is a real calendar date written YYYY-MM-DD. */
export function assertDate(date: string): void {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`expected a date YYYY-MM-DD, got "${date}"`);
}

/** Epoch ms of a date's midnight read as UTC: the start of its wall-clock day. */
function wallDayMs(date: string): number {
  assertDate(date);
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d);
}

/** The instant a local time of day (minutes after midnight) happens on a local date in a zone (see wallClockToMs for daylight-saving changes). */
export function localTimeMs(date: string, minutes: number, timeZone: string): number {
  return wallClockToMs(wallDayMs(date) + minutes * MINUTE_MS, timeZone);
}

/** Local midnight of a date, epoch ms. */
export function localMidnightMs(date: string, timeZone: string): number {
  return localTimeMs(date, 0, timeZone);
}

/** The local date (YYYY-MM-DD) of an instant. */
export function localDateOf(atMs: number, timeZone: string): string {
  const local = DateTime.fromMillis(atMs, { zone: zoneOf(timeZone) });
  return `${String(local.year).padStart(4, '0')}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
}

/** Minutes after local midnight of an instant, seconds as a fraction (milliseconds dropped). */
export function localMinutesOf(atMs: number, timeZone: string): number {
  const local = DateTime.fromMillis(atMs, { zone: zoneOf(timeZone) });
  return local.hour * 60 + local.minute + local.second / 60;
}

/** The date `days` calendar days after `date`. */
export function addDays(date: string, days: number): string {
  return new Date(wallDayMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a date: Monday = 1 .. Sunday = 7. */
export function isoWeekday(date: string): number {
  return ((new Date(wallDayMs(date)).getUTCDay() + 6) % 7) + 1;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock fields of an instant in a zone. */
function wallClock(atMs: number, timeZone: string): { y: number; m: number; d: number; hh: number; mm: number; ss: number } {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(atMs)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { y: parts.year, m: parts.month, d: parts.day, hh: parts.hour % 24, mm: parts.minute, ss: parts.second };
}

/** Offset of the zone from UTC at an instant, milliseconds (local = UTC + offset). */
function offsetMs(atMs: number, timeZone: string): number {
  const w = wallClock(atMs, timeZone);
  return Date.UTC(w.y, w.m - 1, w.d, w.hh, w.mm, w.ss) - Math.floor(atMs / 1000) * 1000;
}

/** Throws a RangeError unless `date` is a real calendar date written YYYY-MM-DD. */
export function assertDate(date: string): void {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`expected a date YYYY-MM-DD, got "${date}"`);
}

/** The instant a local time of day (minutes after midnight) happens on a local date in a zone. */
export function localTimeMs(date: string, minutes: number, timeZone: string): number {
  assertDate(date);
  const [y, m, d] = date.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d) + minutes * 60_000;
  // Two passes settle the offset across a daylight-saving change.
  let guess = wall - offsetMs(wall, timeZone);
  guess = wall - offsetMs(guess, timeZone);
  return guess;
}

/** Local midnight of a date, epoch ms. */
export function localMidnightMs(date: string, timeZone: string): number {
  return localTimeMs(date, 0, timeZone);
}

/** The local date (YYYY-MM-DD) of an instant. */
export function localDateOf(atMs: number, timeZone: string): string {
  const w = wallClock(atMs, timeZone);
  return `${String(w.y).padStart(4, '0')}-${String(w.m).padStart(2, '0')}-${String(w.d).padStart(2, '0')}`;
}

/** Minutes after local midnight of an instant. */
export function localMinutesOf(atMs: number, timeZone: string): number {
  const w = wallClock(atMs, timeZone);
  return w.hh * 60 + w.mm + w.ss / 60;
}

/** The date `days` calendar days after `date`. */
export function addDays(date: string, days: number): string {
  assertDate(date);
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a date: Monday = 1 .. Sunday = 7. */
export function isoWeekday(date: string): number {
  assertDate(date);
  const [y, m, d] = date.split('-').map(Number);
  return ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
}

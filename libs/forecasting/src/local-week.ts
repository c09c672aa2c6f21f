import type { LocalWeekClock } from '@vulgraad/time';

// The local hour of the week comes from @vulgraad/time, the one place that does time-zone arithmetic.
export { HOURS_PER_WEEK, LocalWeekClock } from '@vulgraad/time';

const HOUR_MS = 3_600_000;

/**
 * Calls `visit(slot, hours)` for each piece of [fromMs, toMs) that lies in
 * one UTC hour, in time order. Hours is the piece's length.
 */
export function forEachHourPiece(clock: LocalWeekClock, fromMs: number, toMs: number, visit: (slot: number, hours: number) => void): void {
  let t = fromMs;
  while (t < toMs) {
    const hourEnd = (Math.floor(t / HOUR_MS) + 1) * HOUR_MS;
    const end = hourEnd < toMs ? hourEnd : toMs;
    visit(clock.slotOf(t), (end - t) / HOUR_MS);
    t = end;
  }
}

const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of a zone from UTC at an instant, ms (local wall clock = UTC + offset). */
function zoneOffsetMs(atMs: number, timeZone: string): number {
  let formatter = wallClockFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    wallClockFormatters.set(timeZone, formatter);
  }
  const f: Record<string, number> = {};
  for (const part of formatter.formatToParts(atMs)) if (part.type !== 'literal') f[part.type] = Number(part.value);
  return Date.UTC(f.year as number, (f.month as number) - 1, f.day as number, (f.hour as number) % 24, f.minute as number, f.second as number) - Math.floor(atMs / 1000) * 1000;
}

/**
 * The instant a wall-clock time (epoch ms of the same fields read as UTC)
 * happens in a zone. In the hour a daylight-saving change repeats, the first
 * occurrence; in the hour it skips, the time one hour later.
 */
export function wallClockToMs(wallMs: number, timeZone: string): number {
  let guess = wallMs - zoneOffsetMs(wallMs, timeZone);
  guess = wallMs - zoneOffsetMs(guess, timeZone);
  return guess;
}

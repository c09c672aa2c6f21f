const HOUR_MS = 3_600_000;
const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** Slots in a week: one per local hour, Monday 00:00 first. */
export const HOURS_PER_WEEK = 168;

/**
 * Maps an instant to its local hour of the week (0 = Monday 00:00 .. 167 =
 * Sunday 23:00) in one IANA time zone. Results are cached per UTC hour, so
 * the Intl formatter runs once per hour of history, not once per reading.
 * Zones with a half-hour offset are bucketed by the local hour in which the
 * UTC hour starts.
 */
export class LocalWeekClock {
  private static readonly shared = new Map<string, LocalWeekClock>();
  private readonly cache = new Map<number, number>();
  private readonly formatter: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    // Throws RangeError for an unknown zone, which is what a caller should see.
    this.formatter = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', hourCycle: 'h23' });
  }

  /** One clock per zone for the whole process: the cache is the point. */
  static for(timeZone: string): LocalWeekClock {
    let clock = LocalWeekClock.shared.get(timeZone);
    if (!clock) {
      clock = new LocalWeekClock(timeZone);
      LocalWeekClock.shared.set(timeZone, clock);
    }
    return clock;
  }

  /** Local hour of the week of an instant, 0..167. */
  slotOf(atMs: number): number {
    const hourIndex = Math.floor(atMs / HOUR_MS);
    let slot = this.cache.get(hourIndex);
    if (slot === undefined) {
      slot = this.compute(hourIndex * HOUR_MS);
      if (this.cache.size > 500_000) this.cache.clear();
      this.cache.set(hourIndex, slot);
    }
    return slot;
  }

  /** Local hour of day, 0..23. */
  hourOf(atMs: number): number {
    return this.slotOf(atMs) % 24;
  }

  private compute(atMs: number): number {
    let weekday = 0;
    let hour = 0;
    for (const part of this.formatter.formatToParts(atMs)) {
      if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? 0;
      else if (part.type === 'hour') hour = Number(part.value) % 24;
    }
    return weekday * 24 + hour;
  }
}

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

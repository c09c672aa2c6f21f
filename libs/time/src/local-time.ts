import { DateTime, IANAZone } from 'luxon';

const HOUR_MS = 3_600_000;

/** Slots in a week: one per local hour, Monday 00:00 first. */
export const HOURS_PER_WEEK = 168;

/** Throws a RangeError unless Luxon (and so the ICU data of Node) knows the IANA zone. */
export function assertTimeZone(timeZone: string): void {
  if (!IANAZone.isValidZone(timeZone)) throw new RangeError(`unknown time zone "${timeZone}"`);
}

/** Local hour of the week of an instant in a zone: 0 = Monday 00:00 .. 167 = Sunday 23:00. */
export function localWeekSlotOf(atMs: number, timeZone: string): number {
  const local = DateTime.fromMillis(atMs, { zone: timeZone });
  return (local.weekday - 1) * 24 + local.hour;
}

/** Whole minutes after local midnight of an instant in a zone (seconds dropped). */
export function localMinutesOfDay(atMs: number, timeZone: string): number {
  const local = DateTime.fromMillis(atMs, { zone: timeZone });
  return local.hour * 60 + local.minute;
}

/**
 * Maps an instant to its local hour of the week in one IANA time zone.
 * Results are cached per UTC hour, so the zone arithmetic runs once per hour
 * of history, not once per reading. Zones with a half-hour offset are
 * bucketed by the local hour in which the UTC hour starts.
 */
export class LocalWeekClock {
  private static readonly shared = new Map<string, LocalWeekClock>();
  private readonly cache = new Map<number, number>();

  constructor(readonly timeZone: string) {
    // An unknown zone is the caller's mistake and should be seen at once.
    assertTimeZone(timeZone);
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
      slot = localWeekSlotOf(hourIndex * HOUR_MS, this.timeZone);
      if (this.cache.size > 500_000) this.cache.clear();
      this.cache.set(hourIndex, slot);
    }
    return slot;
  }

  /** Local hour of day, 0..23. */
  hourOf(atMs: number): number {
    return this.slotOf(atMs) % 24;
  }

  /** Local weekday, 0 = Monday .. 6 = Sunday. */
  weekdayOf(atMs: number): number {
    return Math.floor(this.slotOf(atMs) / 24);
  }
}

/**
 * The next instant after `afterMs` at which the local clock of `timeZone`
 * shows `dailyAtMin` minutes after midnight, once a day: when the clocks go
 * back and the time happens twice, only the first counts (a daily job runs
 * once that day too); when they go forward past it, the time does not exist
 * that day and comes an hour late (the same distance from midnight in the
 * new offset).
 */
export function nextDailyOccurrence(afterMs: number, dailyAtMin: number, timeZone: string): number {
  const hour = Math.floor(dailyAtMin / 60);
  const minute = dailyAtMin % 60;
  const today = DateTime.fromMillis(afterMs, { zone: timeZone }).startOf('day');
  for (let days = 0; days <= 2; days++) {
    const occurrence = occurrenceOn(today.plus({ days }), hour, minute, timeZone);
    if (occurrence > afterMs) return occurrence;
  }
  throw new RangeError(`no local ${dailyAtMin} minutes after midnight within two days in ${timeZone}`);
}

/** The first instant of a local day whose wall clock shows hour:minute, or the instant Luxon moves a time in a gap to. */
function occurrenceOn(day: DateTime, hour: number, minute: number, timeZone: string): number {
  const wall = day.set({ hour, minute, second: 0, millisecond: 0 }).toMillis();
  // Every instant that shows this wall time on this day lies within an hour of Luxon's pick.
  const showing = [wall - HOUR_MS, wall, wall + HOUR_MS].find((t) => {
    const local = DateTime.fromMillis(t, { zone: timeZone });
    return local.hasSame(day, 'day') && local.hour === hour && local.minute === minute;
  });
  return showing ?? wall;
}

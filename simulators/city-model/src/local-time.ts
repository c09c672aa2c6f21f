/**
 * Local hour of day and weekday of an instant in the city's time zone.
 * Deposit rates are given per local clock hour; the engine works on UTC hour
 * boundaries, which coincide with local ones in every zone whose offset is a
 * whole number of hours (all of the Netherlands, summer and winter time).
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Slots of a weekly profile: weekday (0 = Monday) x 24 + hour. */
export const WEEK_SLOTS = 168;

// Bound once: a global lookup per call is slow inside sandboxed contexts (Jest).
const { floor } = Math;

const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** Maps UTC hours to local (weekday, hour) slots, with a cache: one Intl call per distinct hour. */
export class LocalSlots {
  private readonly formatter: Intl.DateTimeFormat;
  private readonly cache = new Map<number, number>();

  constructor(readonly timeZone: string) {
    this.formatter = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', hourCycle: 'h23' });
  }

  /** Slot 0..167 (weekday x 24 + hour, Monday = 0) of the hour that contains the instant. */
  slotOf(timeMs: number): number {
    const hourIndex = floor(timeMs / HOUR_MS);
    const cached = this.cache.get(hourIndex);
    if (cached !== undefined) return cached;
    let weekday = 0;
    let hour = 0;
    for (const part of this.formatter.formatToParts(new Date(hourIndex * HOUR_MS))) {
      if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? 0;
      else if (part.type === 'hour') hour = Number(part.value);
    }
    const slot = weekday * 24 + hour;
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(hourIndex, slot);
    return slot;
  }

  hourOf(timeMs: number): number {
    return this.slotOf(timeMs) % 24;
  }

  weekdayOf(timeMs: number): number {
    return Math.floor(this.slotOf(timeMs) / 24);
  }
}

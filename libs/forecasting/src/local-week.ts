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

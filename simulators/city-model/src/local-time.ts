// Deposit rates are given per local clock hour (LocalWeekClock of
// @vulgraad/time maps an instant to its weekday and hour); the engine works on
// UTC hour boundaries, which coincide with local ones in every zone whose
// offset is a whole number of hours (all of the Netherlands, summer and winter time).

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Slots of a weekly profile: weekday (0 = Monday) x 24 + hour. */
export const WEEK_SLOTS = 168;

export { assertTimeZone, HOURS_PER_WEEK, localMinutesOfDay, localWeekSlotOf, LocalWeekClock, nextDailyOccurrence } from './local-time';
export { addDays, assertDate, isoWeekday, localDateOf, localMidnightMs, localMinutesOf, localTimeMs, wallClockToMs, zoneOffsetMs } from './local-date';

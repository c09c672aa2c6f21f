export { assertTimeZone, HOURS_PER_WEEK, localMinutesOfDay, localWeekSlotOf, LocalWeekClock, nextDailyOccurrence } from './local-time';

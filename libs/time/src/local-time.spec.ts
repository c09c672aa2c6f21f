import { assertTimeZone, localMinutesOfDay, localWeekSlotOf, LocalWeekClock, nextDailyOccurrence } from './local-time';

const AMS = 'Europe/Amsterdam';
const iso = (ms: number): string => new Date(ms).toISOString();

describe(LocalWeekClock.name, () => {
  const sut = new LocalWeekClock(AMS);

  it('maps local Monday midnight to slot 0 and Sunday 23:00 to 167', () => {
    expect(sut.slotOf(Date.UTC(2023, 11, 31, 23, 0))).toBe(0); // Mon 1 Jan 2024 00:00 CET
    expect(sut.slotOf(Date.UTC(2024, 0, 7, 22, 30))).toBe(167); // Sun 7 Jan 23:30 CET
  });

  it('follows daylight saving time for hour and weekday', () => {
    expect(sut.hourOf(Date.UTC(2024, 6, 1, 12))).toBe(14); // CEST, UTC+2
    expect(sut.hourOf(Date.UTC(2024, 0, 1, 12))).toBe(13); // CET, UTC+1
    expect(sut.slotOf(Date.parse('2024-06-30T22:10:00Z'))).toBe(0); // Monday 00:10 CEST
    expect(sut.weekdayOf(Date.parse('2024-06-29T12:00:00Z'))).toBe(5); // Saturday
  });

  it('buckets a half-hour zone by the local hour in which the UTC hour starts', () => {
    const kolkata = new LocalWeekClock('Asia/Kolkata'); // UTC+5:30
    expect(kolkata.slotOf(Date.UTC(2024, 0, 1, 0, 45))).toBe(localWeekSlotOf(Date.UTC(2024, 0, 1, 0, 0), 'Asia/Kolkata'));
    expect(kolkata.hourOf(Date.UTC(2024, 0, 1, 0, 45))).toBe(5);
  });

  it('shares one clock per zone and rejects an unknown zone', () => {
    expect(LocalWeekClock.for(AMS)).toBe(LocalWeekClock.for(AMS));
    expect(() => new LocalWeekClock('Mars/Olympus')).toThrow(RangeError);
    expect(() => assertTimeZone('Mars/Olympus')).toThrow('unknown time zone "Mars/Olympus"');
  });
});

describe(localMinutesOfDay.name, () => {
  it('gives whole minutes after local midnight', () => {
    expect(localMinutesOfDay(Date.parse('2026-03-02T10:15:59Z'), AMS)).toBe(11 * 60 + 15);
  });
});

describe(nextDailyOccurrence.name, () => {
  it('finds the next local time of day, today or tomorrow', () => {
    const at = Date.parse('2026-03-02T10:00:00Z'); // 11:00 in Amsterdam
    expect(iso(nextDailyOccurrence(at, 18 * 60, AMS))).toBe('2026-03-02T17:00:00.000Z');
    expect(iso(nextDailyOccurrence(at, 6 * 60, AMS))).toBe('2026-03-03T05:00:00.000Z');
    expect(iso(nextDailyOccurrence(Date.parse('2026-03-02T17:00:00Z'), 18 * 60, AMS))).toBe('2026-03-03T17:00:00.000Z');
  });

  it('keeps the local time across the change to summer time', () => {
    const at = Date.parse('2026-03-28T18:00:00Z'); // Saturday 19:00 CET; the clocks go forward that night
    expect(iso(nextDailyOccurrence(at, 18 * 60, AMS))).toBe('2026-03-29T16:00:00.000Z');
  });

  it('runs a time the clocks skip an hour late, that day', () => {
    // 29 March 2026: 02:00 CET becomes 03:00 CEST, so 02:30 does not exist; 03:30 CEST is 01:30 UTC.
    expect(iso(nextDailyOccurrence(Date.parse('2026-03-28T23:00:00Z'), 150, AMS))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(nextDailyOccurrence(Date.parse('2026-03-29T01:30:00Z'), 150, AMS))).toBe('2026-03-30T00:30:00.000Z');
  });

  it('counts a time the clocks repeat once: the first, then the next day', () => {
    // 25 October 2026: 03:00 CEST becomes 02:00 CET, so 02:30 happens at 00:30 and at 01:30 UTC.
    expect(iso(nextDailyOccurrence(Date.parse('2026-10-24T22:00:00Z'), 150, AMS))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(nextDailyOccurrence(Date.parse('2026-10-25T00:30:00Z'), 150, AMS))).toBe('2026-10-26T01:30:00.000Z');
    expect(iso(nextDailyOccurrence(Date.parse('2026-10-25T01:10:00Z'), 150, AMS))).toBe('2026-10-26T01:30:00.000Z');
  });

  it('works in a zone far from UTC and at midnight', () => {
    // 12:00 UTC on 1 July is midnight of 2 July in Auckland (UTC+12): the next midnight is a day on.
    expect(iso(nextDailyOccurrence(Date.parse('2026-07-01T12:00:00Z'), 0, 'Pacific/Auckland'))).toBe('2026-07-02T12:00:00.000Z');
  });
});

import { addDays, isoWeekday, localDateOf, localMidnightMs, localMinutesOf, localTimeMs, wallClockToMs, zoneOffsetMs } from './local-date';

describe(localTimeMs.name, () => {
  it('finds local wall-clock times across daylight-saving changes', () => {
    expect(new Date(localTimeMs('2026-03-03', 420, 'Europe/Amsterdam')).toISOString()).toBe('2026-03-03T06:00:00.000Z');
    expect(new Date(localTimeMs('2026-07-01', 420, 'Europe/Amsterdam')).toISOString()).toBe('2026-07-01T05:00:00.000Z');
    expect(new Date(localTimeMs('2026-03-29', 600, 'Europe/Amsterdam')).toISOString()).toBe('2026-03-29T08:00:00.000Z');
  });

  it('refuses a date that does not exist', () => {
    expect(() => localTimeMs('2026-02-30', 0, 'Europe/Amsterdam')).toThrow(RangeError);
  });

  it('gives dates and weekdays in the local zone', () => {
    expect(localDateOf(Date.parse('2026-03-02T23:30:00Z'), 'Europe/Amsterdam')).toBe('2026-03-03');
    expect(isoWeekday('2026-03-08')).toBe(7);
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
  });
});

describe(wallClockToMs.name, () => {
  const wall = (iso: string): number => Date.parse(`${iso}Z`);

  it('moves a time the clocks skip one hour later east of UTC and one hour earlier west of UTC', () => {
    // Amsterdam 2026-03-29: 02:00 CET becomes 03:00 CEST, so 02:30 does not exist.
    expect(new Date(wallClockToMs(wall('2026-03-29T02:30:00'), 'Europe/Amsterdam')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // New York 2026-03-08: 02:00 EST becomes 03:00 EDT; 02:30 lands on 01:30 EST.
    expect(new Date(wallClockToMs(wall('2026-03-08T02:30:00'), 'America/New_York')).toISOString()).toBe('2026-03-08T06:30:00.000Z');
  });

  it('picks the second occurrence of a repeated time east of UTC and the first west of UTC', () => {
    // Amsterdam 2026-10-25: 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET).
    expect(new Date(wallClockToMs(wall('2026-10-25T02:30:00'), 'Europe/Amsterdam')).toISOString()).toBe('2026-10-25T01:30:00.000Z');
    // New York 2026-11-01: 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    expect(new Date(wallClockToMs(wall('2026-11-01T01:30:00'), 'America/New_York')).toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('keeps the milliseconds of the wall clock and handles a half-hour zone', () => {
    expect(new Date(wallClockToMs(wall('2026-01-15T12:00:00.250'), 'Asia/Kolkata')).toISOString()).toBe('2026-01-15T06:30:00.250Z');
  });

  it('refuses an unknown zone instead of giving NaN', () => {
    expect(() => wallClockToMs(0, 'Mars/Olympus')).toThrow('unknown time zone "Mars/Olympus"');
    expect(() => localDateOf(0, 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe(zoneOffsetMs.name, () => {
  it('gives the offset in force at an instant on either side of a change', () => {
    expect(zoneOffsetMs(Date.parse('2026-10-25T00:59:00Z'), 'Europe/Amsterdam')).toBe(2 * 3_600_000);
    expect(zoneOffsetMs(Date.parse('2026-10-25T01:00:00Z'), 'Europe/Amsterdam')).toBe(3_600_000);
    expect(zoneOffsetMs(Date.parse('2026-07-01T12:00:00Z'), 'America/New_York')).toBe(-4 * 3_600_000);
  });
});

describe(localMinutesOf.name, () => {
  it('counts the local minutes after midnight with seconds as a fraction, across a change', () => {
    expect(localMinutesOf(Date.parse('2026-03-29T01:00:30Z'), 'Europe/Amsterdam')).toBe(3 * 60 + 0.5);
    expect(localMinutesOf(Date.parse('2026-10-25T01:15:00Z'), 'Europe/Amsterdam')).toBe(2 * 60 + 15);
    expect(localMidnightMs('2026-10-25', 'Europe/Amsterdam')).toBe(Date.parse('2026-10-24T22:00:00Z'));
  });
});

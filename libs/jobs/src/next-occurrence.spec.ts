import { nextDailyOccurrence } from './next-occurrence';

describe(nextDailyOccurrence.name, () => {
  it('finds the next local time of day, today or tomorrow', () => {
    const at = Date.parse('2026-03-02T10:00:00Z'); // 11:00 in Amsterdam
    expect(new Date(nextDailyOccurrence(at, 18 * 60, 'Europe/Amsterdam')).toISOString()).toBe('2026-03-02T17:00:00.000Z');
    expect(new Date(nextDailyOccurrence(at, 6 * 60, 'Europe/Amsterdam')).toISOString()).toBe('2026-03-03T05:00:00.000Z');
  });

  it('keeps the local time across the change to summer time', () => {
    const at = Date.parse('2026-03-28T18:00:00Z'); // Saturday 19:00 CET; the clocks go forward that night
    expect(new Date(nextDailyOccurrence(at, 18 * 60, 'Europe/Amsterdam')).toISOString()).toBe('2026-03-29T16:00:00.000Z');
  });
});

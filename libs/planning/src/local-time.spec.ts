import { addDays, isoWeekday, localDateOf, localTimeMs } from './local-time';

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

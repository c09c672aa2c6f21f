import { LocalSlots } from './local-time';

describe(LocalSlots.name, () => {
  const sut = new LocalSlots('Europe/Amsterdam');

  it('maps winter time (UTC+1) to the local weekday and hour', () => {
    // Monday 4 March 2024, 00:30 UTC = 01:30 local.
    expect(sut.slotOf(Date.parse('2024-03-04T00:30:00Z'))).toBe(0 * 24 + 1);
  });

  it('maps summer time (UTC+2) to the local weekday and hour', () => {
    // Sunday 30 June 2024, 22:10 UTC = Monday 00:10 local.
    expect(sut.slotOf(Date.parse('2024-06-30T22:10:00Z'))).toBe(0);
    expect(sut.weekdayOf(Date.parse('2024-06-29T12:00:00Z'))).toBe(5);
    expect(sut.hourOf(Date.parse('2024-06-29T12:00:00Z'))).toBe(14);
  });
});

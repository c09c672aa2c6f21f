import { forEachHourPiece, LocalWeekClock } from './local-week';

describe(LocalWeekClock.name, () => {
  const sut = new LocalWeekClock('Europe/Amsterdam');

  it('maps local Monday midnight to slot 0 and Sunday 23:00 to 167', () => {
    expect(sut.slotOf(Date.UTC(2023, 11, 31, 23, 0))).toBe(0); // Mon 1 Jan 2024 00:00 CET
    expect(sut.slotOf(Date.UTC(2024, 0, 7, 22, 30))).toBe(167); // Sun 7 Jan 23:30 CET
  });

  it('follows daylight saving time', () => {
    expect(sut.hourOf(Date.UTC(2024, 6, 1, 12))).toBe(14); // CEST, UTC+2
    expect(sut.hourOf(Date.UTC(2024, 0, 1, 12))).toBe(13); // CET, UTC+1
  });

  it('rejects an unknown time zone', () => {
    expect(() => new LocalWeekClock('Mars/Olympus')).toThrow(RangeError);
  });

  it('splits an interval into hour pieces that add up', () => {
    const pieces: Array<[number, number]> = [];
    forEachHourPiece(sut, Date.UTC(2024, 0, 1, 10, 30), Date.UTC(2024, 0, 1, 13, 15), (slot, hours) => pieces.push([slot, hours]));
    expect(pieces.map((p) => p[1])).toEqual([0.5, 1, 1, 0.25]);
    expect(pieces.map((p) => p[0])).toEqual([11, 12, 13, 14]);
  });
});

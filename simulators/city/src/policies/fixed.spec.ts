import { tinyContainer } from '../testing/tiny-world';
import { assignFixedSchedule, daysSincePreviousVisit } from './fixed';

describe(assignFixedSchedule.name, () => {
  it('gives each container the fewest visits a week that keep it within capacity, and spreads the work over the week', () => {
    // 33.3 L a deposit: 10/day fills 5000 L in 15 days (weekly is enough); 30/day in 5 days (3 a week: gaps of 2 and 3 days).
    const quiet = Array.from({ length: 70 }, (_, k) => tinyContainer(`q${k}`, Math.cos(k) / 100, { depositsPerDay: 10 }));
    const busy = Array.from({ length: 70 }, (_, k) => tinyContainer(`b${k}`, Math.sin(k) / 100, { depositsPerDay: 30 }));

    const sut = assignFixedSchedule([...quiet, ...busy], { lng: 0, lat: 51.99 });

    const byId = new Map(sut.map((a) => [a.containerId, a]));
    expect(quiet.every((c) => byId.get(c.id)?.visitsPerWeek === 1)).toBe(true);
    expect(busy.every((c) => byId.get(c.id)?.visitsPerWeek === 3)).toBe(true);
    for (const a of sut) expect(a.weekdays).toHaveLength(a.visitsPerWeek);
    const perDay = [1, 2, 3, 4, 5, 6, 7].map((d) => sut.filter((a) => a.weekdays.includes(d)).length);
    expect(Math.max(...perDay) - Math.min(...perDay)).toBeLessThanOrEqual(2);
    expect(perDay.reduce((s, v) => s + v, 0)).toBe(70 + 3 * 70);
  });

  it('empties daily a container that fills within two days', () => {
    const [sut] = assignFixedSchedule([tinyContainer('x', 0, { depositsPerDay: 100, capacityL: 5000 })], { lng: 0, lat: 52 });
    expect(sut).toMatchObject({ visitsPerWeek: 7, weekdays: [1, 2, 3, 4, 5, 6, 7] });
  });
});

describe(daysSincePreviousVisit.name, () => {
  it('counts back to the previous collection weekday, across the week end', () => {
    expect(daysSincePreviousVisit([1, 3, 5], 3)).toBe(2);
    expect(daysSincePreviousVisit([1, 3, 5], 1)).toBe(3);
    expect(daysSincePreviousVisit([4], 4)).toBe(7);
  });
});

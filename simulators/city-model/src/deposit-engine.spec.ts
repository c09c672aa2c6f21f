import type { CityContainer, WeeklyProfile } from './city';
import { GRONINGEN_DEPOSIT_VOLUME } from './city';
import { DepositEngine } from './deposit-engine';
import { generateCity } from './generated-city';
import { LocalWeekClock } from '@vulgraad/time';
import { syntheticDailyShares, weeklyProfile } from './profiles';

const START = new Date('2024-03-04T00:00:00Z');
const DAY = 86_400_000;
const flat: WeeklyProfile = weeklyProfile('flat', new Array(24).fill(1), 'test');

function container(id: string, depositsPerDay: number, volumeL = 5000, profile: WeeklyProfile = flat): CityContainer {
  return {
    id,
    externalRef: null,
    lng: 5,
    lat: 52,
    district: 'd1',
    wasteType: 'residual',
    containerType: 'underground',
    volumeL,
    depthMm: 2300,
    accessWindow: null,
    pitCount: 1,
    demand: { depositsPerDay, profile, depositVolumeL: GRONINGEN_DEPOSIT_VOLUME },
    rateSource: 'test',
  };
}

describe(DepositEngine.name, () => {
  it('recovers the mean deposit rate and the mean triangular volume over a long run', () => {
    const sut = new DepositEngine([container('c1', 24, 1e9)], 'Europe/Amsterdam', { seed: 11, start: START });
    const days = 300;
    sut.advanceTo(START.getTime() + days * DAY);
    const state = sut.state('c1');
    // 7,200 expected deposits: one standard deviation is 1.2%.
    expect(state.totalDeposits / days).toBeGreaterThan(24 * 0.96);
    expect(state.totalDeposits / days).toBeLessThan(24 * 1.04);
    expect(state.totalDepositedL / state.totalDeposits).toBeGreaterThan(33.3 * 0.98);
    expect(state.totalDepositedL / state.totalDeposits).toBeLessThan(33.3 * 1.02);
  });

  it('follows the hourly profile in local time and the weekday factors', () => {
    const weekdayFactors = [1, 1, 1, 1, 1, 2, 0.5];
    const profile = weeklyProfile('test', syntheticDailyShares(), 'test', weekdayFactors);
    const byHour = new Array<number>(24).fill(0);
    const byWeekday = new Array<number>(7).fill(0);
    const slots = new LocalWeekClock('Europe/Amsterdam');
    const sut = new DepositEngine([container('c1', 200, 1e9, profile)], 'Europe/Amsterdam', {
      seed: 3,
      start: START,
      onDeposit: (_id, atMs) => {
        const hour = slots.hourOf(atMs);
        const weekday = slots.weekdayOf(atMs);
        byHour[hour] = (byHour[hour] as number) + 1;
        byWeekday[weekday] = (byWeekday[weekday] as number) + 1;
      },
    });
    sut.advanceTo(START.getTime() + 28 * DAY);
    sut.state('c1');
    const total = byHour.reduce((s, n) => s + n, 0);
    expect(total).toBeGreaterThan(28 * 200 * 0.95);
    const shares = syntheticDailyShares();
    for (let hour = 0; hour < 24; hour++) {
      const expected = (shares[hour] as number) * total;
      expect(Math.abs((byHour[hour] as number) - expected)).toBeLessThan(4 * Math.sqrt(expected) + 5);
    }
    // Saturday (factor 2) sees about four times Sunday's (factor 0.5) deposits.
    expect((byWeekday[5] as number) / (byWeekday[6] as number)).toBeGreaterThan(3.4);
    expect((byWeekday[5] as number) / (byWeekday[6] as number)).toBeLessThan(4.6);
  });

  it('resets volume and deposit count on emptying and reports what the truck found', () => {
    const sut = new DepositEngine([container('c1', 30)], 'Europe/Amsterdam', { seed: 1, start: START });
    sut.advanceTo(START.getTime() + 3 * DAY);
    const before = sut.state('c1');
    expect(before.volumeL).toBeGreaterThan(0);
    const record = sut.empty('c1');
    expect(record.volumeL).toBe(before.volumeL);
    expect(record.deposits).toBe(before.depositsSinceEmptied);
    const after = sut.state('c1');
    expect(after.volumeL).toBe(0);
    expect(after.depositsSinceEmptied).toBe(0);
    expect(after.lastEmptiedAt?.getTime()).toBe(START.getTime() + 3 * DAY);
    expect(after.emptyings).toBe(1);
    sut.advanceTo(START.getTime() + 4 * DAY);
    expect(sut.state('c1').volumeL).toBeGreaterThan(0);
  });

  it('keeps accumulating past capacity and counts overflow at emptying', () => {
    const sut = new DepositEngine([container('small', 30, 200), container('large', 30, 1e6)], 'Europe/Amsterdam', { seed: 2, start: START });
    sut.advanceTo(START.getTime() + 2 * DAY);
    const state = sut.state('small');
    expect(state.volumeL).toBeGreaterThan(1000);
    expect(state.overflowL).toBeCloseTo(state.volumeL - 200, 9);
    expect(state.fillPct).toBeGreaterThan(100);
    const record = sut.empty('small');
    expect(record.overflowL).toBeCloseTo(state.overflowL, 9);
    sut.empty('large');
    const after = sut.state('small');
    expect(after.overflowEmptyings).toBe(1);
    expect(after.overflowLAtEmptyings).toBeCloseTo(record.overflowL, 9);
    expect(sut.state('large').overflowEmptyings).toBe(0);
  });

  it('gives the same deposits for a seed however time is advanced and whatever is emptied (common random numbers)', () => {
    const city = generateCity({ containers: 40, seed: 5 });
    const coarse = new DepositEngine(city.containers, city.timezone, { seed: 9, start: START });
    const fine = new DepositEngine(city.containers, city.timezone, { seed: 9, start: START });
    const end = START.getTime() + 10 * DAY;
    coarse.advanceTo(end);
    for (let t = START.getTime(); t <= end; t += 17 * 60_000) {
      fine.advanceTo(t);
      if (t % (5 * 3_600_000) < 17 * 60_000) fine.empty(city.containers[0]!.id, t);
    }
    fine.advanceTo(end);
    for (const c of city.containers) {
      expect(fine.state(c.id).totalDeposits).toBe(coarse.state(c.id).totalDeposits);
      expect(fine.state(c.id).totalDepositedL).toBe(coarse.state(c.id).totalDepositedL);
    }
    const other = new DepositEngine(city.containers, city.timezone, { seed: 10, start: START });
    other.advanceTo(end);
    expect(city.containers.some((c) => other.state(c.id).totalDeposits !== coarse.state(c.id).totalDeposits)).toBe(true);
  });

  it('draws a container the same deposits whatever other containers the city has', () => {
    const alone = new DepositEngine([container('c1', 20)], 'Europe/Amsterdam', { seed: 4, start: START });
    const withOthers = new DepositEngine([container('c0', 50), container('c1', 20), container('c2', 5)], 'Europe/Amsterdam', { seed: 4, start: START });
    alone.advanceTo(START.getTime() + 5 * DAY);
    withOthers.advanceTo(START.getTime() + 5 * DAY);
    expect(withOthers.state('c1').totalDepositedL).toBe(alone.state('c1').totalDepositedL);
  });

  it('starts with random fill when asked, without changing the deposits', () => {
    const empty = new DepositEngine([container('c1', 20)], 'Europe/Amsterdam', { seed: 4, start: START });
    const sut = new DepositEngine([container('c1', 20)], 'Europe/Amsterdam', { seed: 4, start: START, initialFill: 'random', maxInitialFill: 0.5 });
    const initial = sut.state('c1').volumeL;
    expect(initial).toBeGreaterThan(0);
    expect(initial).toBeLessThanOrEqual(2500);
    empty.advanceTo(START.getTime() + DAY);
    sut.advanceTo(START.getTime() + DAY);
    expect(sut.state('c1').volumeL - initial).toBeCloseTo(empty.state('c1').volumeL, 9);
  });

  it('starts given containers with the litres handed in (a resumed run), without changing the deposits', () => {
    const empty = new DepositEngine([container('c1', 20), container('c2', 20)], 'Europe/Amsterdam', { seed: 4, start: START });
    const sut = new DepositEngine([container('c1', 20), container('c2', 20)], 'Europe/Amsterdam', {
      seed: 4, start: START, initialFill: 'random', initialVolumesL: new Map([['c1', 1234]]),
    });
    expect(sut.state('c1').volumeL).toBe(1234);
    expect(sut.state('c1').depositsSinceEmptied).toBe(Math.round(1234 / ((10 + 30 + 60) / 3)));
    expect(sut.state('c2').volumeL).toBeGreaterThan(0);
    empty.advanceTo(START.getTime() + DAY);
    sut.advanceTo(START.getTime() + DAY);
    expect(sut.state('c1').volumeL - 1234).toBeCloseTo(empty.state('c1').volumeL, 9);
  });

  it('refuses to go back in time, to empty before a container was simulated, and unknown containers', () => {
    const sut = new DepositEngine([container('c1', 20)], 'Europe/Amsterdam', { seed: 1, start: START });
    sut.advanceTo(START.getTime() + DAY);
    expect(() => sut.advanceTo(START)).toThrow(/back in time/);
    sut.state('c1');
    expect(() => sut.empty('c1', START)).toThrow(/already simulated/);
    expect(() => sut.state('nope')).toThrow(/unknown container/);
  });

  it('reads a container at an earlier instant it has not passed, and refuses one it has', () => {
    const sut = new DepositEngine([container('c1', 20)], 'Europe/Amsterdam', { seed: 1, start: START });
    sut.advanceTo(START.getTime() + 2 * DAY);
    const early = sut.stateAt('c1', START.getTime() + DAY);
    expect(early.at.getTime()).toBe(START.getTime() + DAY);
    expect(sut.clockOf('c1').getTime()).toBe(START.getTime() + DAY);
    expect(sut.state('c1').totalDeposits).toBeGreaterThan(early.totalDeposits);
    expect(() => sut.stateAt('c1', START.getTime() + DAY)).toThrow(/already simulated/);
  });

  it('empties at an earlier instant when the container has not been brought past it', () => {
    const sut = new DepositEngine([container('c1', 20)], 'Europe/Amsterdam', { seed: 1, start: START });
    sut.advanceTo(START.getTime() + 2 * DAY);
    const record = sut.empty('c1', START.getTime() + DAY);
    expect(record.at.getTime()).toBe(START.getTime() + DAY);
    expect(sut.state('c1').volumeL).toBeGreaterThan(0);
    expect(sut.state('c1').lastEmptiedAt?.getTime()).toBe(START.getTime() + DAY);
  });
});

import { Rng } from '@vulgraad/city-model';
import { DENSITY_KG_PER_L, depositedUpTo, inferDeposits, type DepositOptions } from './deposits';
import type { RecordedVisit } from './record';

const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2021, 2, 1);

function visit(day: number, kg: number): RecordedVisit {
  return { clusterId: 'c1', atMs: START_MS + day * DAY_MS, date: '', kg, lifts: 1 };
}

const options: DepositOptions = {
  seed: 1, dailyShares: new Array<number>(24).fill(1), localHour: (ms) => new Date(ms).getUTCHours(), startMs: START_MS, endMs: START_MS + 20 * DAY_MS, fallbackIntervalDays: 5,
};

describe(inferDeposits.name, () => {
  it('fills a cluster first visited late in the record from the start, with exactly the first visit\'s kilograms', () => {
    const sut = inferDeposits([visit(8, 300), visit(11, 150), visit(14, 150)], options, new Rng(1));
    // The usual interval is 3 days, but the record shows no emptying before day 8: the waste came in since the start.
    expect(depositedUpTo(sut, START_MS + DAY_MS)).toBeGreaterThan(0);
    expect(depositedUpTo(sut, START_MS + 2 * DAY_MS)).toBeGreaterThan(0);
    expect(depositedUpTo(sut, START_MS + 8 * DAY_MS) * DENSITY_KG_PER_L).toBeCloseTo(300, 6);
  });

  it('keeps the usual interval before a visit early in the record', () => {
    const sut = inferDeposits([visit(1, 150), visit(4, 150)], options, new Rng(1));
    const beforeStartL = depositedUpTo(sut, START_MS);
    // Three days before day 1: two of them before the start, the content the cluster starts with.
    expect(beforeStartL * DENSITY_KG_PER_L).toBeGreaterThan(60);
    expect(beforeStartL * DENSITY_KG_PER_L).toBeLessThan(140);
    expect(depositedUpTo(sut, START_MS + DAY_MS) * DENSITY_KG_PER_L).toBeCloseTo(150, 6);
  });
});

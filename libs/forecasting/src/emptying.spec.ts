import { detectEmptyings, isEmptyingDrop, matchEvents, median3, medianOfThree, truthDrops, type LevelPoint } from './emptying';

const HOUR_MS = 3_600_000;
const series = (levels: number[]): LevelPoint[] => levels.map((fillPct, k) => ({ atMs: k * HOUR_MS, fillPct }));

describe(isEmptyingDrop.name, () => {
  it('calls a large drop an emptying, and a small one only when it ends near empty and takes most of what was there', () => {
    expect(isEmptyingDrop(80, 50)).toBe(true);
    expect(isEmptyingDrop(30, 4)).toBe(true);
    expect(isEmptyingDrop(20, 5)).toBe(true);
    // Jitter near empty is not an emptying.
    expect(isEmptyingDrop(14, 6)).toBe(false);
    expect(isEmptyingDrop(60, 45)).toBe(false);
  });
});

describe(medianOfThree.name, () => {
  it('removes a lone spike and a lone dip but keeps a step where it is', () => {
    expect(median3(1, 9, 3)).toBe(3);
    expect(medianOfThree(series([10, 11, 90, 12, 13])).map((p) => p.fillPct)).toEqual([10, 11, 12, 13, 13]);
    expect(medianOfThree(series([55, 55, 23, 55, 54])).map((p) => p.fillPct)).toEqual([55, 55, 55, 54, 54]);
    expect(medianOfThree(series([90, 91, 2, 3, 5])).map((p) => p.fillPct)).toEqual([90, 90, 3, 3, 5]);
  });
});

describe(detectEmptyings.name, () => {
  it('finds the emptyings of a sawtooth and not its lone dips or jitter', () => {
    const levels = [10, 30, 50, 70, 90, 2, 5, 20, 40, 8, 41, 45, 60, 62, 1, 3, 14, 6, 9, 12];
    // Emptyings after 90 (index 5) and after 62 (index 14); 40 -> 8 -> 41 is a lone dip, 14 -> 6 jitter.
    expect(detectEmptyings(series(levels))).toEqual([5 * HOUR_MS, 14 * HOUR_MS]);
  });
});

describe(truthDrops.name, () => {
  it('counts falls that remove at least half of at least 20 points, unless undone at once', () => {
    const levels = [10, 30, 50, 70, 90, 2, 5, 20, 40, 8, 41, 45, 60, 62, 1, 3, 14, 6, 9, 12, 80, 55];
    expect(truthDrops(series(levels))).toEqual([5 * HOUR_MS, 14 * HOUR_MS]);
  });
});

describe(matchEvents.name, () => {
  it('matches one detection to one truth within the tolerance', () => {
    const sut = matchEvents([0, 10 * HOUR_MS, 11 * HOUR_MS, 50 * HOUR_MS], [HOUR_MS, 10 * HOUR_MS, 30 * HOUR_MS], 2 * HOUR_MS);
    expect(sut.truePositives).toBe(2);
    expect(sut.precision).toBeCloseTo(0.5, 9);
    expect(sut.recall).toBeCloseTo(2 / 3, 9);
    expect(sut.f1).toBeCloseTo(4 / 7, 9);
  });
});

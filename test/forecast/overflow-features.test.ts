import { seededRandom, type RecordedContainer } from '@vulgraad/forecasting';
import { f1At, fitLogistic, overflowCases } from '../../bench/forecast/overflow-features';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const settings = { timeZone: 'UTC', timePattern: 'weekday' as const, levelCurve: true, bandScale: 1.6, halfLifeDays: 112, calibrate: true, fullAtProbability: 0.2 };

describe('the overflow feature study', () => {
  it('recovers the weights a logistic outcome was drawn with', () => {
    const random = seededRandom(7);
    const rows: number[][] = [];
    const outcomes: number[] = [];
    for (let n = 0; n < 4000; n++) {
      const x = random() * 4 - 2;
      const z = random() < 0.5 ? 1 : 0;
      rows.push([1, x, z]);
      outcomes.push(random() < 1 / (1 + Math.exp(-(-1 + 2 * x - 1.5 * z))) ? 1 : 0);
    }
    const [intercept, slope, shift] = fitLogistic(rows, outcomes);
    expect(intercept).toBeCloseTo(-1, 0);
    expect(slope).toBeCloseTo(2, 0);
    expect(shift).toBeCloseTo(-1.5, 0);
  });

  it('scores a yes from the risk on', () => {
    // Yes at 0.9 and 0.6 (one hit, one false alarm), the 0.2 overflow missed: 2 x 1 / (2 x 1 + 1 + 1).
    expect(f1At([0.9, 0.6, 0.2, 0.1], [true, false, true, false], 0.5)).toBeCloseTo(0.5, 10);
    expect(f1At([0.9, 0.6, 0.2, 0.1], [true, false, true, false], 0.5, (k) => k !== 1)).toBeCloseTo(2 / 3, 10);
    expect(f1At([0.1], [true], 0.5)).toBe(0);
  });

  it('describes each case by what was known at its origin only', () => {
    // Rises 3 points an hour from an emptying at 05:00 each day; every third day nobody comes and it reads 100.
    const start = Date.UTC(2024, 0, 1, 5);
    const readings: RecordedContainer['readings'] = [];
    let level = 0;
    for (let t = start; t < start + 40 * DAY_MS; t += HOUR_MS) {
      const day = Math.floor((t - start) / DAY_MS);
      if ((t - start) % DAY_MS === 0 && day % 3 !== 2) level = 0;
      else level = Math.min(100, level + 3);
      readings.push({ atMs: t, fillPct: level });
    }
    const container: RecordedContainer = { containerId: 'c1', fraction: 'paper', readings };
    const cases = overflowCases(container, settings);
    expect(cases.length).toBeGreaterThan(20);
    for (const c of cases) {
      expect(c.endMs - c.originMs).toBeGreaterThanOrEqual(23 * HOUR_MS);
      expect(c.endMs - c.originMs).toBeLessThanOrEqual(25 * HOUR_MS);
      // The cycle's age is the time since the last emptying the learner saw before the origin.
      const hoursSince = ((c.originMs - start) % DAY_MS) / HOUR_MS;
      expect(Math.expm1(c.features.cycleAge as number)).toBeGreaterThanOrEqual(hoursSince - 1e-9);
      expect(c.features.p).toBeGreaterThanOrEqual(0);
      expect(c.features.p).toBeLessThanOrEqual(1);
    }
    expect(cases.some((c) => c.overflows)).toBe(true);
    expect(cases.some((c) => !c.overflows)).toBe(true);
  });
});

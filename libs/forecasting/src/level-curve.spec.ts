import { FillForecaster, LEVEL_BANDS, riseAlongCurve } from './fill-forecaster';
import type { FillObservation } from './types';

const HOUR_MS = 3_600_000;
// Monday 2024-01-01 00:00 UTC.
const MONDAY = Date.UTC(2024, 0, 1);
const TAU_H = 40;

/** A container whose sensor sees a heap: fast at first, slower as it spreads (100 x (1 - e^(-t/40 h))), emptied every 5 days. */
function saturating(days: number): FillObservation[] {
  const readings: FillObservation[] = [];
  for (let h = 0; h < days * 24; h += 2) {
    const sinceEmptyH = h % (5 * 24);
    readings.push({ atMs: MONDAY + h * HOUR_MS, fillPct: Math.round(100 * (1 - Math.exp(-sinceEmptyH / TAU_H))), flags: [] });
  }
  return readings;
}

describe('level curve', () => {
  it('learns that the rise slows as the level climbs', () => {
    const sut = new FillForecaster({ timeZone: 'UTC' });
    const factors = sut.levelFactors(sut.fit({ containerId: 'c', readings: saturating(60) }));
    expect(factors).toHaveLength(LEVEL_BANDS);
    expect(factors[1]).toBeGreaterThan(2 * (factors[8] as number));
    expect(factors[3]).toBeGreaterThan(factors[6] as number);
  });

  it('predicts the slow top of the curve where a flat rate runs on', () => {
    const readings = saturating(61);
    // Origin 80 h into a cycle (level 86 %), target 24 h later (level 95 %).
    const originMs = MONDAY + (55 * 24 + 80) * HOUR_MS;
    const history = { containerId: 'c', readings: readings.filter((r) => r.atMs <= originMs) };
    const truth = 100 * (1 - Math.exp(-104 / TAU_H));
    const curved = new FillForecaster({ timeZone: 'UTC' });
    const flat = new FillForecaster({ timeZone: 'UTC', levelCurve: false });
    const withCurve = curved.predict(curved.fit(history), originMs + 24 * HOUR_MS, originMs).meanPct;
    const withoutCurve = flat.predict(flat.fit(history), originMs + 24 * HOUR_MS, originMs).meanPct;
    expect(Math.abs(withCurve - truth)).toBeLessThan(4);
    expect(withoutCurve - truth).toBeGreaterThan(10);
  });

  it('keeps a flat curve for a slow, noisy sensor', () => {
    const readings: FillObservation[] = [];
    let seed = 3;
    const noise = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 6;
    for (let h = 0; h < 60 * 24; h += 2) readings.push({ atMs: MONDAY + h * HOUR_MS, fillPct: Math.round(10 + 0.1 * (h % 480) + noise()), flags: [] });
    const sut = new FillForecaster({ timeZone: 'UTC' });
    for (const factor of sut.levelFactors(sut.fit({ containerId: 'slow', readings }))) {
      expect(factor).toBeGreaterThan(0.6);
      expect(factor).toBeLessThan(1.6);
    }
  });
});

describe(riseAlongCurve.name, () => {
  it('is rate x hours on a flat curve and follows a falling one', () => {
    const flat = new Float64Array(LEVEL_BANDS).fill(1);
    expect(riseAlongCurve(flat, 20, 2, 10)).toBeCloseTo(20, 9);
    const falling = Float64Array.from({ length: LEVEL_BANDS }, (_, b) => 2 - b / 5);
    const rise = riseAlongCurve(falling, 10, 2, 10);
    expect(rise).toBeLessThan(2 * 10 * 1.8);
    expect(rise).toBeGreaterThan(2 * 10 * 1.2);
    expect(riseAlongCurve(falling, 10, 0, 10)).toBe(0);
  });
});

describe('time pattern', () => {
  it('flat: one rate all week; weekday: one rate per day', () => {
    const readings: FillObservation[] = [];
    for (let h = 0; h < 28 * 24; h++) {
      const weekday = Math.floor(h / 24) % 7;
      const ratePerH = weekday === 5 ? 2 : 0.5;
      const last = readings.length > 0 ? (readings[readings.length - 1]?.fillPct as number) : 0;
      readings.push({ atMs: MONDAY + h * HOUR_MS, fillPct: last + ratePerH > 95 ? 0 : last + ratePerH, flags: [] });
    }
    const flat = new FillForecaster({ timeZone: 'UTC', timePattern: 'flat', levelCurve: false });
    const flatRates = flat.rates(flat.fit({ containerId: 'c', readings }));
    expect(Math.max(...flatRates)).toBeCloseTo(Math.min(...flatRates), 12);
    const byDay = new FillForecaster({ timeZone: 'UTC', timePattern: 'weekday', levelCurve: false });
    const dayRates = byDay.rates(byDay.fit({ containerId: 'c', readings }));
    expect(dayRates[5 * 24 + 3]).toBeCloseTo(dayRates[5 * 24 + 20] as number, 12);
    expect(dayRates[5 * 24 + 3]).toBeGreaterThan(2 * (dayRates[1 * 24 + 3] as number));
  });
});

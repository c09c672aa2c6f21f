import { CALIBRATION_CELLS, calibrationCell, cellDistributions, cellQuantile, emptyCalibration, normalBins, recordOutcomes, addPending } from './calibration';
import { FillForecaster } from './fill-forecaster';
import type { FillObservation } from './types';

const HOUR_MS = 3_600_000;
const MONDAY = Date.UTC(2024, 0, 1);

/** Rises 2 points an hour to 92, where the sensor sits for two days (it reads a heap it cannot see over), then emptied: a 4-day cycle. */
function plateau(days: number): FillObservation[] {
  const readings: FillObservation[] = [];
  for (let h = 0; h < days * 24; h += 2) {
    const sinceEmptyH = h % 96;
    readings.push({ atMs: MONDAY + h * HOUR_MS, fillPct: Math.min(92, 2 * sinceEmptyH) + (h % 4 === 0 ? 1 : 0), flags: [] });
  }
  return readings;
}

describe('calibration on day-ahead outcomes', () => {
  it('learns that a sensor stays on its plateau where the rate model runs on to full', () => {
    // Origin 60 h into the eleventh cycle: on the plateau; 24 h later the sensor still reads 92-93.
    const originMs = MONDAY + (40 * 24 + 60) * HOUR_MS;
    const history = { containerId: 'p', readings: plateau(45).filter((r) => r.atMs <= originMs) };
    const rateOnly = new FillForecaster({ timeZone: 'UTC', timePattern: 'flat', bandScale: 1.6 });
    const calibrated = new FillForecaster({ timeZone: 'UTC', timePattern: 'flat', bandScale: 1.6, calibrate: true });
    const plain = rateOnly.predict(rateOnly.fit(history), originMs + 24 * HOUR_MS, originMs);
    const model = calibrated.fit(history);
    const sut = calibrated.predict(model, originMs + 24 * HOUR_MS, originMs);
    expect(plain.meanPct).toBeGreaterThan(97);
    expect(Math.abs(sut.meanPct - 92.5)).toBeLessThan(2.5);
    expect(sut.lowPct).toBeLessThanOrEqual(92);
    expect(sut.highPct).toBeGreaterThanOrEqual(93);
    // The learned state is plain data: a model read back from JSON answers the same.
    const copy = JSON.parse(JSON.stringify(model)) as typeof model;
    expect(calibrated.predict(copy, originMs + 24 * HOUR_MS, originMs).meanPct).toBeCloseTo(sut.meanPct, 9);
    // A model kept from before the cells changed (fewer counts) answers as the rate model until it learns again.
    const older = JSON.parse(JSON.stringify(model)) as typeof model;
    older.calibration!.counts = older.calibration!.counts.slice(0, 17 * 41);
    const fromOlder = calibrated.predict(older, originMs + 24 * HOUR_MS, originMs);
    expect(Number.isFinite(fromOlder.meanPct) && Number.isFinite(fromOlder.lowPct) && Number.isFinite(fromOlder.highPct)).toBe(true);
    calibrated.update(older, plateau(46).filter((r) => r.atMs > originMs));
    expect(older.calibration!.counts).toHaveLength(model.calibration!.counts.length);
  });

  it('answers as the rate model with its band scale until the container has outcomes of its own', () => {
    const readings = plateau(1).slice(0, 6);
    const nowMs = readings[readings.length - 1]!.atMs;
    const rateOnly = new FillForecaster({ timeZone: 'UTC', bandScale: 1.6 });
    const calibrated = new FillForecaster({ timeZone: 'UTC', bandScale: 1.6, calibrate: true });
    const a = rateOnly.predict(rateOnly.fit({ containerId: 'n', readings }), nowMs + 12 * HOUR_MS, nowMs);
    const b = calibrated.predict(calibrated.fit({ containerId: 'n', readings }), nowMs + 12 * HOUR_MS, nowMs);
    expect(b.meanPct).toBeCloseTo(a.meanPct, 1);
    expect(b.highPct - b.lowPct).toBeCloseTo(a.highPct - a.lowPct, 0);
  });

  it('groups start levels in quarters, a reading at full with the top one', () => {
    expect(calibrationCell(0, 0)).toBe(calibrationCell(24.9, 0));
    expect(calibrationCell(25, 0)).not.toBe(calibrationCell(24.9, 0));
    expect(calibrationCell(75, 0)).toBe(calibrationCell(100, 0));
    expect(calibrationCell(100, -5)).not.toBe(calibrationCell(100, 0));
    const cells = [0, 30, 60, 90].flatMap((level) => [-5, 0, 3, 9].flatMap((step) => [-3, 0, 3].map((deviation) => calibrationCell(level, step, deviation))));
    expect(new Set(cells).size).toBe(CALIBRATION_CELLS);
  });

  it('splits a reading that stood still by where it lies from the cycle\'s average; a step up or down is its own class', () => {
    expect(calibrationCell(50, 0, 3)).not.toBe(calibrationCell(50, 0, 0));
    expect(calibrationCell(50, 0, -3)).not.toBe(calibrationCell(50, 0, 0));
    expect(calibrationCell(50, 0, 2)).toBe(calibrationCell(50, 0, 0));
    expect(calibrationCell(50, 9, 6)).toBe(calibrationCell(50, 9, 0));
    expect(calibrationCell(50, -5, -6)).toBe(calibrationCell(50, -5, 0));
  });

  it('books a forecast from a reading above its run of readings in the cell of a displaced reading', () => {
    const cal = emptyCalibration();
    const isEmptying = (before: number, after: number): boolean => before - after >= 25;
    [50, 50, 50, 54, 54.5].forEach((fillPct, k) => recordOutcomes(cal, k * 2 * HOUR_MS, fillPct, isEmptying));
    addPending(cal, 8 * HOUR_MS, 54.5, 56, 5);
    // Stood still (+0.5) but about 2.3 above the average of the readings (weight 0.3 on the newest).
    expect(cal.pending[0]?.cell).toBe(calibrationCell(54.5, 0.5, 3));
    expect(cal.pending[0]?.cell).not.toBe(calibrationCell(54.5, 0.5, 0));
    // An emptying starts the average again: the first reading after it lies on it.
    recordOutcomes(cal, 10 * HOUR_MS, 5, isEmptying);
    expect(cal.smoothedPct).toBe(5);
  });

  it('gives no outcome across an emptying', () => {
    const cal = emptyCalibration();
    const isEmptying = (before: number, after: number): boolean => before - after >= 25;
    recordOutcomes(cal, 0, 50, isEmptying);
    addPending(cal, 0, 50, 70, 5);
    recordOutcomes(cal, 12 * HOUR_MS, 10, isEmptying);
    expect(cal.pending).toHaveLength(0);
    addPending(cal, 12 * HOUR_MS, 10, 30, 5);
    recordOutcomes(cal, 35 * HOUR_MS, 28, isEmptying);
    expect(recordOutcomes(cal, 37 * HOUR_MS, 32, isEmptying)).toBe(true);
    // Outcome 30 at the target (interpolated between 28 and 32): z = 0, in the cell of a level of 10 that did not move.
    const cdf = cellDistributions(cal, normalBins(1));
    expect(cellQuantile(cdf, calibrationCell(10, 0), 0.5)).toBeCloseTo(0, 1);
    expect(cal.counts.reduce((a, b) => a + b, 0)).toBe(2);
  });
});

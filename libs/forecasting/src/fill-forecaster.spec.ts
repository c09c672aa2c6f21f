import { FillForecaster } from './fill-forecaster';
import { simulateFillHistory, type FillSimulationSpec } from './simulate';
import type { FillObservation } from './types';

const HOUR_MS = 3_600_000;
// Monday 2024-01-01 00:00 in Amsterdam (UTC+1 in winter).
const MONDAY = Date.UTC(2023, 11, 31, 23);
const GRONINGEN_HOURS = [135, 70, 39, 31, 26, 52, 140, 392, 789, 1003, 1264, 1557, 1836, 1918, 1844, 1801, 1844, 1892, 1722, 1456, 1099, 820, 549, 301];

const spec = (overrides: Partial<FillSimulationSpec> = {}): FillSimulationSpec => ({
  containerId: 'c1',
  startMs: MONDAY,
  days: 42,
  capacityL: 5000,
  depositsPerDay: 24,
  hourShare: GRONINGEN_HOURS,
  seed: 7,
  ...overrides,
});

/** Fill points per hour of the simulated process: deposits x mean triangular volume / capacity. */
const trueMeanRate = (depositsPerDay: number, capacityL = 5000): number => ((depositsPerDay * (100 / 3)) / capacityL) * 100 / 24;

/** A clean sawtooth: rising `ratePerH` from `fromPct`, one reading an hour. */
function ramp(startMs: number, hours: number, fromPct: number, ratePerH: number): FillObservation[] {
  return Array.from({ length: hours }, (_, k) => ({ atMs: startMs + k * HOUR_MS, fillPct: fromPct + ratePerH * k, flags: [] }));
}

describe(FillForecaster.name, () => {
  it('recovers the mean fill rate and the daily pattern from noisy readings', () => {
    const sut = new FillForecaster();
    const sim = simulateFillHistory(spec({ depositsPerDay: 30 }));
    const model = sut.fit(sim.history);
    expect(sut.meanRate(model)).toBeGreaterThan(trueMeanRate(30) * 0.85);
    expect(sut.meanRate(model)).toBeLessThan(trueMeanRate(30) * 1.15);
    const rates = sut.rates(model);
    // Afternoons are busy, nights nearly dead in the Groningen profile (40x); hourly readings with
    // 2-point noise over six weeks pin each hour down to about half a point, so ask for a clear gap.
    const mean = (hours: number[]): number => hours.reduce((sum, h) => sum + rates[24 + h], 0) / hours.length;
    expect(mean([10, 11, 12, 13, 14, 15, 16, 17, 18, 19])).toBeGreaterThan(2.5 * mean([1, 2, 3, 4, 5]));
  });

  it('learns a weekday effect', () => {
    const sut = new FillForecaster();
    const sim = simulateFillHistory(spec({ depositsPerDay: 30, days: 70, weekdayFactor: [1, 1, 1, 1, 1, 2, 0.5], seed: 3 }));
    const model = sut.fit(sim.history);
    const rates = sut.rates(model);
    const day = (d: number): number => rates.slice(d * 24, d * 24 + 24).reduce((a, b) => a + b, 0);
    expect(day(5)).toBeGreaterThan(1.5 * day(1));
    expect(day(6)).toBeLessThan(0.75 * day(1));
  });

  it('detects emptyings from large drops and does not learn a negative rate across them', () => {
    const sut = new FillForecaster();
    const readings = [...ramp(MONDAY, 48, 10, 1), ...ramp(MONDAY + 48 * HOUR_MS, 48, 3, 1), ...ramp(MONDAY + 96 * HOUR_MS, 48, 5, 1)];
    const model = sut.fit({ containerId: 'c', readings });
    expect(model.emptyingsDetected).toBe(2);
    expect(model.lastEmptiedAtMs).toBe(MONDAY + 96 * HOUR_MS);
    expect(sut.meanRate(model)).toBeGreaterThan(0.9);
    expect(sut.meanRate(model)).toBeLessThan(1.1);
  });

  it('treats a collection event as an emptying and predicts from the level after it', () => {
    const sut = new FillForecaster();
    const readings = ramp(MONDAY, 72, 10, 1);
    const collectedAt = MONDAY + 72 * HOUR_MS;
    const model = sut.fit({ containerId: 'c', readings, collections: [{ atMs: collectedAt, observedFillPct: 80 }] });
    expect(model.lastEmptiedAtMs).toBe(collectedAt);
    const prediction = sut.predict(model, collectedAt + 10 * HOUR_MS, collectedAt);
    expect(prediction.meanPct).toBeGreaterThan(sut.options.residualAfterEmptyingPct + 8);
    expect(prediction.meanPct).toBeLessThan(sut.options.residualAfterEmptyingPct + 12);
  });

  it('ignores flagged readings: impossible jumps change neither the rate nor the state', () => {
    const sut = new FillForecaster();
    const clean = ramp(MONDAY, 96, 5, 0.8);
    const dirty = clean.map((r, k) => (k % 7 === 3 ? { atMs: r.atMs, fillPct: 97, flags: ['impossible_jump'] } : r));
    const last = { atMs: MONDAY + 96 * HOUR_MS, fillPct: 99, flags: ['out_of_range'] };
    const cleanModel = sut.fit({ containerId: 'a', readings: clean.filter((_, k) => k % 7 !== 3) });
    const dirtyModel = sut.fit({ containerId: 'b', readings: [...dirty, last] });
    expect(dirtyModel.readingsIgnored).toBe(Math.ceil((96 - 3) / 7) + 1);
    expect(dirtyModel.emptyingsDetected).toBe(0);
    expect(sut.meanRate(dirtyModel)).toBeCloseTo(sut.meanRate(cleanModel), 6);
    expect(dirtyModel.anchorFillPct).toBe(cleanModel.anchorFillPct);
  });

  it('down-weights readings with soft flags instead of trusting them', () => {
    const sut = new FillForecaster();
    expect(sut.readingWeight({ atMs: 0, fillPct: 50, flags: [] })).toBe(1);
    expect(sut.readingWeight({ atMs: 0, fillPct: 50, flags: ['device_alarm'] })).toBe(0.5);
    expect(sut.readingWeight({ atMs: 0, fillPct: 50, flags: ['device_alarm', 'tilted'] })).toBe(0);
    expect(sut.readingWeight({ atMs: 0, fillPct: null })).toBe(0);
    expect(sut.readingWeight({ atMs: 0, fillPct: 400 })).toBe(0);
  });

  it('marks a silent sensor and forecasts it from the learned pattern since the last trusted reading', () => {
    const sut = new FillForecaster();
    const sim = simulateFillHistory(spec({ days: 28, depositsPerDay: 20, emptyAtPct: 101 }));
    const model = sut.fit(sim.history);
    const lastAt = model.lastTrustedAtMs as number;
    const now = lastAt + 30 * HOUR_MS;
    expect(sut.sensorStatus(model, lastAt + HOUR_MS).state).toBe('ok');
    expect(sut.sensorStatus(model, now).state).toBe('silent');
    const prediction = sut.predict(model, now + 6 * HOUR_MS, now);
    expect(prediction.fromHistoryOnly).toBe(true);
    const expected = (model.anchorFillPct as number) + sut.expectedIncrement(model, lastAt, now + 6 * HOUR_MS, model.anchorFillPct as number);
    expect(prediction.meanPct).toBeCloseTo(expected, 9);
    expect(prediction.meanPct).toBeGreaterThan((model.anchorFillPct as number) + 30 * trueMeanRate(20) * 0.7);
    expect(sut.predictFullAt(model, now).fromHistoryOnly).toBe(true);
  });

  it('marks a sensor doubtful when most recent readings are flagged, and keeps its last trusted state', () => {
    const sut = new FillForecaster();
    const good = ramp(MONDAY, 24, 10, 1);
    const stuck = Array.from({ length: 10 }, (_, k) => ({ atMs: MONDAY + (24 + k) * HOUR_MS, fillPct: 33, flags: ['stuck_value'] }));
    const model = sut.fit({ containerId: 'c', readings: [...good, ...stuck] });
    const now = MONDAY + 34 * HOUR_MS;
    const status = sut.sensorStatus(model, now);
    expect(status.state).toBe('doubtful');
    expect(status.recentFlaggedShare).toBeGreaterThanOrEqual(0.5);
    expect(model.anchorAtMs).toBe(MONDAY + 23 * HOUR_MS);
    expect(sut.predict(model, now, now).fromHistoryOnly).toBe(true);
  });

  it('reports a container without any reading as never reported, with a wide band', () => {
    const sut = new FillForecaster();
    const model = sut.emptyModel('new');
    expect(sut.sensorStatus(model, MONDAY).state).toBe('never_reported');
    const prediction = sut.predict(model, MONDAY + 24 * HOUR_MS, MONDAY);
    expect(prediction.fromHistoryOnly).toBe(true);
    expect(prediction.highPct - prediction.lowPct).toBeGreaterThan(50);
  });

  it('gives an overflow probability that only grows with time and a band that widens', () => {
    const sut = new FillForecaster();
    const model = sut.fit(simulateFillHistory(spec({ days: 21, emptyAtPct: 101 })).history);
    const now = model.seenUntilMs as number;
    let previous = -1;
    let previousWidth = -1;
    for (let h = 0; h <= 240; h += 12) {
      const p = sut.predict(model, now + h * HOUR_MS, now);
      expect(p.overflowProbability).toBeGreaterThanOrEqual(previous);
      expect(p.highPct - p.lowPct).toBeGreaterThanOrEqual(previousWidth - 1e-9);
      previous = p.overflowProbability;
      previousWidth = p.highPct - p.lowPct;
    }
  });

  it('puts the time a container really becomes full inside the predicted band most of the time', () => {
    const sut = new FillForecaster();
    let inside = 0;
    let total = 0;
    for (let seed = 1; seed <= 40; seed++) {
      // Learn on three weeks of emptying every third morning, then stop emptying and watch the true fill cross 100.
      const days = 21;
      const rounds = Array.from({ length: 7 }, (_, k) => MONDAY + (2 + 3 * k) * 24 * HOUR_MS + 7 * HOUR_MS);
      const sim = simulateFillHistory(spec({ seed, days: days + 12, depositsPerDay: 15 + seed, collectionTimesMs: rounds }));
      const cut = MONDAY + days * 24 * HOUR_MS;
      const model = sut.fit({ containerId: 'c', readings: sim.history.readings.filter((r) => r.atMs <= cut), collections: sim.history.collections?.filter((c) => c.atMs <= cut) });
      const full = sut.predictFullAt(model, cut, { horizonH: 12 * 24 });
      const crossing = sim.truth.find((t) => t.atMs > cut && t.fillPct >= 100);
      if (!crossing || full.fullAtMs === null || full.earliestMs === null || full.latestMs === null) continue;
      expect(full.earliestMs).toBeLessThanOrEqual(full.fullAtMs);
      expect(full.fullAtMs).toBeLessThanOrEqual(full.latestMs);
      total++;
      // Readings come hourly: allow the hour the crossing falls in.
      if (crossing.atMs >= full.earliestMs - HOUR_MS && crossing.atMs <= full.latestMs + HOUR_MS) inside++;
    }
    expect(total).toBeGreaterThan(30);
    expect(inside / total).toBeGreaterThan(0.7);
  });

  it('updates incrementally to the same model a batch fit gives', () => {
    const sut = new FillForecaster();
    const sim = simulateFillHistory(spec({ days: 28, seed: 11 }));
    const batch = sut.fit(sim.history);
    const half = MONDAY + 14 * 24 * HOUR_MS;
    const incremental = sut.fit({
      containerId: 'c1',
      readings: sim.history.readings.filter((r) => r.atMs <= half),
      collections: sim.history.collections?.filter((c) => c.atMs <= half),
    });
    sut.update(
      incremental,
      sim.history.readings.filter((r) => r.atMs > half),
      sim.history.collections?.filter((c) => c.atMs > half),
    );
    expect(sut.meanRate(incremental)).toBeCloseTo(sut.meanRate(batch), 9);
    expect(incremental.anchorAtMs).toBe(batch.anchorAtMs);
    expect(incremental.emptyingsDetected).toBe(batch.emptyingsDetected);
    // Models survive a JSON round trip (stored between plans).
    const restored = JSON.parse(JSON.stringify(batch));
    expect(sut.meanRate(restored)).toBeCloseTo(sut.meanRate(batch), 9);
  });

  it('counts readings older than what it has seen instead of rewinding', () => {
    const sut = new FillForecaster();
    const model = sut.fit({ containerId: 'c', readings: ramp(MONDAY, 10, 10, 1) });
    sut.update(model, [{ atMs: MONDAY + 2 * HOUR_MS, fillPct: 90 }]);
    expect(model.readingsIgnored).toBe(1);
    expect(model.anchorFillPct).toBe(19);
  });
});

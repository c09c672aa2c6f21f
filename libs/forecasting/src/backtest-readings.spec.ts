import { backtestReadings } from './backtest-readings';
import { FillForecaster } from './fill-forecaster';
import type { ContainerHistory, FillObservation } from './types';

const HOUR_MS = 3_600_000;
const MONDAY = Date.UTC(2024, 0, 1);

/** 2 points an hour, read every 2 hours, emptied to 0 at 05:00 every fourth day; overflows for the last hours of each cycle. */
function sawtooth(days: number): ContainerHistory {
  const readings: FillObservation[] = [];
  for (let h = 0; h < days * 24; h += 2) {
    const sinceEmptyH = (h - 5 + 96) % 96;
    readings.push({ atMs: MONDAY + h * HOUR_MS, fillPct: Math.min(100, 2 * sinceEmptyH), flags: [] });
  }
  return { containerId: 's', readings };
}

describe(backtestReadings.name, () => {
  it('scores every competitor on the same cases, leaves out pairs across a drop, and finds the drops', () => {
    const history = sawtooth(40);
    const sut = backtestReadings(
      [history],
      [
        { name: 'rate', forecaster: new FillForecaster({ timeZone: 'UTC', timePattern: 'flat', levelCurve: false }) },
        { name: 'last', forecaster: new FillForecaster({ timeZone: 'UTC', timePattern: 'flat', levelCurve: false, prior: { meanRatePctPerH: 0, strengthH: 1e9 } }) },
      ],
      { horizonsH: [24], overflowThresholds: [0.5] },
    );
    const [rate, last] = sut.scores;
    expect(rate?.horizons[0]?.pairs).toBe(last?.horizons[0]?.pairs);
    expect(rate?.horizons[0]?.pairs).toBeGreaterThan(50);
    expect(rate?.overflow.cases).toBe(last?.overflow.cases);
    // A straight ramp is learned nearly exactly (rises into the cap count only as far as the cap,
    // so the rate comes out a little low); standing still is 48 points off where it does not hit the cap.
    expect(rate?.horizons[0]?.maePct).toBeLessThan(2);
    expect(last?.horizons[0]?.maePct).toBeGreaterThan(10);
    expect(rate?.overflow.f1).toBeGreaterThan(0.95);
    expect(rate?.fullTime.maeH).toBeLessThan(2);
    // The counts behind the F1 (pooled over containers by the held-out evaluation): the last
    // reading never says yes, so it has no true positives and misses every overflow.
    const overflow = rate?.overflow;
    expect(overflow?.truePositives).toBeCloseTo((overflow?.recall ?? 0) * (overflow?.positives ?? 0), 6);
    expect(overflow?.saidYes).toBeCloseTo((overflow?.truePositives ?? 0) / (overflow?.precision ?? 1), 6);
    expect(last?.overflow.saidYes).toBe(0);
    expect(last?.overflow.truePositives).toBe(0);
    // One drop every four days after the first.
    expect(sut.emptyings.truth).toBe(10);
    expect(sut.emptyings.f1).toBe(1);
  });

  it('answers nothing for a container with fewer than two readings', () => {
    const sut = backtestReadings([{ containerId: 'x', readings: [{ atMs: MONDAY, fillPct: 10 }] }], [{ name: 'm', forecaster: new FillForecaster() }]);
    expect(sut.scores[0]?.containers).toBe(0);
    expect(sut.scores[0]?.horizons[0]?.pairs).toBe(0);
  });
});

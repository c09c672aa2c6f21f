import { backtest } from './backtest';
import { simulateFillHistory } from './simulate';

const MONDAY = Date.UTC(2023, 11, 31, 23);
const GRONINGEN_HOURS = [135, 70, 39, 31, 26, 52, 140, 392, 789, 1003, 1264, 1557, 1836, 1918, 1844, 1801, 1844, 1892, 1722, 1456, 1099, 820, 549, 301];

const histories = Array.from({ length: 30 }, (_, k) =>
  simulateFillHistory({
    containerId: `c${k}`,
    startMs: MONDAY,
    days: 35,
    capacityL: 5000,
    depositsPerDay: 10 + k * 1.5,
    hourShare: GRONINGEN_HOURS,
    weekdayFactor: [1, 1, 1, 1, 1.1, 1.3, 0.8],
    noiseSdPct: 2,
    faults: { jumpShare: 0.02 },
    seed: 100 + k,
  }).history,
);

describe(backtest.name, () => {
  it('scores the 24-hour-ahead prediction with a sane error and a calibrated band', () => {
    const sut = backtest(histories, { horizonH: 24 });
    expect(sut.containers).toBe(30);
    expect(sut.pairs).toBeGreaterThan(30 * 20);
    // Sensor noise alone (sd 2) gives about 1.6 points; a day of Poisson arrivals adds a few more.
    expect(sut.maePct).toBeGreaterThan(1);
    expect(sut.maePct).toBeLessThan(6);
    expect(Math.abs(sut.biasPct)).toBeLessThan(1.5);
    expect(sut.bandCoverage).toBeGreaterThan(0.7);
    expect(sut.bandCoverage).toBeLessThan(0.97);
  });

  it('is worse for a model that is told a wrong prior and ignores the data', () => {
    const good = backtest(histories, { horizonH: 24 });
    // A prior that says "nothing ever arrives", worth years of data: the forecast is the last reading.
    const stubborn = backtest(histories, { horizonH: 24, prior: { meanRatePctPerH: 0, strengthH: 1e7 } });
    expect(stubborn.maePct).toBeGreaterThan(good.maePct * 1.5);
  });

  it('grows the error with the horizon', () => {
    const short = backtest(histories, { horizonH: 3 });
    const long = backtest(histories, { horizonH: 48 });
    expect(short.maePct).toBeLessThan(long.maePct);
    expect(long.horizonH).toBe(48);
  });

  it('accepts a single history and returns NaN scores when nothing can be scored', () => {
    const sut = backtest({ containerId: 'empty', readings: [] }, { horizonH: 24 });
    expect(sut.pairs).toBe(0);
    expect(sut.maePct).toBeNaN();
  });
});

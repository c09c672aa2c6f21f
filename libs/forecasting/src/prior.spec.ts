import { FillForecaster } from './fill-forecaster';
import { derivePrior } from './prior';
import { simulateFillHistory } from './simulate';

const MONDAY = Date.UTC(2023, 11, 31, 23);
const WEEKDAYS = [1, 1, 1, 1, 1, 1.6, 0.6];
const GRONINGEN_HOURS = [135, 70, 39, 31, 26, 52, 140, 392, 789, 1003, 1264, 1557, 1836, 1918, 1844, 1801, 1844, 1892, 1722, 1456, 1099, 820, 549, 301];

describe(derivePrior.name, () => {
  const district = Array.from({ length: 40 }, (_, k) =>
    simulateFillHistory({
      containerId: `c${k}`,
      startMs: MONDAY,
      days: 42,
      capacityL: 5000,
      depositsPerDay: 20 + (k % 10),
      hourShare: GRONINGEN_HOURS,
      weekdayFactor: WEEKDAYS,
      seed: k + 1,
    }).history,
  );
  const forecaster = new FillForecaster();
  const models = district.map((h) => forecaster.fit(h));

  it('pools the district pattern: busy afternoons, quiet nights, busy Saturdays', () => {
    const sut = derivePrior(models);
    expect(sut).not.toBeNull();
    const prior = sut!;
    expect(prior.hourShape![14]).toBeGreaterThan(8 * prior.hourShape![3]);
    expect(prior.weekdayShape![5]).toBeGreaterThan(1.3 * prior.weekdayShape![1]);
    // 20..29 deposits a day of 33 L in 5,000 L: 0.56..0.80 points an hour.
    expect(prior.meanRatePctPerH).toBeGreaterThan(0.5);
    expect(prior.meanRatePctPerH).toBeLessThan(0.85);
  });

  it('gives a container with two days of data a far better pattern than no prior does', () => {
    const prior = derivePrior(models)!;
    const newcomer = simulateFillHistory({ containerId: 'n', startMs: MONDAY, days: 2, capacityL: 5000, depositsPerDay: 25, hourShare: GRONINGEN_HOURS, weekdayFactor: WEEKDAYS, seed: 999 }).history;
    const withPrior = new FillForecaster({ prior });
    const without = new FillForecaster();
    const ratesWith = withPrior.rates(withPrior.fit(newcomer));
    const ratesWithout = without.rates(without.fit(newcomer));
    const weekdayMean = WEEKDAYS.reduce((a, b) => a + b, 0) / 7;
    const truth = (s: number): number =>
      (GRONINGEN_HOURS[s % 24] / GRONINGEN_HOURS.reduce((a, b) => a + b, 0)) * (WEEKDAYS[Math.floor(s / 24)] / weekdayMean) * 25 * (100 / 3 / 5000) * 100;
    const error = (rates: Float64Array): number => {
      let sum = 0;
      for (let s = 0; s < 168; s++) sum += Math.abs(rates[s] - truth(s));
      return sum / 168;
    };
    expect(error(ratesWith)).toBeLessThan(0.6 * error(ratesWithout));
  });

  it('returns null when no model has a day of data', () => {
    expect(derivePrior([forecaster.emptyModel('x')])).toBeNull();
  });
});

import { assessSensor, type SensorDay, type SensorHealthInput } from './sensor-health';

const now = new Date('2026-06-15T12:00:00Z');
/** Hourly reporting: 24 a day. */
const day = (daysAgo: number, readings = 24, batteryMinPct: number | null = 80, flagged = 0): SensorDay => ({ daysAgo, readings, flagged, batteryMinPct });
const healthy = (): SensorHealthInput => ({
  reportingIntervalS: 3600,
  lastMeasuredAt: new Date(now.getTime() - 30 * 60_000),
  now,
  days: Array.from({ length: 14 }, (_, i) => day(i)),
  windowDays: 14,
  meanRssiDbm: -95,
  meanSnrDb: 6,
  rejected: 0,
});

describe(assessSensor.name, () => {
  it('a sensor reporting as it should raises nothing', () => {
    expect(assessSensor(healthy())).toEqual({ flags: [], batteryTrendPctPerDay: 0, batteryEmptyInDays: null, recentShare: 1, earlierShare: 1 });
  });

  it('silent after three reporting intervals without a message, or never heard', () => {
    expect(assessSensor({ ...healthy(), lastMeasuredAt: new Date(now.getTime() - 4 * 3600_000) }).flags).toEqual(['silent']);
    expect(assessSensor({ ...healthy(), lastMeasuredAt: null, days: [] }).flags).toEqual(['silent']);
  });

  it('a battery losing two points a day from 60 % is flagged failing, with the days it has left', () => {
    const sut = assessSensor({ ...healthy(), days: Array.from({ length: 14 }, (_, i) => day(i, 24, 60 + 2 * i)) });
    expect(sut.flags).toEqual(['battery_failing']);
    expect(sut.batteryTrendPctPerDay).toBe(-2);
    expect(sut.batteryEmptyInDays).toBe(27.5);
  });

  it('a slow decline is not failing yet; a low battery is low whatever its trend', () => {
    expect(assessSensor({ ...healthy(), days: Array.from({ length: 14 }, (_, i) => day(i, 24, 80 + 0.2 * i)) }).flags).toEqual([]);
    expect(assessSensor({ ...healthy(), days: Array.from({ length: 14 }, (_, i) => day(i, 24, 12)) }).flags).toEqual(['battery_low']);
  });

  it('messages thinning out over the last three days are flagged before the sensor goes silent', () => {
    const days = Array.from({ length: 14 }, (_, i) => day(i, i >= 1 && i <= 3 ? 10 : 24));
    const sut = assessSensor({ ...healthy(), days });
    expect(sut.flags).toEqual(['gaps_growing']);
    expect(sut.recentShare).toBeCloseTo(10 / 24, 3);
  });

  it('a sensor that always reported half as often as configured is not a growing gap', () => {
    expect(assessSensor({ ...healthy(), days: Array.from({ length: 14 }, (_, i) => day(i, 12)) }).flags).toEqual([]);
  });

  it('weak signal, doubtful data and rejected messages', () => {
    expect(assessSensor({ ...healthy(), meanRssiDbm: -118 }).flags).toEqual(['weak_signal']);
    expect(assessSensor({ ...healthy(), meanSnrDb: -17 }).flags).toEqual(['weak_signal']);
    expect(assessSensor({ ...healthy(), days: Array.from({ length: 14 }, (_, i) => day(i, 24, 80, 6)) }).flags).toEqual(['doubtful_data']);
    expect(assessSensor({ ...healthy(), rejected: 2 }).flags).toEqual(['rejected_messages']);
  });
});

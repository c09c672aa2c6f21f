import { evaluateOverflow, evaluateReading, evaluateSilence, type ReadingFacts, type Verdict } from './rules';
import { DEFAULT_THRESHOLDS, mergeThresholds } from './thresholds';

const calm: ReadingFacts = { fillPct: 40, temperatureC: 18, batteryPct: 80, flags: [] };
const byCause = (verdicts: Verdict[]) => Object.fromEntries(verdicts.map((v) => [v.cause, v.state]));

describe(evaluateReading.name, () => {
  const sut = (facts: Partial<ReadingFacts>) => byCause(evaluateReading({ ...calm, ...facts }, DEFAULT_THRESHOLDS));

  it('clears every reading-driven cause on a calm reading', () => {
    expect(sut({})).toEqual({
      sensor_silent: 'clear',
      temperature_high: 'clear',
      container_full: 'clear',
      battery_low: 'clear',
      doubtful_data: 'clear',
      sensor_tilted: 'clear',
    });
  });

  it('opens container_full at the threshold and keeps it while the fill stays in the hysteresis band', () => {
    expect(sut({ fillPct: 90 }).container_full).toBe('active');
    expect(sut({ fillPct: 85 }).container_full).toBeUndefined();
    expect(sut({ fillPct: 79.9 }).container_full).toBe('clear');
  });

  it('uses the district threshold', () => {
    const strict = mergeThresholds(DEFAULT_THRESHOLDS, { fullPct: 70, batteryLowPct: null });
    expect(byCause(evaluateReading({ ...calm, fillPct: 72 }, strict)).container_full).toBe('active');
    expect(strict.batteryLowPct).toBe(DEFAULT_THRESHOLDS.batteryLowPct);
  });

  it('does not judge the fill of a doubtful or tilted reading', () => {
    expect(sut({ fillPct: 99, flags: ['impossible_jump'] }).container_full).toBeUndefined();
    expect(sut({ fillPct: 5, flags: ['tilted'] }).container_full).toBeUndefined();
    expect(sut({ fillPct: null }).container_full).toBeUndefined();
  });

  it('raises fire on temperature or on a fire alarm, and not on a tilt alarm', () => {
    expect(sut({ temperatureC: 70 }).temperature_high).toBe('active');
    expect(sut({ temperatureC: 62 }).temperature_high).toBeUndefined();
    const fire = evaluateReading({ ...calm, flags: ['device_alarm'], alarms: ['fire'] }, DEFAULT_THRESHOLDS);
    expect(byCause(fire)).toMatchObject({ temperature_high: 'active', sensor_tilted: 'clear' });
    expect(fire.find((v) => v.cause === 'temperature_high')).toMatchObject({ severity: 'critical', message: expect.stringContaining('Fire alarm') });
  });

  it('reports a tilted sensor and other device alarms as sensor_tilted', () => {
    expect(sut({ flags: ['tilted'] }).sensor_tilted).toBe('active');
    expect(sut({ flags: ['device_alarm'], alarms: ['tilt'] }).sensor_tilted).toBe('active');
    expect(sut({ flags: ['device_alarm'], alarms: ['low_power_fault'] }).sensor_tilted).toBe('active');
    expect(sut({ flags: ['device_alarm'], alarms: ['full'] }).sensor_tilted).toBe('clear');
  });

  it('flags doubtful data and names the checks that failed', () => {
    const verdicts = evaluateReading({ ...calm, flags: ['stuck_value', 'stale_timestamp'] }, DEFAULT_THRESHOLDS);
    expect(verdicts.find((v) => v.cause === 'doubtful_data')).toMatchObject({ state: 'active', message: 'Doubtful reading: stuck value, stale timestamp' });
  });

  it('opens battery_low below the threshold and clears it only above threshold + margin', () => {
    expect(sut({ batteryPct: 14 }).battery_low).toBe('active');
    expect(sut({ batteryPct: 17 }).battery_low).toBeUndefined();
    expect(sut({ batteryPct: 20 }).battery_low).toBe('clear');
    expect(sut({ batteryPct: null }).battery_low).toBeUndefined();
  });
});

describe(evaluateSilence.name, () => {
  const now = new Date('2026-03-01T12:00:00Z');
  it('opens after the multiple of the reporting interval, counting from the binding when it never reported', () => {
    const hourly = { boundSince: new Date('2026-02-01T00:00:00Z'), reportingIntervalS: 3600 };
    expect(evaluateSilence({ ...hourly, lastMeasuredAt: new Date('2026-03-01T09:00:00Z') }, now, DEFAULT_THRESHOLDS).state).toBe('active');
    expect(evaluateSilence({ ...hourly, lastMeasuredAt: new Date('2026-03-01T09:30:00Z') }, now, DEFAULT_THRESHOLDS).state).toBe('clear');
    const never = evaluateSilence({ ...hourly, lastMeasuredAt: null }, now, DEFAULT_THRESHOLDS);
    expect(never).toMatchObject({ state: 'active', message: expect.stringContaining('Never reported') });
  });
});

describe(evaluateOverflow.name, () => {
  const facts = { until: new Date('2026-03-02T08:00:00Z'), plannedVisit: true, expectedFillPct: 97, fromHistoryOnly: false };
  it('opens at the risk level, resolves below half of it, and leaves the band between alone', () => {
    expect(evaluateOverflow({ ...facts, probability: 0.5 }, DEFAULT_THRESHOLDS)?.state).toBe('active');
    expect(evaluateOverflow({ ...facts, probability: 0.3 }, DEFAULT_THRESHOLDS)).toBeNull();
    expect(evaluateOverflow({ ...facts, probability: 0.2 }, DEFAULT_THRESHOLDS)?.state).toBe('clear');
    expect(evaluateOverflow({ ...facts, probability: Number.NaN }, DEFAULT_THRESHOLDS)).toBeNull();
  });
});

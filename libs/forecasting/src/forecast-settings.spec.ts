import { createForecaster, forecastOptions, forecastSettingsFrom } from './forecast-settings';

describe(forecastSettingsFrom.name, () => {
  it('builds the same forecaster from the configuration wherever it is asked', () => {
    const config = { core: { timezone: 'Europe/Prague' }, forecast: { timePattern: 'weekday' as const, levelCurve: true, bandScale: 1.6, halfLifeDays: 112, calibrate: true, fullAtProbability: 0.2 } };
    const settings = forecastSettingsFrom(config);
    expect(settings).toEqual({ timeZone: 'Europe/Prague', timePattern: 'weekday', levelCurve: true, bandScale: 1.6, halfLifeDays: 112, calibrate: true, fullAtProbability: 0.2 });
    expect(forecastOptions(settings)).toEqual({ timeZone: 'Europe/Prague', timePattern: 'weekday', levelCurve: true, bandScale: 1.6, halfLifeDays: 112, calibrate: true, fullAtProbability: 0.2 });
    const sut = createForecaster(settings, { halfLifeDays: 28 });
    expect(sut.options.timeZone).toBe('Europe/Prague');
    expect(sut.options.timePattern).toBe('weekday');
    expect(sut.options.bandScale).toBe(1.6);
    expect(sut.options.halfLifeDays).toBe(28);
    expect(sut.options.calibrate).toBe(true);
    expect(sut.options.fullAtProbability).toBe(0.2);
  });
});

import { FillForecaster } from './fill-forecaster';
import type { ForecastOptions } from './types';

/**
 * The few settings a city chooses for its forecast (from configuration:
 * `CITY_TIMEZONE` and the `FORECAST_*` variables). Every process that
 * forecasts (planner, alerts, gateway) builds its forecaster from these with
 * `createForecaster`, so the dashboard's "full at", the overflow alert and
 * the plan answer with one model.
 */
export interface ForecastSettings {
  timeZone: string;
  /**
   * How the rate varies through the week (`ForecastOptions.timePattern`).
   * On recorded Prague sensors the 24-hour forecast is best with `weekday`;
   * on synthetic profiles with a strong daily rhythm, `week` gets the hour
   * within the shift right.
   */
  timePattern: 'flat' | 'weekday' | 'week';
  /** Follow how the rise slows or speeds with the level. */
  levelCurve: boolean;
  /** Multiplies the predicted spread (1 = as fitted). */
  bandScale: number;
  /** Old behaviour fades with this half-life, days (0 = never). */
  halfLifeDays: number;
  /** Calibrate the forecast on each container's own day-ahead outcomes (`ForecastOptions.calibrate`). Default false. */
  calibrate?: boolean;
  /** The "full at" time is when the container is full with this probability (`ForecastOptions.fullAtProbability`). Default 0.5. */
  fullAtProbability?: number;
}

/** The model options the settings stand for. */
export function forecastOptions(settings: ForecastSettings): ForecastOptions {
  return {
    timeZone: settings.timeZone,
    levelCurve: settings.levelCurve,
    bandScale: settings.bandScale,
    halfLifeDays: settings.halfLifeDays,
    timePattern: settings.timePattern,
    calibrate: settings.calibrate ?? false,
    fullAtProbability: settings.fullAtProbability ?? 0.5,
  };
}

/** The forecaster of a city: its settings, plus options a caller adds (a district prior). */
export function createForecaster(settings: ForecastSettings, extra: Omit<ForecastOptions, 'timeZone'> = {}): FillForecaster {
  return new FillForecaster({ ...forecastOptions(settings), ...extra });
}

/** The settings out of the validated configuration (`core.timezone` and the `forecast` section); the one mapping every process uses. */
export function forecastSettingsFrom(config: { core: { timezone: string }; forecast: Omit<ForecastSettings, 'timeZone'> }): ForecastSettings {
  const { timePattern, levelCurve, bandScale, halfLifeDays, calibrate, fullAtProbability } = config.forecast;
  return { timeZone: config.core.timezone, timePattern, levelCurve, bandScale, halfLifeDays, calibrate, fullAtProbability };
}

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
   * `flat`: one rate through the week (the level curve still shapes it);
   * `learned`: each hour of the week learned and shrunk towards the hour of
   * day and weekday. On recorded Prague sensors the 24-hour forecast is
   * better flat; on synthetic profiles with a strong daily rhythm,
   * `learned` gets the hour within the shift right.
   */
  timePattern: 'flat' | 'learned';
  /** Follow how the rise slows or speeds with the level. */
  levelCurve: boolean;
  /** Multiplies the predicted spread (1 = as fitted). */
  bandScale: number;
}

/** Shrinkage strength that pins every hour of the week to the container's mean rate. */
const FLAT_STRENGTH_H = 1e9;

/** The model options the settings stand for. */
export function forecastOptions(settings: ForecastSettings): ForecastOptions {
  return {
    timeZone: settings.timeZone,
    levelCurve: settings.levelCurve,
    bandScale: settings.bandScale,
    ...(settings.timePattern === 'flat' ? { hourStrengthH: FLAT_STRENGTH_H, slotStrengthH: FLAT_STRENGTH_H } : {}),
  };
}

/** The forecaster of a city: its settings, plus options a caller adds (a district prior). */
export function createForecaster(settings: ForecastSettings, extra: Omit<ForecastOptions, 'timeZone'> = {}): FillForecaster {
  return new FillForecaster({ ...forecastOptions(settings), ...extra });
}

import { bool, num, oneOf } from './env';

/** How the fill forecast is built; one forecaster from these serves the planner, the alerts and the dashboard. */
export const forecastSpec = {
  timePattern: oneOf(
    'FORECAST_TIME_PATTERN',
    'weekday',
    ['flat', 'weekday', 'week'] as const,
    'How the fill rate varies through the week: flat = one rate; weekday = one per weekday (best 24-hour forecast on recorded sensors); week = one per hour of the week',
  ),
  levelCurve: bool('FORECAST_LEVEL_CURVE', true, 'Learn how the rise slows or speeds with the level (a heap under the slot reads fast, a spreading one slowly)'),
  halfLifeDays: num('FORECAST_HALF_LIFE_DAYS', 112, 'Old fill behaviour fades with this half-life, days (0 = never)', 0, 3650),
  bandScale: num('FORECAST_BAND_SCALE', 1.6, 'Multiplies the forecast spread; 1.6 makes the 80 % band cover 75-85 % on recorded sensors', 0.1, 10),
};

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
  bandScale: num('FORECAST_BAND_SCALE', 1.6, 'Multiplies the rate model\'s spread: its overflow probability, and its band until a container has day-ahead outcomes of its own (FORECAST_CALIBRATE); 1.6 covers 75-85 % on recorded sensors', 0.1, 10),
  calibrate: bool('FORECAST_CALIBRATE', true, 'Learn from each container\'s own day-ahead outcomes how far the rate model is off (by start level and the last step) and forecast the calibrated median and 80 % band'),
  fullAtProbability: num('FORECAST_FULL_AT_PROBABILITY', 0.2, 'The "full at" time is when the container is full with this probability (0.5 = median; lower = earlier)', 0.01, 0.99),
};

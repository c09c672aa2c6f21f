export * from './types';
export { FillForecaster, DEFAULT_FLAG_WEIGHTS, FALLBACK_PRIOR } from './fill-forecaster';
export { backtest, type BacktestOptions } from './backtest';
export { derivePrior } from './prior';
export { LocalWeekClock, HOURS_PER_WEEK } from './local-week';
export { normalCdf, normalQuantile } from './normal';
export { simulateFillHistory, seededRandom, poisson, gaussian, type FillSimulationSpec, type FillSimulation } from './simulate';

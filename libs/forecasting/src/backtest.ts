import { FillForecaster } from './fill-forecaster';
import type { BacktestResult, CollectionObservation, ContainerHistory, FillObservation, ForecastOptions } from './types';

const HOUR_MS = 3_600_000;

/** How the replay runs, on top of the model's own options. */
export interface BacktestOptions extends ForecastOptions {
  /** How far ahead each prediction looks, hours (the planner's question is 24). */
  horizonH: number;
  /** Minimum spacing of forecast origins, hours. Default 6. */
  stepH?: number;
  /** History a container needs before it is scored, hours. Default 7 days. */
  warmupH?: number;
  /** A trusted reading this close to the target time is the observation, hours. Default 1. */
  toleranceH?: number;
}

/**
 * Replays each container's history in time order: at every origin the model
 * has seen only the data up to then, predicts the fill `horizonH` later, and
 * the prediction (capped to 0..100, as a sensor reads) is scored against the
 * trusted reading nearest the target. Targets with an emptying in between are
 * skipped: the planner knows its own collections, the forecast answers "if
 * nobody comes". The error therefore includes the sensor's own noise.
 */
export function backtest(histories: ContainerHistory | readonly ContainerHistory[], options: BacktestOptions): BacktestResult {
  const list = Array.isArray(histories) ? (histories as readonly ContainerHistory[]) : [histories as ContainerHistory];
  const forecaster = new FillForecaster(options);
  const horizonMs = options.horizonH * HOUR_MS;
  const stepMs = (options.stepH ?? 6) * HOUR_MS;
  const warmupMs = (options.warmupH ?? 7 * 24) * HOUR_MS;
  const toleranceMs = (options.toleranceH ?? 1) * HOUR_MS;
  let sumAbs = 0;
  let sumSigned = 0;
  let inside = 0;
  let pairs = 0;
  let containers = 0;

  for (const history of list) {
    const readings = [...history.readings].filter((r) => Number.isFinite(r.atMs)).sort((a, b) => a.atMs - b.atMs);
    const collections = [...(history.collections ?? [])].sort((a, b) => a.atMs - b.atMs);
    const trusted = readings.filter((r) => forecaster.readingWeight(r) >= 1);
    if (trusted.length < 2) continue;
    const emptyings = emptyingTimes(forecaster, trusted, collections);
    const model = forecaster.emptyModel(history.containerId);
    let nextReading = 0;
    let nextCollection = 0;
    let lastOriginMs = -Infinity;
    let scored = false;
    const firstMs = trusted[0].atMs;

    for (const origin of trusted) {
      const originMs = origin.atMs;
      if (originMs - firstMs < warmupMs || originMs - lastOriginMs < stepMs) continue;
      const targetMs = originMs + horizonMs;
      const observed = nearest(trusted, targetMs, toleranceMs);
      if (!observed) continue;
      // Feed everything up to the origin, then ask.
      const newReadings: FillObservation[] = [];
      const newCollections: CollectionObservation[] = [];
      while (nextReading < readings.length && readings[nextReading].atMs <= originMs) newReadings.push(readings[nextReading++]);
      while (nextCollection < collections.length && collections[nextCollection].atMs <= originMs) newCollections.push(collections[nextCollection++]);
      forecaster.update(model, newReadings, newCollections);
      lastOriginMs = originMs;
      if (emptyings.some((t) => t > originMs && t <= observed.atMs)) continue;
      const prediction = forecaster.predict(model, observed.atMs, originMs);
      const predicted = Math.min(100, Math.max(0, prediction.meanPct));
      const actual = observed.fillPct as number;
      sumAbs += Math.abs(predicted - actual);
      sumSigned += predicted - actual;
      // A sensor reads at most 100: a band reaching past 100 covers a capped reading.
      const low = Math.min(prediction.lowPct, 100);
      const high = prediction.highPct >= 100 ? Infinity : prediction.highPct;
      if (actual >= low && actual <= high) inside++;
      pairs++;
      scored = true;
    }
    if (scored) containers++;
  }
  return {
    horizonH: options.horizonH,
    maePct: pairs > 0 ? sumAbs / pairs : NaN,
    biasPct: pairs > 0 ? sumSigned / pairs : NaN,
    bandCoverage: pairs > 0 ? inside / pairs : NaN,
    pairs,
    containers,
  };
}

/** Every emptying the data shows: collection events and large drops between trusted readings. */
function emptyingTimes(forecaster: FillForecaster, trusted: readonly FillObservation[], collections: readonly CollectionObservation[]): number[] {
  const times = collections.map((c) => c.atMs);
  for (let k = 1; k < trusted.length; k++) {
    if (forecaster.isEmptying(trusted[k - 1].fillPct as number, trusted[k].fillPct as number)) times.push(trusted[k].atMs);
  }
  return times.sort((a, b) => a - b);
}

/** The reading closest to `atMs` within the tolerance (readings sorted by time). */
function nearest(sorted: readonly FillObservation[], atMs: number, toleranceMs: number): FillObservation | null {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].atMs < atMs) lo = mid + 1;
    else hi = mid;
  }
  let best: FillObservation | null = null;
  for (const k of [lo - 1, lo]) {
    const candidate = sorted[k];
    if (candidate && Math.abs(candidate.atMs - atMs) <= toleranceMs && (!best || Math.abs(candidate.atMs - atMs) < Math.abs(best.atMs - atMs))) best = candidate;
  }
  return best;
}

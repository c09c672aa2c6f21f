import { LEVEL_BANDS } from './fill-forecaster';
import type { FillModel, FillPrior } from './types';

/** Pseudo-hours at the neutral relative rate each level band of a prior starts with. */
const LEVEL_PRIOR_EXPOSURE_H = 48;

/**
 * A district/fraction prior from fitted models of its containers: the median
 * of their own mean rates (robust to a few odd sensors) and the pooled
 * hour-of-day, weekday and level shapes. Models with less than a day of exposure
 * are left out. Null when none qualifies.
 */
export function derivePrior(models: readonly FillModel[], strengthH = 48): FillPrior | null {
  const rates: number[] = [];
  const hourInc = new Float64Array(24);
  const hourExp = new Float64Array(24);
  const dayInc = new Float64Array(7);
  const dayExp = new Float64Array(7);
  const levelInc = new Float64Array(LEVEL_BANDS);
  const levelExp = new Float64Array(LEVEL_BANDS);
  for (const model of models) {
    let inc = 0;
    let exp = 0;
    for (let s = 0; s < 168; s++) {
      inc += model.slotIncrementPct[s];
      exp += model.slotExposureH[s];
    }
    if (exp < 24) continue;
    const rate = inc / exp;
    rates.push(rate);
    if (!(rate > 0)) continue;
    // Each container's pattern counts relative to its own rate, so busy containers do not dominate the shape.
    for (let s = 0; s < 168; s++) {
      hourInc[s % 24] += model.slotIncrementPct[s] / rate;
      hourExp[s % 24] += model.slotExposureH[s];
      dayInc[Math.floor(s / 24)] += model.slotIncrementPct[s] / rate;
      dayExp[Math.floor(s / 24)] += model.slotExposureH[s];
    }
    for (let b = 0; b < LEVEL_BANDS; b++) {
      levelInc[b] += (model.levelIncrementPct[b] ?? 0) / rate;
      levelExp[b] += model.levelExposureH[b] ?? 0;
    }
  }
  if (rates.length === 0) return null;
  rates.sort((a, b) => a - b);
  const mid = rates.length >> 1;
  const median = rates.length % 2 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2;
  const shape = (inc: Float64Array, exp: Float64Array): number[] => {
    const raw = Array.from(inc, (v, k) => (exp[k] > 0 ? Math.max(0, v / exp[k]) : 0));
    const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
    return mean > 0 ? raw.map((v) => (v > 0 ? v / mean : 0.05)) : raw.map(() => 1);
  };
  // Each band's pooled relative rate, shrunk towards 1 with a couple of days' worth of exposure: a
  // band seen only at the peaks of containers emptied before it (a few readings, no rise) must not
  // teach the district that containers stop filling there.
  const levelRaw = Array.from(levelInc, (v, b) => Math.max(0, (v + LEVEL_PRIOR_EXPOSURE_H) / (levelExp[b] + LEVEL_PRIOR_EXPOSURE_H)));
  const levelMean = levelRaw.reduce((a, b) => a + b, 0) / levelRaw.length;
  const levelShape = levelMean > 0 ? levelRaw.map((v) => Math.max(0.05, v / levelMean)) : levelRaw.map(() => 1);
  return { meanRatePctPerH: Math.max(0, median), hourShape: shape(hourInc, hourExp), weekdayShape: shape(dayInc, dayExp), levelShape, strengthH };
}

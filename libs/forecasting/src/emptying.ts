/**
 * Emptyings seen in a fill signal when nobody logged them, and the
 * independent definition of a "drop" that scores such detectors.
 */

/** A reading reduced to what the detectors need. */
export interface LevelPoint {
  atMs: number;
  fillPct: number;
}

/** How the detector decides; `FillForecaster` uses the same rule while it learns. */
export interface EmptyingRule {
  /** A fall of at least this many points is an emptying. */
  dropPct: number;
  /** A smaller fall of at least `smallDropPct` counts too when it ends at or below `smallMaxAfterPct`... */
  smallDropPct: number;
  smallMaxAfterPct: number;
  /** ...and at or below this share of the level before (so jitter near empty is not an emptying). */
  smallMaxAfterShare: number;
}

/** The rule used unless a forecaster's options say otherwise. */
export const DEFAULT_EMPTYING_RULE: EmptyingRule = { dropPct: 25, smallDropPct: 8, smallMaxAfterPct: 12, smallMaxAfterShare: 0.35 };

/** Whether a fall from `beforePct` to `afterPct` is an emptying under `rule`. */
export function isEmptyingDrop(beforePct: number, afterPct: number, rule: EmptyingRule = DEFAULT_EMPTYING_RULE): boolean {
  const drop = beforePct - afterPct;
  if (drop >= rule.dropPct) return true;
  return drop >= rule.smallDropPct && afterPct <= rule.smallMaxAfterPct && afterPct <= rule.smallMaxAfterShare * beforePct;
}

/** Median of three numbers. */
export function median3(a: number, b: number, c: number): number {
  return a > b ? (b > c ? b : a > c ? c : a) : a > c ? a : b > c ? c : b;
}

/**
 * Running median of three: each point takes the median of itself and its two
 * neighbours (the first and last stay as they are). A lone spike or dip of
 * one reading disappears; a step (an emptying, a fast rise) stays where it is.
 */
export function medianOfThree(points: readonly LevelPoint[]): LevelPoint[] {
  return points.map((p, k) => {
    if (k === 0 || k === points.length - 1) return p;
    return { atMs: p.atMs, fillPct: median3((points[k - 1] as LevelPoint).fillPct, p.fillPct, (points[k + 1] as LevelPoint).fillPct) };
  });
}

/**
 * The detector: emptyings in a signal without a collection log, the times of
 * the first reading after each one. Runs the rule on the median-of-three
 * filtered signal, as the forecaster's learner does.
 */
export function detectEmptyings(points: readonly LevelPoint[], rule: EmptyingRule = DEFAULT_EMPTYING_RULE): number[] {
  const sorted = [...points].sort((a, b) => a.atMs - b.atMs);
  const filtered = medianOfThree(sorted);
  const times: number[] = [];
  for (let k = 1; k < filtered.length; k++) {
    if (isEmptyingDrop((filtered[k - 1] as LevelPoint).fillPct, (filtered[k] as LevelPoint).fillPct, rule)) times.push((filtered[k] as LevelPoint).atMs);
  }
  return times;
}

/** Defaults of the truth definition: the drops a person looking at the curve would call an emptying. */
export const DROP_TRUTH = { minFallPct: 20, maxAfterShare: 0.5, loneDipPct: 10 } as const;

/**
 * The scoring truth, set apart from the detector's thresholds: a fall between
 * consecutive readings of at least `minFallPct` points that removes at least
 * half of what was there (an emptying takes most of the content; a heap
 * settling or a sensor wobble does not), unless it is a lone dip, i.e. the
 * next reading is back within `loneDipPct` points of the level before. Times
 * of the first reading after each drop.
 */
export function truthDrops(points: readonly LevelPoint[], truth: { minFallPct: number; maxAfterShare: number; loneDipPct: number } = DROP_TRUTH): number[] {
  const sorted = [...points].sort((a, b) => a.atMs - b.atMs);
  const times: number[] = [];
  for (let k = 1; k < sorted.length; k++) {
    const before = (sorted[k - 1] as LevelPoint).fillPct;
    const after = (sorted[k] as LevelPoint).fillPct;
    if (!(before - after >= truth.minFallPct && after <= truth.maxAfterShare * before)) continue;
    const next = sorted[k + 1];
    if (next && Math.abs(next.fillPct - before) <= truth.loneDipPct) continue;
    times.push((sorted[k] as LevelPoint).atMs);
  }
  return times;
}

/** Precision, recall and F1 of detected times against true ones; a detection within `toleranceMs` of an unmatched truth matches it. */
export function matchEvents(detected: readonly number[], truth: readonly number[], toleranceMs: number): { truePositives: number; detected: number; truth: number; precision: number; recall: number; f1: number } {
  const d = [...detected].sort((a, b) => a - b);
  const t = [...truth].sort((a, b) => a - b);
  let i = 0;
  let j = 0;
  let tp = 0;
  while (i < d.length && j < t.length) {
    const gap = (d[i] as number) - (t[j] as number);
    if (Math.abs(gap) <= toleranceMs) {
      tp++;
      i++;
      j++;
    } else if (gap < 0) i++;
    else j++;
  }
  const precision = d.length > 0 ? tp / d.length : t.length === 0 ? 1 : 0;
  const recall = t.length > 0 ? tp / t.length : 1;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { truePositives: tp, detected: d.length, truth: t.length, precision, recall, f1 };
}

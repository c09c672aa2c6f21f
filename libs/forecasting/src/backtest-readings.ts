import { detectEmptyings, matchEvents, truthDrops, type LevelPoint } from './emptying';
import type { FillForecaster } from './fill-forecaster';
import type { ContainerHistory, FillModel, FillObservation } from './types';
import { lowerBound } from './sorted';

const HOUR_MS = 3_600_000;

/** How the replay on recorded sensor readings runs. */
export interface ReadingsBacktestOptions {
  /** Horizons scored for the fill, hours; the first is the headline one. Default [24, 48]. */
  horizonsH?: readonly number[];
  /** Minimum spacing of forecast origins, hours. Default 6. */
  stepH?: number;
  /** History a container needs before it is scored, hours. Default 7 days. */
  warmupH?: number;
  /** A reading this close to the target time is the observation, hours. Default 1. */
  toleranceH?: number;
  /** The level that counts as full, for the full time and the overflow question. Default 100. */
  fullPct?: number;
  /** How far ahead the full time is searched and scored, hours. Default 7 days. */
  fullSearchH?: number;
  /** Horizon of the overflow question ("full within this if nobody comes"), hours. Default 24. */
  overflowHorizonH?: number;
  /** Overflow probabilities from which a forecaster answers yes; each is scored, the first is the headline. Default [0.5]. */
  overflowThresholds?: readonly number[];
  /** A detected emptying this close to a true drop matches it, hours. Default 3. */
  emptyingToleranceH?: number;
}

/** One forecaster under test; every competitor is scored on the same origins and targets. */
export interface Competitor {
  name: string;
  forecaster: FillForecaster;
}

/** Error of the predicted fill at one horizon. */
export interface HorizonScore {
  horizonH: number;
  pairs: number;
  maePct: number;
  biasPct: number;
  /** Share of observations inside the predicted band (a band reaching 100 covers a capped reading). */
  bandCoverage: number;
}

/** Precision, recall and F1 of a yes/no answer. */
export interface DecisionScore {
  cases: number;
  positives: number;
  /** Cases answered yes: all of them, and those that did reach full. */
  saidYes: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Everything one competitor scored. */
export interface CompetitorScore {
  name: string;
  containers: number;
  horizons: HorizonScore[];
  /** Hours between the predicted and the recorded time of reaching `fullPct`. */
  fullTime: { cases: number; maeH: number };
  /** At the first threshold. */
  overflow: DecisionScore;
  /** At every threshold asked, in the order given. */
  overflowByThreshold: Array<DecisionScore & { threshold: number }>;
}

/** The replay's outcome: per competitor, and the emptying detector against the true drops. */
export interface ReadingsBacktestResult {
  scores: CompetitorScore[];
  emptyings: { truth: number; detected: number; truePositives: number; precision: number; recall: number; f1: number };
}

interface Accumulator {
  abs: number[];
  signed: number[];
  inside: number[];
  pairs: number[];
  fullAbsH: number;
  fullCases: number;
  tp: number[];
  fp: number[];
  fn: number[];
  overflowCases: number;
  containers: Set<string>;
}

/**
 * Replays recorded readings in time order. At every origin (a reading at
 * least `stepH` after the previous origin, after the warm-up) each
 * competitor has seen the readings up to then and answers three questions,
 * each scored against what the sensor said later:
 * - the fill `horizonH` later (capped to 0..100 as a sensor reads), against
 *   the reading nearest the target; origins with a true drop (`truthDrops`)
 *   in between are left out, since the forecast answers "if nobody comes";
 * - when the level reaches `fullPct`, against the first reading at or above
 *   it, for origins below it where that happens within `fullSearchH` before
 *   any true drop (a forecast that finds no crossing counts as the end of the
 *   search);
 * - whether it reaches `fullPct` within `overflowHorizonH`, for origins
 *   below it with no true drop in that window and a reading at its end.
 * The origins, targets and truth are fixed by the readings alone, so every
 * competitor answers exactly the same cases. The emptying detector
 * (`detectEmptyings`, the learner's rule) is scored against the true drops
 * over the whole recordings.
 */
export function backtestReadings(histories: readonly ContainerHistory[], competitors: readonly Competitor[], options: ReadingsBacktestOptions = {}): ReadingsBacktestResult {
  const horizonsH = options.horizonsH ?? [24, 48];
  const stepMs = (options.stepH ?? 6) * HOUR_MS;
  const warmupMs = (options.warmupH ?? 7 * 24) * HOUR_MS;
  const toleranceMs = (options.toleranceH ?? 1) * HOUR_MS;
  const fullPct = options.fullPct ?? 100;
  const fullSearchMs = (options.fullSearchH ?? 7 * 24) * HOUR_MS;
  const overflowMs = (options.overflowHorizonH ?? 24) * HOUR_MS;
  const thresholds = options.overflowThresholds ?? [0.5];
  const matchToleranceMs = (options.emptyingToleranceH ?? 3) * HOUR_MS;
  const acc: Accumulator[] = competitors.map(() => ({
    abs: horizonsH.map(() => 0),
    signed: horizonsH.map(() => 0),
    inside: horizonsH.map(() => 0),
    pairs: horizonsH.map(() => 0),
    fullAbsH: 0,
    fullCases: 0,
    tp: thresholds.map(() => 0),
    fp: thresholds.map(() => 0),
    fn: thresholds.map(() => 0),
    overflowCases: 0,
    containers: new Set<string>(),
  }));
  const detected: number[] = [];
  const truth: number[] = [];
  let emptyingTp = 0;

  for (const history of histories) {
    const readings = [...history.readings].filter((r) => Number.isFinite(r.atMs)).sort((a, b) => a.atMs - b.atMs);
    const scored = readings.filter((r) => competitors.every((c) => c.forecaster.readingWeight(r) >= 1)) as Array<FillObservation & { fillPct: number }>;
    if (scored.length < 2) continue;
    const points: LevelPoint[] = scored.map((r) => ({ atMs: r.atMs, fillPct: r.fillPct }));
    const drops = truthDrops(points);
    const found = detectEmptyings(points, competitors[0]?.forecaster.emptyingRule);
    const match = matchEvents(found, drops, matchToleranceMs);
    emptyingTp += match.truePositives;
    detected.push(...found);
    truth.push(...drops);

    const models: FillModel[] = competitors.map((c) => c.forecaster.emptyModel(history.containerId));
    let fed = 0;
    let lastOriginMs = -Infinity;
    const firstMs = scored[0]!.atMs;
    const dropBetween = (fromMs: number, toMs: number): boolean => {
      const k = lowerBound(drops, fromMs + 1, (atMs) => atMs);
      return k < drops.length && (drops[k] as number) <= toMs;
    };

    for (let o = 0; o < scored.length; o++) {
      const origin = scored[o]!;
      const originMs = origin.atMs;
      if (originMs - firstMs < warmupMs || originMs - lastOriginMs < stepMs) continue;
      lastOriginMs = originMs;
      const fresh: FillObservation[] = [];
      while (fed < readings.length && readings[fed]!.atMs <= originMs) fresh.push(readings[fed++]!);
      competitors.forEach((c, k) => c.forecaster.update(models[k]!, fresh));

      // The fill at each horizon.
      horizonsH.forEach((h, hk) => {
        const observed = nearest(scored, originMs + h * HOUR_MS, toleranceMs);
        if (!observed || dropBetween(originMs, observed.atMs)) return;
        competitors.forEach((c, k) => {
          const prediction = c.forecaster.predict(models[k]!, observed.atMs, originMs);
          const predicted = Math.min(100, Math.max(0, prediction.meanPct));
          const a = acc[k]!;
          a.abs[hk]! += Math.abs(predicted - observed.fillPct);
          a.signed[hk]! += predicted - observed.fillPct;
          const low = Math.min(prediction.lowPct, 100);
          const high = prediction.highPct >= 100 ? Infinity : prediction.highPct;
          if (observed.fillPct >= low && observed.fillPct <= high) a.inside[hk]!++;
          a.pairs[hk]!++;
          a.containers.add(history.containerId);
        });
      });
      if (origin.fillPct >= fullPct) continue;

      // When it becomes full.
      let fullAtMs: number | null = null;
      for (let j = o + 1; j < scored.length && scored[j]!.atMs <= originMs + fullSearchMs; j++) {
        if (scored[j]!.fillPct >= fullPct) {
          fullAtMs = scored[j]!.atMs;
          break;
        }
      }
      if (fullAtMs !== null && !dropBetween(originMs, fullAtMs)) {
        competitors.forEach((c, k) => {
          const predicted = c.forecaster.predictFullAt(models[k]!, originMs, { fullPct, horizonH: fullSearchMs / HOUR_MS }).fullAtMs ?? originMs + fullSearchMs;
          acc[k]!.fullAbsH += Math.abs(predicted - (fullAtMs as number)) / HOUR_MS;
          acc[k]!.fullCases++;
        });
      }

      // Whether it overflows within the horizon if nobody comes.
      const end = nearest(scored, originMs + overflowMs, toleranceMs);
      if (!end || dropBetween(originMs, end.atMs)) continue;
      let overflows = false;
      for (let j = o + 1; j < scored.length && scored[j]!.atMs <= end.atMs; j++) if (scored[j]!.fillPct >= fullPct) overflows = true;
      competitors.forEach((c, k) => {
        const probability = c.forecaster.overflowProbability(models[k]!, originMs + overflowMs, originMs, fullPct);
        const a = acc[k]!;
        a.overflowCases++;
        thresholds.forEach((threshold, t) => {
          const says = probability >= threshold;
          if (says && overflows) a.tp[t]!++;
          else if (says) a.fp[t]!++;
          else if (overflows) a.fn[t]!++;
        });
      });
    }
  }

  const scores = competitors.map((c, k): CompetitorScore => {
    const a = acc[k]!;
    const overflowByThreshold = thresholds.map((threshold, t) => {
      const tp = a.tp[t]!;
      const precision = tp + a.fp[t]! > 0 ? tp / (tp + a.fp[t]!) : 0;
      const recall = tp + a.fn[t]! > 0 ? tp / (tp + a.fn[t]!) : 0;
      return { threshold, cases: a.overflowCases, positives: tp + a.fn[t]!, saidYes: tp + a.fp[t]!, truePositives: tp, precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
    });
    return {
      name: c.name,
      containers: a.containers.size,
      horizons: horizonsH.map((h, hk) => ({
        horizonH: h,
        pairs: a.pairs[hk]!,
        maePct: a.pairs[hk]! > 0 ? a.abs[hk]! / a.pairs[hk]! : NaN,
        biasPct: a.pairs[hk]! > 0 ? a.signed[hk]! / a.pairs[hk]! : NaN,
        bandCoverage: a.pairs[hk]! > 0 ? a.inside[hk]! / a.pairs[hk]! : NaN,
      })),
      fullTime: { cases: a.fullCases, maeH: a.fullCases > 0 ? a.fullAbsH / a.fullCases : NaN },
      overflow: overflowByThreshold[0] as DecisionScore,
      overflowByThreshold,
    };
  });
  const precision = detected.length > 0 ? emptyingTp / detected.length : truth.length === 0 ? 1 : 0;
  const recall = truth.length > 0 ? emptyingTp / truth.length : 1;
  return {
    scores,
    emptyings: { truth: truth.length, detected: detected.length, truePositives: emptyingTp, precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 },
  };
}

/** The reading closest to `atMs` within the tolerance (readings sorted by time). */
function nearest<T extends FillObservation>(sorted: readonly T[], atMs: number, toleranceMs: number): T | null {
  const lo = lowerBound(sorted, atMs, (r) => r.atMs);
  let best: T | null = null;
  for (const k of [lo - 1, lo]) {
    const candidate = sorted[k];
    if (candidate && Math.abs(candidate.atMs - atMs) <= toleranceMs && (!best || Math.abs(candidate.atMs - atMs) < Math.abs(best.atMs - atMs))) best = candidate;
  }
  return best;
}

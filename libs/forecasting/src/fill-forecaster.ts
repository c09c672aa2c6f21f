import {
  addPending,
  CALIBRATION_CELLS,
  CALIBRATION_HORIZON_MS,
  calibrationCell,
  calibrationFits,
  cellDistributions,
  cellQuantile,
  clearPending,
  decayCalibration,
  emptyCalibration,
  normalBins,
  originDue,
  recordOutcomes,
} from './calibration';
import { DEFAULT_EMPTYING_RULE, isEmptyingDrop, median3, type EmptyingRule } from './emptying';
import { forEachHourPiece, HOURS_PER_WEEK, LocalWeekClock } from './local-week';
import { normalCdf, normalQuantile } from './normal';
import type {
  CollectionObservation,
  ContainerHistory,
  FillModel,
  FillObservation,
  FillPrediction,
  FillPrior,
  ForecastOptions,
  FullTimePrediction,
  SensorStatus,
} from './types';

const HOUR_MS = 3_600_000;
type LearnPoint = FillModel['learnWindow'][number];
const DAY_MS = 24 * HOUR_MS;

/** Flag weights used unless the options say otherwise. */
export const DEFAULT_FLAG_WEIGHTS: Readonly<Record<string, number>> = {
  out_of_range: 0,
  impossible_jump: 0,
  stuck_value: 0,
  future_timestamp: 0,
  tilted: 0,
  stale_timestamp: 0.5,
  device_alarm: 0.5,
};
const UNKNOWN_FLAG_WEIGHT = 0.5;

/** The prior used when none is configured: about a week from empty to full, worth six hours of data. */
export const FALLBACK_PRIOR: FillPrior = { meanRatePctPerH: 0.5, strengthH: 6 };

/** Weekdays differ by at least a few per cent in any city: the floor of their spread (squared). */
const WEEKDAY_SPREAD_FLOOR = 0.05 ** 2;
/**
 * ...and the ceiling: the prior spread of the weekday factors is at most 0.2. A weekday with much
 * data still earns its own factor through its precision; the ceiling limits how far thin or
 * noisy days are let go (tuning half of the Prague recordings: 0.2 / 0.3 / 0.5 /
 * 1.0 gave a 24-hour MAE of 5.191 / 5.194 / 5.203 / 5.207; see bench/forecast/README.md).
 */
const WEEKDAY_SPREAD_CEILING = 0.2 ** 2;
/** Readings outside this range are sensor nonsense even when ingest did not flag them. */
const PLAUSIBLE_MIN_PCT = -5;
const PLAUSIBLE_MAX_PCT = 150;
/** Without a single reading the start level is unknown: assume half full with a wide spread. */
const UNKNOWN_START_PCT = 50;
const UNKNOWN_START_SD_PCT = 30;
/** A sensor at or above this reads a capped level: increments out of it say nothing and are not learned. */
const CENSORED_AT_PCT = 98;
/** How far the learner runs on one rate snapshot before refreshing it. */
const RATE_REFRESH_MS = 48 * HOUR_MS;
/** Longest stretch a prediction integrates over; beyond it the container is long overfull anyway. */
const MAX_INTEGRATION_MS = 120 * DAY_MS;
/**
 * Readings wobble in runs (a heap settling, a lid), not independently: a level band's rate is
 * judged with this many times the white-noise variance (chosen on the tuning half of the Prague
 * recordings: 1, 2, 4 and 8 tried; see bench/forecast/README.md).
 */
const LEVEL_NOISE_INFLATION = 4;
/** Level bands of the level curve: 0-10 %, 10-20 %, ... 90-100 %. */
export const LEVEL_BANDS = 10;
/**
 * No level band's rate falls below this share of the mean: a container that looks settled near
 * the top still fills, so the planner never waits for ever on it (0.05, 0.2 and 0.35 tried on the
 * tuning half of the Prague recordings: 0.35 at least as good and the safest).
 */
const LEVEL_FACTOR_FLOOR = 0.35;

type Resolved = Required<Omit<ForecastOptions, 'prior' | 'flagWeights' | 'slotStrengthH' | 'hourStrengthH'>> & {
  prior: Required<FillPrior>;
  flagWeights: Readonly<Record<string, number>>;
  slotStrengthH: number | null;
  hourStrengthH: number | null;
};

interface Dispersion {
  /** Variance at horizon zero: sensor noise of two readings, points squared. */
  noiseVar: number;
  /** Variance per point of expected increment (arrival randomness). */
  perPointVar: number;
  /** Relative variance of the rate itself (squared coefficient of variation). */
  rateRelVar: number;
}

/**
 * Learns a container's fill behaviour from its readings and emptyings and
 * predicts its fill. The learned state is a plain `FillModel` that `update`
 * extends with new readings at a cost proportional to the new data, so the
 * planner can keep thousands of models warm.
 *
 * Model: the fill rises at a rate that depends on the local hour of the week;
 * the rate per slot is the container's own estimate shrunk towards its
 * hour-of-day pattern, that towards its mean rate, and that towards the
 * district/fraction prior. Uncertainty grows with the expected increment:
 * sensor noise + Poisson-like arrivals + day-to-day rate variability.
 */
export class FillForecaster {
  readonly options: Resolved;
  private readonly clock: LocalWeekClock;
  private readonly rateCache = new WeakMap<FillModel, { revision: number; rates: Float64Array }>();
  private readonly levelCache = new WeakMap<FillModel, { revision: number; factors: Float64Array }>();
  private readonly learnRates = new WeakMap<FillModel, { atMs: number; rates: Float64Array; levels: Float64Array; meanRate: number; dispersion: Dispersion }>();
  private readonly calibrationCache = new WeakMap<FillModel, { revision: number; quantiles: Float64Array }>();
  /** The calibrated distribution before a container has outcomes of its own: a normal of the band scale. */
  private readonly zPrior: Float64Array;
  /** The emptying rule, built once: the learner asks it at every reading. */
  private readonly rule: EmptyingRule;
  /** The full time is when the fill reaches full with `fullAtProbability`: this quantile of the normal above the mean. */
  private readonly fullAtZ: number;

  constructor(options: ForecastOptions = {}) {
    const prior = options.prior ?? FALLBACK_PRIOR;
    this.options = {
      timeZone: options.timeZone ?? 'Europe/Amsterdam',
      emptyingDropPct: options.emptyingDropPct ?? 25,
      residualAfterEmptyingPct: options.residualAfterEmptyingPct ?? 2,
      flagWeights: { ...DEFAULT_FLAG_WEIGHTS, ...(options.flagWeights ?? {}) },
      silentAfterH: options.silentAfterH ?? 12,
      doubtfulShare: options.doubtfulShare ?? 0.5,
      doubtfulWindow: options.doubtfulWindow ?? 12,
      halfLifeDays: options.halfLifeDays ?? 56,
      slotStrengthH: options.slotStrengthH ?? null,
      hourStrengthH: options.hourStrengthH ?? null,
      dayToDayCv: options.dayToDayCv ?? 0.2,
      priorRateCv: options.priorRateCv ?? 0.5,
      bandProbability: options.bandProbability ?? 0.8,
      levelCurve: options.levelCurve ?? true,
      timePattern: options.timePattern ?? 'week',
      bandScale: options.bandScale ?? 1,
      levelStrengthH: options.levelStrengthH ?? 0,
      calibrate: options.calibrate ?? false,
      fullAtProbability: options.fullAtProbability ?? 0.5,
      prior: {
        meanRatePctPerH: prior.meanRatePctPerH,
        hourShape: normaliseShape(prior.hourShape, 24, 'hourShape'),
        weekdayShape: normaliseShape(prior.weekdayShape, 7, 'weekdayShape'),
        levelShape: normaliseShape(prior.levelShape, LEVEL_BANDS, 'levelShape'),
        strengthH: prior.strengthH ?? 48,
      },
    };
    if (!(this.options.prior.meanRatePctPerH >= 0)) throw new RangeError('prior.meanRatePctPerH must be >= 0');
    if (!(this.options.bandProbability > 0 && this.options.bandProbability < 1)) throw new RangeError('bandProbability must be in (0, 1)');
    this.clock = LocalWeekClock.for(this.options.timeZone);
    this.zPrior = normalBins(this.options.bandScale);
    this.rule = { ...DEFAULT_EMPTYING_RULE, dropPct: this.options.emptyingDropPct };
    if (!(this.options.fullAtProbability > 0 && this.options.fullAtProbability < 1)) throw new RangeError('fullAtProbability must be in (0, 1)');
    this.fullAtZ = this.options.fullAtProbability === 0.5 ? 0 : normalQuantile(1 - this.options.fullAtProbability);
  }

  /** A model that knows nothing yet about the container. */
  emptyModel(containerId: string): FillModel {
    return {
      containerId,
      slotIncrementPct: new Array<number>(HOURS_PER_WEEK).fill(0),
      slotExposureH: new Array<number>(HOURS_PER_WEEK).fill(0),
      levelIncrementPct: new Array<number>(LEVEL_BANDS).fill(0),
      levelExposureH: new Array<number>(LEVEL_BANDS).fill(0),
      residualStats: { n: 0, sumE: 0, sumE2: 0, sumR2: 0, sumR2E: 0 },
      lastLearnAtMs: null,
      lastLearnFillPct: null,
      lastLearnWeight: 0,
      anchorAtMs: null,
      anchorFillPct: null,
      anchorIsAssumed: false,
      lastTrustedAtMs: null,
      lastEmptiedAtMs: null,
      seenUntilMs: null,
      recentWeights: [],
      learnWindow: [],
      decayedAtMs: null,
      revision: 0,
      emptyingsDetected: 0,
      readingsUsed: 0,
      readingsIgnored: 0,
    };
  }

  /** Learns a model from a container's whole history. */
  fit(history: ContainerHistory): FillModel {
    return this.update(this.emptyModel(history.containerId), history.readings, history.collections ?? []);
  }

  /**
   * Folds new readings and collections into the model (mutates and returns
   * it). Data older than what the model has already seen is counted in
   * `readingsIgnored`, except a late collection, which still resets the
   * state when it is newer than the anchor.
   */
  update(model: FillModel, readings: readonly FillObservation[], collections: readonly CollectionObservation[] = []): FillModel {
    const events: Array<{ atMs: number; reading?: FillObservation; collection?: CollectionObservation }> = [];
    for (const collection of collections) if (Number.isFinite(collection.atMs)) events.push({ atMs: collection.atMs, collection });
    for (const reading of readings) {
      if (Number.isFinite(reading.atMs)) events.push({ atMs: reading.atMs, reading });
      else model.readingsIgnored++;
    }
    // Collections first at equal times: a reading stamped with the emptying's time shows the emptied level.
    events.sort((a, b) => a.atMs - b.atMs || (a.collection ? -1 : 0) - (b.collection ? -1 : 0));
    for (const event of events) {
      if (event.collection) this.applyCollection(model, event.collection);
      else if (event.reading) this.applyReading(model, event.reading);
    }
    return model;
  }

  /** Weight of a reading, 0..1: the smallest weight among its flags (1 without flags). */
  readingWeight(reading: FillObservation): number {
    if (reading.fillPct === null || !Number.isFinite(reading.fillPct)) return 0;
    if (reading.fillPct < PLAUSIBLE_MIN_PCT || reading.fillPct > PLAUSIBLE_MAX_PCT) return 0;
    let weight = 1;
    for (const flag of reading.flags ?? []) {
      const w = this.options.flagWeights[flag] ?? UNKNOWN_FLAG_WEIGHT;
      if (w < weight) weight = w;
    }
    return Math.max(0, Math.min(1, weight));
  }

  /** Whether a change between two consecutive readings is an emptying: a large drop, or a smaller one down to near empty. */
  isEmptying(previousPct: number, nextPct: number): boolean {
    return isEmptyingDrop(previousPct, nextPct, this.rule);
  }

  /** The detector's rule with this forecaster's drop threshold. */
  get emptyingRule(): EmptyingRule {
    return this.rule;
  }

  /** Whether the sensor can be relied on at `nowMs`, and why not. */
  sensorStatus(model: FillModel, nowMs: number): SensorStatus {
    const recent = model.recentWeights;
    const flagged = recent.filter((w) => w < 1).length;
    const recentFlaggedShare = recent.length > 0 ? flagged / recent.length : 0;
    const base = { lastTrustedAtMs: model.lastTrustedAtMs, recentFlaggedShare };
    if (model.lastTrustedAtMs === null && recent.length === 0) return { state: 'never_reported', ...base };
    if (recent.length >= Math.min(4, this.options.doubtfulWindow) && recentFlaggedShare >= this.options.doubtfulShare) {
      return { state: 'doubtful', ...base };
    }
    if (model.lastTrustedAtMs === null || nowMs - model.lastTrustedAtMs > this.options.silentAfterH * HOUR_MS) return { state: 'silent', ...base };
    return { state: 'ok', ...base };
  }

  /** Expected fill rate, points per hour, for each local hour of the week (Monday 00:00 first). */
  rates(model: FillModel): Float64Array {
    const cached = this.rateCache.get(model);
    if (cached && cached.revision === model.revision) return cached.rates;
    const rates = this.computeRates(model);
    this.rateCache.set(model, { revision: model.revision, rates });
    return rates;
  }

  /** Mean fill rate over a week, points per hour. */
  meanRate(model: FillModel): number {
    const rates = this.rates(model);
    let sum = 0;
    for (let s = 0; s < HOURS_PER_WEEK; s++) sum += rates[s];
    return sum / HOURS_PER_WEEK;
  }

  /**
   * The fill expected at `atMs`, assuming nobody empties the container in
   * between. `nowMs` is the planner's "now": it decides whether the sensor
   * counts as silent (then the prediction is from history only). With
   * `calibrate`, the mean and band are the median and central band of the
   * container's own day-ahead outcomes (calibration.ts) around the rate model.
   */
  predict(model: FillModel, atMs: number, nowMs: number = atMs, fullPct = 100): FillPrediction {
    const status = this.sensorStatus(model, nowMs);
    const fromHistoryOnly = status.state !== 'ok';
    const { start, meanPct, sdPct } = this.ratePrediction(model, atMs, nowMs);
    if (this.options.calibrate && model.calibration) {
      const { quantiles } = this.calibrated(model);
      const cell = calibrationCell(start.fillPct, this.lastStep(model), this.lastDeviation(model));
      // A sensor reads no less than empty: the median and the band stay at or above 0.
      const median = Math.max(0, meanPct + (quantiles[cell * 4] as number) * sdPct);
      const lowPct = Math.max(0, meanPct + (quantiles[cell * 4 + 1] as number) * sdPct);
      const highPct = Math.max(median, meanPct + (quantiles[cell * 4 + 2] as number) * sdPct);
      const z = normalQuantile(0.5 + this.options.bandProbability / 2);
      return {
        atMs,
        meanPct: median,
        sdPct: (highPct - lowPct) / (2 * z),
        lowPct,
        highPct,
        // The rate model's own probability: on the tuning half of the Prague recordings it told
        // overflows within a day better (F1 0.707) than the calibrated distribution (0.675), whose
        // outcome is the level at the time, not whether the sensor touched full in between.
        overflowProbability: this.describe(atMs, meanPct, this.options.bandScale * sdPct, fullPct, fromHistoryOnly).overflowProbability,
        fromHistoryOnly,
      };
    }
    return this.describe(atMs, meanPct, this.options.bandScale * sdPct, fullPct, fromHistoryOnly);
  }

  /** The rate model's own answer: where it starts, its mean at `atMs` and its spread before any band scale or calibration. */
  private ratePrediction(model: FillModel, atMs: number, nowMs: number): { start: { atMs: number; fillPct: number; variance: number }; meanPct: number; sdPct: number } {
    const start = this.start(model, nowMs);
    const dispersion = this.dispersion(model);
    const increment = atMs > start.atMs ? this.expectedIncrement(model, start.atMs, Math.min(atMs, start.atMs + MAX_INTEGRATION_MS), start.fillPct) : 0;
    const variance = start.variance + dispersion.perPointVar * increment + dispersion.rateRelVar * increment * increment;
    return { start, meanPct: start.fillPct + increment, sdPct: Math.sqrt(variance) };
  }

  /** The change of the reading a prediction starts from, points (0 after an emptying or without one). */
  private lastStep(model: FillModel): number {
    const cal = model.calibration;
    return cal && !model.anchorIsAssumed && model.anchorAtMs === cal.previousAtMs ? cal.stepPct : 0;
  }

  /** How far the reading a prediction starts from lies from the average of the cycle's readings, points (0 without one). */
  private lastDeviation(model: FillModel): number {
    const cal = model.calibration;
    return cal && !model.anchorIsAssumed && model.anchorAtMs === cal.previousAtMs && cal.previousPct !== null ? cal.previousPct - (cal.smoothedPct ?? cal.previousPct) : 0;
  }

  /** Per cell: the calibrated median, low, high and full-time z, cached per model revision. */
  private calibrated(model: FillModel): { quantiles: Float64Array } {
    const cached = this.calibrationCache.get(model);
    if (cached && cached.revision === model.revision) return cached;
    const cdf = cellDistributions(model.calibration && calibrationFits(model.calibration) ? model.calibration : emptyCalibration(), this.zPrior);
    const tail = (1 - this.options.bandProbability) / 2;
    const quantiles = new Float64Array(CALIBRATION_CELLS * 4);
    for (let c = 0; c < CALIBRATION_CELLS; c++) {
      quantiles[c * 4] = cellQuantile(cdf, c, 0.5);
      quantiles[c * 4 + 1] = cellQuantile(cdf, c, tail);
      quantiles[c * 4 + 2] = cellQuantile(cdf, c, 1 - tail);
      quantiles[c * 4 + 3] = cellQuantile(cdf, c, 1 - this.options.fullAtProbability);
    }
    const entry = { revision: model.revision, quantiles };
    this.calibrationCache.set(model, entry);
    return entry;
  }

  /** Probability the container reaches `fullPct` before `untilMs` (fill only rises between emptyings). */
  overflowProbability(model: FillModel, untilMs: number, nowMs: number, fullPct = 100): number {
    return this.predict(model, untilMs, nowMs, fullPct).overflowProbability;
  }

  /**
   * When the container becomes full: the mean's crossing of `fullPct`, and the
   * band's (earliest: upper bound crosses; latest: lower bound crosses).
   * Searches `horizonH` hours from `nowMs`; null where nothing crosses.
   */
  predictFullAt(model: FillModel, nowMs: number, options: { fullPct?: number; horizonH?: number } = {}): FullTimePrediction {
    const fullPct = options.fullPct ?? 100;
    const endMs = nowMs + (options.horizonH ?? 14 * 24) * HOUR_MS;
    const fromHistoryOnly = this.sensorStatus(model, nowMs).state !== 'ok';
    const start = this.start(model, nowMs);
    const dispersion = this.dispersion(model);
    const z = normalQuantile(0.5 + this.options.bandProbability / 2);
    const rates = this.rates(model);
    const levels = this.levelFactors(model);

    // Walk hour pieces from the start state; test the three conditions at each step from `nowMs` on.
    let fullAtMs: number | null = null;
    let earliestMs: number | null = null;
    let latestMs: number | null = null;
    let increment = 0;
    let prevT = start.atMs;
    const calibration = this.options.calibrate && model.calibration ? this.calibrated(model).quantiles : null;
    const step = this.lastStep(model);
    const deviation = this.lastDeviation(model);
    const bandAt = (inc: number): { mean: number; low: number; high: number; full: number } => {
      if (!calibration) return this.bandAt(start.fillPct, inc, start.variance, dispersion, z);
      const mean = start.fillPct + inc;
      const sd = Math.sqrt(start.variance + dispersion.perPointVar * inc + dispersion.rateRelVar * inc * inc);
      const cell = calibrationCell(start.fillPct, step, deviation);
      return {
        mean: mean + (calibration[cell * 4] as number) * sd,
        low: mean + (calibration[cell * 4 + 1] as number) * sd,
        high: mean + (calibration[cell * 4 + 2] as number) * sd,
        full: mean + (calibration[cell * 4 + 3] as number) * sd,
      };
    };
    let prev = bandAt(increment);
    const check = (t: number, cur: { mean: number; low: number; high: number; full: number }): void => {
      if (t < nowMs) return;
      const from = prevT < nowMs ? nowMs : prevT;
      fullAtMs ??= crossing(from, prev.full, t, cur.full, fullPct, nowMs);
      earliestMs ??= crossing(from, prev.high, t, cur.high, fullPct, nowMs);
      latestMs ??= crossing(from, prev.low, t, cur.low, fullPct, nowMs);
    };
    if (start.atMs >= nowMs) check(start.atMs, prev);
    let t = start.atMs;
    const limit = Math.min(endMs, start.atMs + MAX_INTEGRATION_MS);
    while (t < limit && latestMs === null) {
      const hourEnd = (Math.floor(t / HOUR_MS) + 1) * HOUR_MS;
      let next = hourEnd < limit ? hourEnd : limit;
      // Evaluate exactly at `now` too, so a container already full reports now.
      if (t < nowMs && next > nowMs) next = nowMs;
      increment += riseAlongCurve(levels, start.fillPct + increment, rates[this.clock.slotOf(t)] as number, (next - t) / HOUR_MS);
      const cur = bandAt(increment);
      check(next, cur);
      prevT = next;
      prev = cur;
      t = next;
    }
    return { fullAtMs, earliestMs, latestMs, fromHistoryOnly };
  }

  /** Variance parts fitted from the model's own residuals, with floors for thin data. */
  dispersion(model: FillModel): Dispersion {
    const s = model.residualStats;
    let noiseVar = 8;
    let perPointVar = 0.8;
    if (s.n >= 8) {
      const denominator = s.n * s.sumE2 - s.sumE * s.sumE;
      let slope = denominator > 1e-9 ? (s.n * s.sumR2E - s.sumE * s.sumR2) / denominator : 0;
      if (!(slope >= 0)) slope = 0;
      let intercept = (s.sumR2 - slope * s.sumE) / s.n;
      if (intercept < 0) {
        intercept = 0;
        slope = s.sumE > 0 ? s.sumR2 / s.sumE : 0;
      }
      noiseVar = intercept;
      perPointVar = slope;
    }
    noiseVar = clamp(noiseVar, 0.5, 400);
    perPointVar = clamp(perPointVar, 0.3, 50);
    const exposure = model.slotExposureH.reduce((a, b) => a + b, 0);
    const k0 = this.options.prior.strengthH;
    const rateRelVar = this.options.dayToDayCv ** 2 + this.options.priorRateCv ** 2 * (k0 / (exposure + k0));
    return { noiseVar, perPointVar, rateRelVar };
  }

  /**
   * Expected increment of the fill between two instants, points, starting at
   * `fromPct` (the level curve slows or speeds the rise as the level changes;
   * without a start level the curve is left out).
   */
  expectedIncrement(model: FillModel, fromMs: number, toMs: number, fromPct?: number): number {
    const rates = this.rates(model);
    const levels = fromPct === undefined ? null : this.levelFactors(model);
    let sum = 0;
    forEachHourPiece(this.clock, fromMs, toMs, (slot, hours) => {
      sum += levels ? riseAlongCurve(levels, (fromPct as number) + sum, rates[slot] as number, hours) : (rates[slot] as number) * hours;
    });
    return sum;
  }

  /**
   * Relative fill rate by level band (mean 1 over the exposure seen): each
   * band's own rate shrunk towards the mean rate x the prior's level shape.
   * All ones when the level curve is off.
   */
  levelFactors(model: FillModel): Float64Array {
    const cached = this.levelCache.get(model);
    if (cached && cached.revision === model.revision) return cached.factors;
    const factors = new Float64Array(LEVEL_BANDS).fill(1);
    if (this.options.levelCurve) {
      const inc = model.levelIncrementPct;
      const exp = model.levelExposureH;
      let totalInc = 0;
      let totalExp = 0;
      for (let b = 0; b < LEVEL_BANDS; b++) {
        totalInc += inc[b] ?? 0;
        totalExp += exp[b] ?? 0;
      }
      const mean = totalExp > 0 ? totalInc / totalExp : 0;
      if (mean > 1e-9) {
        // Empirical Bayes as for the weekdays: a band's own rate counts by its precision against
        // the spread between bands, so a slow, noisy sensor keeps a flat curve and a fast one earns its shape.
        const d = this.dispersion(model);
        const shape = this.options.prior.levelShape;
        const raw = new Float64Array(LEVEL_BANDS);
        const variance = new Float64Array(LEVEL_BANDS).fill(Infinity);
        let spreadSum = 0;
        let spreadCount = 0;
        for (let b = 0; b < LEVEL_BANDS; b++) {
          const e = exp[b] ?? 0;
          if (e < 1) continue;
          raw[b] = (inc[b] ?? 0) / e;
          // Reading noise telescopes within a visit to a band: about one noise term per day spent there.
          const days = Math.max(1, e / 24);
          variance[b] = LEVEL_NOISE_INFLATION * ((days * d.noiseVar + d.perPointVar * Math.max(0, inc[b] ?? 0)) / (e * e) + (this.options.dayToDayCv * raw[b]) ** 2 / days);
          spreadSum += (raw[b] - mean * (shape[b] as number)) ** 2 - variance[b];
          spreadCount++;
        }
        const fixed = this.options.levelStrengthH;
        const tau2 = clamp(spreadCount > 0 ? spreadSum / spreadCount : 0, (0.05 * mean) ** 2, (2 * mean) ** 2);
        for (let b = 0; b < LEVEL_BANDS; b++) {
          const target = mean * (shape[b] as number);
          const rate =
            fixed > 0
              ? ((inc[b] ?? 0) + fixed * target) / ((exp[b] ?? 0) + fixed)
              : Number.isFinite(variance[b])
                ? ((raw[b] as number) / (variance[b] as number) + target / tau2) / (1 / (variance[b] as number) + 1 / tau2)
                : target;
          factors[b] = Math.max(LEVEL_FACTOR_FLOOR, rate / mean);
        }
      }
    }
    this.levelCache.set(model, { revision: model.revision, factors });
    return factors;
  }

  private describe(atMs: number, meanPct: number, sdPct: number, fullPct: number, fromHistoryOnly: boolean): FillPrediction {
    const z = normalQuantile(0.5 + this.options.bandProbability / 2);
    return {
      atMs,
      meanPct,
      sdPct,
      lowPct: Math.max(0, meanPct - z * sdPct),
      highPct: meanPct + z * sdPct,
      overflowProbability: sdPct > 0 ? 1 - normalCdf((fullPct - meanPct) / sdPct) : meanPct >= fullPct ? 1 : 0,
      fromHistoryOnly,
    };
  }

  private bandAt(startPct: number, increment: number, startVar: number, d: Dispersion, z: number): { mean: number; low: number; high: number; full: number } {
    const mean = startPct + increment;
    const sd = this.options.bandScale * Math.sqrt(startVar + d.perPointVar * increment + d.rateRelVar * increment * increment);
    return { mean, low: mean - z * sd, high: mean + z * sd, full: mean + this.fullAtZ * sd };
  }

  /** Where a prediction starts: the anchor, or an assumed state when there is none. */
  private start(model: FillModel, nowMs: number): { atMs: number; fillPct: number; variance: number } {
    const d = this.dispersion(model);
    if (model.anchorAtMs !== null && model.anchorFillPct !== null) {
      // An assumed post-emptying level is less certain than a reading.
      return { atMs: model.anchorAtMs, fillPct: model.anchorFillPct, variance: d.noiseVar + (model.anchorIsAssumed ? 16 : 0) };
    }
    return { atMs: nowMs, fillPct: UNKNOWN_START_PCT, variance: UNKNOWN_START_SD_PCT ** 2 };
  }

  private applyReading(model: FillModel, reading: FillObservation): void {
    const atMs = reading.atMs;
    if (model.seenUntilMs !== null && atMs <= model.seenUntilMs) {
      model.readingsIgnored++;
      return;
    }
    const weight = this.readingWeight(reading);
    model.recentWeights.push(weight);
    if (model.recentWeights.length > this.options.doubtfulWindow) model.recentWeights.splice(0, model.recentWeights.length - this.options.doubtfulWindow);
    model.seenUntilMs = atMs;
    if (weight <= 0) {
      model.readingsIgnored++;
      return;
    }
    const fillPct = reading.fillPct as number;
    model.readingsUsed++;
    this.decay(model, atMs);

    // Predictions start from what the sensor says now; a large drop is strong evidence even from a down-weighted reading.
    const dropped = model.anchorFillPct !== null && !model.anchorIsAssumed && this.isEmptying(model.anchorFillPct, fillPct);
    if (weight >= 1 || dropped) {
      model.anchorAtMs = atMs;
      model.anchorFillPct = fillPct;
      model.anchorIsAssumed = false;
    }
    if (weight >= 1) model.lastTrustedAtMs = atMs;

    // Learning runs one reading behind, on the median of each reading and its neighbours: a lone
    // spike or dip (a lid, a bag under the sensor) is neither a rise to learn nor an emptying.
    const window = model.learnWindow;
    window.push({ atMs, fillPct, weight });
    if (window.length === 1) this.learnPoint(model, atMs, fillPct, weight);
    else if (window.length === 3) {
      const [before, middle, after] = window as [LearnPoint, LearnPoint, LearnPoint];
      this.learnPoint(model, middle.atMs, median3(before.fillPct, middle.fillPct, after.fillPct), middle.weight);
      window.shift();
    }
    if (this.options.calibrate && weight >= 1) this.calibrateOn(model, atMs, fillPct);
  }

  /** Scores the forecasts made a day ago against this reading, and leaves a new one (see calibration.ts). */
  private calibrateOn(model: FillModel, atMs: number, fillPct: number): void {
    if (model.calibration && !calibrationFits(model.calibration)) model.calibration = emptyCalibration();
    const calibration = (model.calibration ??= emptyCalibration());
    if (recordOutcomes(calibration, atMs, fillPct, (before, after) => this.isEmptying(before, after))) model.revision++;
    if (!originDue(calibration, atMs)) return;
    // The rate model's forecast from this reading, on the learner's snapshot of the patterns
    // (refreshed every two days of data) and in hour steps along the curve over runs of one rate:
    // the full computation at every reading would cost several times the learning itself.
    const { rates, levels, dispersion: d } = this.patternsForLearning(model, atMs);
    let increment = 0;
    let runRate = -1;
    let runHours = 0;
    forEachHourPiece(this.clock, atMs, atMs + CALIBRATION_HORIZON_MS, (slot, hours) => {
      const rate = rates[slot] as number;
      if (rate !== runRate && runHours > 0) {
        increment += riseAlongCurve(levels, fillPct + increment, runRate, runHours, 1);
        runHours = 0;
      }
      runRate = rate;
      runHours += hours;
    });
    if (runHours > 0) increment += riseAlongCurve(levels, fillPct + increment, runRate, runHours, 1);
    addPending(calibration, atMs, fillPct, fillPct + increment, Math.sqrt(d.noiseVar + d.perPointVar * increment + d.rateRelVar * increment * increment));
  }

  /** Folds the last reading still waiting for its neighbour into the learned state (before an emptying ends the cycle). */
  private flushLearning(model: FillModel): void {
    const window = model.learnWindow;
    if (window.length >= 2) {
      const last = window[window.length - 1] as LearnPoint;
      this.learnPoint(model, last.atMs, last.fillPct, last.weight);
    }
    window.length = 0;
  }

  /** One point of the filtered signal: an emptying, or an interval to learn from. */
  private learnPoint(model: FillModel, atMs: number, fillPct: number, weight: number): void {
    if (model.lastLearnAtMs !== null && model.lastLearnFillPct !== null) {
      if (this.isEmptying(model.lastLearnFillPct, fillPct)) {
        model.emptyingsDetected++;
        model.lastEmptiedAtMs = Math.max(model.lastEmptiedAtMs ?? atMs, atMs);
      } else if (atMs > model.lastLearnAtMs && model.lastLearnFillPct < CENSORED_AT_PCT) {
        // A rise into the cap is learned as far as the cap (a lower bound): leaving it out would
        // teach the top band that a nearly full container never fills up.
        this.learnInterval(model, model.lastLearnAtMs, atMs, fillPct - model.lastLearnFillPct, Math.min(weight, model.lastLearnWeight), model.lastLearnFillPct);
      }
    }
    model.lastLearnAtMs = atMs;
    model.lastLearnFillPct = fillPct;
    model.lastLearnWeight = weight;
  }

  private applyCollection(model: FillModel, collection: CollectionObservation): void {
    const atMs = collection.atMs;
    const late = model.seenUntilMs !== null && atMs <= model.seenUntilMs;
    if (late) {
      // Only useful if it happened after the state predictions start from.
      if (model.anchorAtMs !== null && atMs <= model.anchorAtMs) return;
    } else {
      model.seenUntilMs = atMs;
      this.decay(model, atMs);
      this.flushLearning(model);
      const observed = collection.observedFillPct;
      if (observed !== null && observed !== undefined && Number.isFinite(observed) && model.lastLearnAtMs !== null && model.lastLearnFillPct !== null) {
        const delta = observed - model.lastLearnFillPct;
        // A driver's estimate is coarse: half weight, and only if it is consistent with filling.
        if (delta > -this.options.emptyingDropPct && atMs > model.lastLearnAtMs) {
          this.learnInterval(model, model.lastLearnAtMs, atMs, delta, 0.5 * model.lastLearnWeight, model.lastLearnFillPct);
        }
      }
    }
    model.lastEmptiedAtMs = Math.max(model.lastEmptiedAtMs ?? atMs, atMs);
    if (model.calibration) clearPending(model.calibration);
    model.anchorAtMs = atMs;
    model.anchorFillPct = this.options.residualAfterEmptyingPct;
    model.anchorIsAssumed = true;
    // The next reading starts a new filling cycle.
    model.lastLearnAtMs = null;
    model.lastLearnFillPct = null;
    model.lastLearnWeight = 0;
    model.learnWindow.length = 0;
  }

  /**
   * Spreads an observed increment over the hour slots it covers, in
   * proportion to the current rates, and books it to the level band of the
   * interval's middle level. The two patterns are learned net of each other
   * (one alternating step per interval): the slots learn the increment
   * divided by the level factor, the band learns it against the hours
   * weighted by the slot rates, so a morning emptying followed by a fast
   * refill is not counted both as a busy morning and as a fast empty band.
   */
  private learnInterval(model: FillModel, fromMs: number, toMs: number, deltaPct: number, weight: number, fromPct: number): void {
    if (weight <= 0) return;
    const { rates, levels, meanRate } = this.patternsForLearning(model, toMs);
    const band = levelBand(fromPct + deltaPct / 2);
    const levelFactor = levelFactorAt(levels, fromPct + deltaPct / 2);
    const slots: number[] = [];
    const hours: number[] = [];
    let expected = 0;
    let totalHours = 0;
    forEachHourPiece(this.clock, fromMs, toMs, (slot, h) => {
      slots.push(slot);
      hours.push(h);
      expected += rates[slot] * h;
      totalHours += h;
    });
    for (let k = 0; k < slots.length; k++) {
      const share = expected > 1e-9 ? (rates[slots[k]] * hours[k]) / expected : hours[k] / totalHours;
      model.slotIncrementPct[slots[k]] += (weight * deltaPct * share) / levelFactor;
      model.slotExposureH[slots[k]] += weight * hours[k];
    }
    model.levelIncrementPct[band] += weight * deltaPct;
    model.levelExposureH[band] += weight * (meanRate > 1e-9 && expected > 1e-9 ? expected / meanRate : totalHours);
    expected *= levelFactor;
    const residual = deltaPct - expected;
    const stats = model.residualStats;
    stats.n += weight;
    stats.sumE += weight * expected;
    stats.sumE2 += weight * expected * expected;
    stats.sumR2 += weight * residual * residual;
    stats.sumR2E += weight * residual * residual * expected;
    model.revision++;
  }

  /** Patterns the learner attributes increments with; refreshed every two days of data, not every reading. */
  private patternsForLearning(model: FillModel, atMs: number): { rates: Float64Array; levels: Float64Array; meanRate: number; dispersion: Dispersion } {
    const cached = this.learnRates.get(model);
    if (cached && atMs - cached.atMs < RATE_REFRESH_MS && atMs >= cached.atMs) return cached;
    const rates = this.computeRates(model);
    let sum = 0;
    for (let s = 0; s < HOURS_PER_WEEK; s++) sum += rates[s];
    const entry = { atMs, rates, levels: this.levelFactors(model), meanRate: sum / HOURS_PER_WEEK, dispersion: this.dispersion(model) };
    this.learnRates.set(model, entry);
    return entry;
  }

  /** Forgets old behaviour once per day of data: all sums shrink by the half-life factor. */
  private decay(model: FillModel, atMs: number): void {
    if (model.decayedAtMs === null) {
      model.decayedAtMs = atMs;
      return;
    }
    const elapsed = atMs - model.decayedAtMs;
    if (elapsed < DAY_MS || this.options.halfLifeDays <= 0) return;
    const factor = Math.pow(0.5, elapsed / DAY_MS / this.options.halfLifeDays);
    for (let s = 0; s < HOURS_PER_WEEK; s++) {
      model.slotIncrementPct[s] *= factor;
      model.slotExposureH[s] *= factor;
    }
    for (let b = 0; b < LEVEL_BANDS; b++) {
      model.levelIncrementPct[b] *= factor;
      model.levelExposureH[b] *= factor;
    }
    if (model.calibration) decayCalibration(model.calibration, factor);
    const stats = model.residualStats;
    stats.n *= factor;
    stats.sumE *= factor;
    stats.sumE2 *= factor;
    stats.sumR2 *= factor;
    stats.sumR2E *= factor;
    model.decayedAtMs = atMs;
    model.revision++;
  }

  private computeRates(model: FillModel): Float64Array {
    const { prior, slotStrengthH, hourStrengthH } = this.options;
    const inc = model.slotIncrementPct;
    const exp = model.slotExposureH;
    let totalInc = 0;
    let totalExp = 0;
    for (let s = 0; s < HOURS_PER_WEEK; s++) {
      totalInc += inc[s];
      totalExp += exp[s];
    }
    const mean = Math.max(0, (totalInc + prior.strengthH * prior.meanRatePctPerH) / (totalExp + prior.strengthH));
    const pattern = this.options.timePattern;
    if (pattern === 'flat') return new Float64Array(HOURS_PER_WEEK).fill(mean);
    const dispersion = this.dispersion(model);
    const unitVar = this.unitVariance(dispersion, model.residualStats.n, mean, totalExp);
    const tauFloor = (0.1 * mean) ** 2 + 1e-9;
    const tauCeiling = (2 * mean) ** 2 + 1e-9;

    // Hour of day: shrink towards the mean times the prior's shape, as strongly as the noise asks (empirical Bayes).
    const hourInc = new Float64Array(24);
    const hourExp = new Float64Array(24);
    for (let s = 0; s < HOURS_PER_WEEK; s++) {
      hourInc[s % 24] += inc[s];
      hourExp[s % 24] += exp[s];
    }
    const hourTarget = Float64Array.from(prior.hourShape, (factor) => mean * factor);
    const hourK = hourStrengthH ?? unitVar.forecast / spread(hourInc, hourExp, hourTarget, unitVar.full, tauFloor, tauCeiling);
    const hourRate = new Float64Array(24);
    for (let h = 0; h < 24; h++) hourRate[h] = pattern === 'weekday' ? mean : Math.max(0, (hourInc[h] + hourK * hourTarget[h]) / (hourExp[h] + hourK));

    // Weekday: a factor on the hour-of-day pattern, shrunk towards the prior's weekday shape by precision.
    const rawFactor = new Float64Array(7);
    const precision = new Float64Array(7);
    let spreadSum = 0;
    let spreadCount = 0;
    for (let d = 0; d < 7; d++) {
      let i = 0;
      let expected = 0;
      let exposure = 0;
      for (let h = 0; h < 24; h++) {
        i += inc[d * 24 + h];
        expected += hourRate[h] * exp[d * 24 + h];
        exposure += exp[d * 24 + h];
      }
      // A day seen for only a few hours says nothing about its factor yet.
      if (expected > 1e-9 && exposure >= 12) {
        rawFactor[d] = i / expected;
        // Within a day the reading noise telescopes: each day seen adds one noise term, not one per hour.
        const daysSeen = exposure / 24;
        const variance = daysSeen * dispersion.noiseVar + dispersion.perPointVar * expected + this.options.dayToDayCv ** 2 * (expected * expected) / Math.max(1, daysSeen);
        precision[d] = (expected * expected) / variance;
        spreadSum += (rawFactor[d] - prior.weekdayShape[d]) ** 2 - 1 / precision[d];
        spreadCount++;
      }
    }
    const weekdayTau2 = clamp(spreadCount > 0 ? spreadSum / spreadCount : 0, WEEKDAY_SPREAD_FLOOR, WEEKDAY_SPREAD_CEILING);
    const slotTarget = new Float64Array(HOURS_PER_WEEK);
    for (let d = 0; d < 7; d++) {
      const factor = Math.max(0, (precision[d] * rawFactor[d] + prior.weekdayShape[d] / weekdayTau2) / (precision[d] + 1 / weekdayTau2));
      for (let h = 0; h < 24; h++) slotTarget[d * 24 + h] = hourRate[h] * factor;
    }

    if (pattern === 'weekday') return slotTarget;
    // Hour of week: shrink towards hour-of-day x weekday, again as strongly as the noise asks.
    const slotK = slotStrengthH ?? unitVar.forecast / spread(inc, exp, slotTarget, unitVar.full, tauFloor, tauCeiling);
    const rates = new Float64Array(HOURS_PER_WEEK);
    for (let s = 0; s < HOURS_PER_WEEK; s++) rates[s] = Math.max(0, (inc[s] + slotK * slotTarget[s]) / (exp[s] + slotK));
    return rates;
  }

  /**
   * Sampling variance of a slot's raw rate times its exposure: `full` for
   * telling true between-slot spread from noise, `forecast` for the
   * shrinkage weights. The latter leaves out reading noise: it enters one
   * slot with + and the next with -, so it cancels in any forecast over more
   * than an hour, and counting it would flatten the daily pattern. An interval
   * of L hours gives each of its hours 1/L of its increment.
   */
  private unitVariance(d: Dispersion, intervals: number, meanRate: number, totalExposureH: number): { full: number; forecast: number } {
    const lengthH = intervals > 0 ? clamp(totalExposureH / intervals, 1, 24) : 1;
    const arrivals = d.perPointVar * meanRate * lengthH;
    return { full: (d.noiseVar + arrivals) / (lengthH * lengthH) + 1e-9, forecast: arrivals / (lengthH * lengthH) + 1e-9 };
  }
}

/**
 * Between-group variance of true rates around their targets: the spread of
 * the raw rates minus what sampling noise alone explains, kept within bounds
 * so a few thin slots cannot swing it.
 */
function spread(inc: Float64Array | readonly number[], exp: Float64Array | readonly number[], target: Float64Array, unitVar: number, floor: number, ceiling: number): number {
  let sum = 0;
  let count = 0;
  for (let k = 0; k < target.length; k++) {
    if (exp[k] < 1) continue;
    const raw = inc[k] / exp[k];
    sum += (raw - target[k]) ** 2 - unitVar / exp[k];
    count++;
  }
  return clamp(count > 0 ? sum / count : 0, floor, ceiling);
}

/** Where a piecewise-linear quantity crosses `level` between two points; never before `notBefore`. */
function crossing(t0: number, v0: number, t1: number, v1: number, level: number, notBefore: number): number | null {
  if (v1 < level) return null;
  if (v0 >= level || t1 === t0) return Math.max(t0, notBefore);
  const t = t0 + ((level - v0) / (v1 - v0)) * (t1 - t0);
  return Math.max(t, notBefore);
}

/** The level band (0..9) a fill level falls in. */
function levelBand(fillPct: number): number {
  const band = Math.floor(fillPct / (100 / LEVEL_BANDS));
  return band < 0 ? 0 : band >= LEVEL_BANDS ? LEVEL_BANDS - 1 : band;
}

/** Relative rate at a level: linear between the band centres, flat beyond the outer ones. */
function levelFactorAt(factors: Float64Array, fillPct: number): number {
  const position = fillPct / (100 / LEVEL_BANDS) - 0.5;
  if (position <= 0) return factors[0] as number;
  if (position >= LEVEL_BANDS - 1) return factors[LEVEL_BANDS - 1] as number;
  const low = Math.floor(position);
  const share = position - low;
  return (factors[low] as number) * (1 - share) + (factors[low + 1] as number) * share;
}

/** Quarter-hour steps: a fast container crosses a level band within an hour. */
const CURVE_STEP_H = 0.25;

/** How far the level rises in `hours` at `ratePerH` (the rate at the mean level) following the level curve; midpoint steps. */
export function riseAlongCurve(factors: Float64Array, fromPct: number, ratePerH: number, hours: number, stepH = CURVE_STEP_H): number {
  if (!(ratePerH > 0) || !(hours > 0)) return 0;
  const steps = Math.max(1, Math.ceil(hours / stepH));
  const dt = hours / steps;
  let level = fromPct;
  for (let k = 0; k < steps; k++) {
    const middle = level + 0.5 * ratePerH * levelFactorAt(factors, level) * dt;
    level += ratePerH * levelFactorAt(factors, middle) * dt;
  }
  return level - fromPct;
}

function normaliseShape(shape: readonly number[] | undefined, length: number, name: string): number[] {
  if (!shape) return new Array<number>(length).fill(1);
  if (shape.length !== length || shape.some((v) => !(v >= 0))) throw new RangeError(`${name} needs ${length} non-negative factors`);
  const mean = shape.reduce((a, b) => a + b, 0) / length;
  if (!(mean > 0)) throw new RangeError(`${name} must not be all zero`);
  return shape.map((v) => v / mean);
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

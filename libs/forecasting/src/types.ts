import type { ResidualCalibration } from './calibration';

/**
 * Inputs and outputs of the fill forecast. Times are epoch milliseconds
 * (numbers, not Dates: the planner forecasts thousands of containers per plan
 * and the value simulation does it every simulated day).
 */

/** One stored sensor reading of a container. */
export interface FillObservation {
  /** When the reading describes, epoch ms. */
  atMs: number;
  /** 0..100 (may slightly exceed 100 when overfull); null when the reading carried no fill level. */
  fillPct: number | null;
  /** Data-quality flags of the reading (`ReadingFlag` values of @vulgraad/contracts). */
  flags?: readonly string[];
}

/** A known emptying: driver feedback, the collection log or an import. */
export interface CollectionObservation {
  atMs: number;
  /** The fill the driver saw before emptying, when reported. */
  observedFillPct?: number | null;
}

/** Everything known about one container, in any order. */
export interface ContainerHistory {
  containerId: string;
  readings: readonly FillObservation[];
  collections?: readonly CollectionObservation[];
}

/**
 * What a district/fraction says about a container before its own data does:
 * the shrinkage target when data is thin. `derivePrior` builds one from fitted
 * models of the same district and fraction.
 */
export interface FillPrior {
  /** Mean fill rate, percentage points per hour. */
  meanRatePctPerH: number;
  /** 24 relative factors by local hour of day (mean 1). Default: flat. */
  hourShape?: readonly number[];
  /** 7 relative factors by local weekday, Monday first (mean 1). Default: flat. */
  weekdayShape?: readonly number[];
  /** Pseudo-hours of exposure the prior is worth against the container's own data. Default 48. */
  strengthH?: number;
  /**
   * 10 relative factors of the fill rate by the level it starts from (0-10 %,
   * 10-20 %, ... 90-100 %; mean 1 over the levels seen). Default: flat.
   */
  levelShape?: readonly number[];
}

/** Settings of the model; every field has a default. */
export interface ForecastOptions {
  /** IANA time zone whose weekday and hour the pattern follows. Default Europe/Amsterdam. */
  timeZone?: string;
  /** A drop of at least this many points between trusted readings is an emptying. Default 25. */
  emptyingDropPct?: number;
  /** Fill right after an emptying when no reading says otherwise. Default 2. */
  residualAfterEmptyingPct?: number;
  /**
   * Weight of a reading by flag: 0 ignores it, 1 trusts it fully; the smallest
   * weight among a reading's flags applies. Defaults: tilted, out_of_range,
   * impossible_jump, stuck_value, future_timestamp 0; stale_timestamp and
   * device_alarm 0.5; unknown flags 0.5.
   */
  flagWeights?: Readonly<Record<string, number>>;
  /** A sensor without a trusted reading for this long is silent. Default 12 h. */
  silentAfterH?: number;
  /** Among the last `doubtfulWindow` readings, this share or more flagged makes the sensor doubtful. Default 0.5. */
  doubtfulShare?: number;
  /** How many recent readings the doubtful test looks at. Default 12. */
  doubtfulWindow?: number;
  /** Old behaviour fades with this half-life, days (0 = never). Default 56. */
  halfLifeDays?: number;
  /**
   * Fixed shrinkage strengths, pseudo-hours: weekday-hour towards
   * hour-of-day x weekday, hour-of-day towards the mean x prior shape.
   * Default: estimated from the data (noise over between-slot spread).
   */
  slotStrengthH?: number;
  hourStrengthH?: number;
  /**
   * Prior of the district/fraction. Without one, a weak built-in prior
   * (0.5 points per hour, worth 6 hours) keeps a brand-new container's rate sensible.
   */
  prior?: FillPrior;
  /** Relative day-to-day variability of the fill rate (the part Poisson arrivals do not explain). Default 0.2. */
  dayToDayCv?: number;
  /** Relative uncertainty of a rate known from the prior only; shrinks as the container's own data grows. Default 0.5. */
  priorRateCv?: number;
  /** Probability mass of the central band of predictions. Default 0.8. */
  bandProbability?: number;
  /**
   * Learn how the rate depends on the level (a heap under the slot reads fast,
   * a spreading one slowly) and follow that curve in predictions. Default true.
   */
  levelCurve?: boolean;
  /**
   * How the rate varies through the week (the level curve applies on top):
   * `week` (default) a rate per local hour of the week, shrunk towards hour
   * of day x weekday; `weekday` one rate per weekday, flat within the day;
   * `flat` one rate, the container's mean.
   */
  timePattern?: 'week' | 'weekday' | 'flat';
  /**
   * Widens (> 1) or narrows the predicted spread: real sensors wobble in runs
   * that the fitted noise, arrival and day-to-day terms do not capture.
   */
  bandScale?: number;
  /**
   * Learn from the container's own day-ahead outcomes how far the rate model's forecast is
   * off (by start level and end level) and answer with that calibrated distribution: median,
   * band and overflow probability. Default false (the rate model as it is).
   */
  calibrate?: boolean;
  /**
   * `predictFullAt`'s `fullAtMs` is when the container is full with this probability (0.5: the
   * median; lower answers earlier). Default 0.5.
   */
  fullAtProbability?: number;
  /** Pseudo-hours each level band's own rate is shrunk with towards the prior's level shape; 0 (default) estimates it from the data. */
  levelStrengthH?: number;
}

/** The learned state of one container; plain data (JSON-serialisable), updated incrementally. */
export interface FillModel {
  containerId: string;
  /** Per local hour of week (Monday 00:00 = 0 .. Sunday 23:00 = 167): weighted fill increments, points. */
  slotIncrementPct: number[];
  /** Per hour of week: weighted exposure, hours. */
  slotExposureH: number[];
  /** Per level band of 10 points (by the interval's middle level): weighted fill increments, points. */
  levelIncrementPct: number[];
  /** Per level band: weighted exposure, hours. */
  levelExposureH: number[];
  /** Sums for the dispersion fit: residual variance = noiseVar + dispersion * expected increment. */
  residualStats: { n: number; sumE: number; sumE2: number; sumR2: number; sumR2E: number };
  /** Last reading used to learn (trusted or down-weighted), the start of the next interval. */
  lastLearnAtMs: number | null;
  lastLearnFillPct: number | null;
  lastLearnWeight: number;
  /** The state predictions start from: the last fully trusted reading, or an emptying after it. */
  anchorAtMs: number | null;
  anchorFillPct: number | null;
  /** The anchor is an assumed level after an emptying rather than a reading. */
  anchorIsAssumed: boolean;
  /** Last reading with weight 1. */
  lastTrustedAtMs: number | null;
  /** The most recent emptying seen (detected drop or collection event). */
  lastEmptiedAtMs: number | null;
  /** Latest time any reading (trusted or not) or collection was folded in. */
  seenUntilMs: number | null;
  /** Readings of the current filling cycle not yet learned from (learning runs one reading behind, on a median of three). */
  learnWindow: Array<{ atMs: number; fillPct: number; weight: number }>;
  /** Weights (0..1) of the most recent readings, newest last, for the doubtful-sensor test. */
  recentWeights: number[];
  /** When the forgetting factor was last applied. */
  decayedAtMs: number | null;
  /** Bumped whenever the learned pattern changes (cache key for derived rates). */
  revision: number;
  /** Day-ahead outcomes of the container's own forecasts (with `calibrate`); absent until the first trusted reading. */
  calibration?: ResidualCalibration;
  emptyingsDetected: number;
  readingsUsed: number;
  readingsIgnored: number;
}

/** The fill expected at one moment, with its uncertainty band. */
export interface FillPrediction {
  atMs: number;
  /** Expected fill, points (with `calibrate`: the calibrated median); not capped at 100 (above 100 means overflowing by that much). */
  meanPct: number;
  /** Standard deviation of the fill, points. */
  sdPct: number;
  /** Lower and upper bound of the central band (default 80 %: the 10th and 90th percentiles). */
  lowPct: number;
  highPct: number;
  /** Probability the fill is at or above the full threshold (100 unless told). */
  overflowProbability: number;
  /** Prediction rests on the learned pattern only: the sensor is silent or doubtful. */
  fromHistoryOnly: boolean;
}

/** When the container is expected to become full, with a band. */
export interface FullTimePrediction {
  /** Expected time the mean reaches the threshold; null when not within the search horizon. */
  fullAtMs: number | null;
  /** Earliest plausible (upper band reaches the threshold) and latest plausible (lower band does). */
  earliestMs: number | null;
  latestMs: number | null;
  fromHistoryOnly: boolean;
}

/** Why a container's forecast can or cannot lean on its sensor. */
export interface SensorStatus {
  state: 'ok' | 'silent' | 'doubtful' | 'never_reported';
  /** Last fully trusted reading, epoch ms. */
  lastTrustedAtMs: number | null;
  /** Share of the recent readings that were flagged (weight < 1). */
  recentFlaggedShare: number;
}

/** Outcome of replaying history with a fixed horizon. */
export interface BacktestResult {
  horizonH: number;
  /** Mean absolute error of the predicted fill against the reading at the target time, points. */
  maePct: number;
  /** Mean signed error (prediction - observation), points. */
  biasPct: number;
  /** Share of observations inside the predicted band. */
  bandCoverage: number;
  /** Number of (origin, target) pairs scored. */
  pairs: number;
  containers: number;
}

/**
 * What would tell the overflow answer more than the model's own probability
 * (`--readings <csv> --overflow-features`). Replays every container on the
 * cases of `backtestReadings`' overflow question (origins at least 6 hours
 * apart after a week, below 100, a reading 24 +- 1 hours later and no true
 * drop in between; outcome: a reading at 100 in that window) and describes
 * each case by what was known at its origin:
 * - `p`, `flat`: the configured forecaster's and the flat rate's probability;
 * - `cycle`: where the container stands in its own emptying cycle (hours since
 *   the learner's last detected emptying, against the median of its last 30
 *   cycles), and how often earlier cycles read 100 between this age and a day
 *   later when nobody came (shrunk towards `p` with 2 cycles), and the level
 *   they had at this age against the level now;
 * - `full`: stuck at 100 earlier in this cycle, and since when not;
 * - `pace`: the rise over the last 24 hours;
 * - `lastDays`: the highest reading of the previous cycle, that over the
 *   cycle's length, and what came in over the last 24 hours (rises of 3-59
 *   points between readings: more than jitter, less than a refill after an
 *   emptying);
 * - `weekday`: the weekday at the end of the horizon;
 * - `recent`: the outcomes of the last 14 days' cases against what `p` said.
 * Each set of features is scored by a logistic regression on the logit of
 * `p` plus the set, fitted with every container left out in turn (its cases
 * are answered by the fit on the others); the risk is chosen on the tuning
 * half (as the bench chooses it), and the fit on all cases themselves is
 * printed as an upper bound.
 */
import { createForecaster, lowerBound, truthDrops, type FillObservation, type ForecastSettings, type RecordedContainer } from '@vulgraad/forecasting';

const byTime = (item: { atMs: number }): number => item.atMs;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface OverflowCase {
  containerId: string;
  originMs: number;
  /** When the outcome is known: the reading ending the window. */
  endMs: number;
  overflows: boolean;
  features: Record<string, number>;
}

const logit = (p: number): number => {
  const q = Math.min(1 - 1e-4, Math.max(1e-4, p));
  return Math.log(q / (1 - q));
};

/** The overflow cases of one container with what was known at each origin. */
export function overflowCases(container: RecordedContainer, settings: ForecastSettings): OverflowCase[] {
  const forecaster = createForecaster(settings);
  const flat = createForecaster({ ...settings, timePattern: 'flat', levelCurve: false, calibrate: false, fullAtProbability: 0.5 });
  const readings = [...container.readings].filter((r) => Number.isFinite(r.atMs)).sort((a, b) => a.atMs - b.atMs);
  const scored = readings.filter((r) => forecaster.readingWeight(r) >= 1) as Array<FillObservation & { fillPct: number }>;
  if (scored.length < 2) return [];
  const drops = truthDrops(scored.map((r) => ({ atMs: r.atMs, fillPct: r.fillPct }))).map((atMs) => ({ atMs }));
  const model = forecaster.emptyModel(container.containerId);
  const flatModel = flat.emptyModel(container.containerId);
  // Emptyings as the learner detects them, in the order it saw them (causal).
  const emptyings: number[] = [];
  const cases: OverflowCase[] = [];
  const firstMs = scored[0]!.atMs;
  let fed = 0;
  let lastOriginMs = -Infinity;
  const nearestScored = (atMs: number): (typeof scored)[number] | null => {
    let best: (typeof scored)[number] | null = null;
    let lo = lowerBound(scored, atMs - HOUR_MS, byTime);
    for (; lo < scored.length && scored[lo]!.atMs <= atMs + HOUR_MS; lo++) {
      if (!best || Math.abs(scored[lo]!.atMs - atMs) < Math.abs(best.atMs - atMs)) best = scored[lo]!;
    }
    return best;
  };
  const readsFull = (fromMs: number, toMs: number): boolean => {
    for (let k = lowerBound(scored, fromMs + 1, byTime); k < scored.length && scored[k]!.atMs <= toMs; k++) if (scored[k]!.fillPct >= 100) return true;
    return false;
  };

  for (let o = 0; o < scored.length; o++) {
    const origin = scored[o]!;
    const originMs = origin.atMs;
    if (originMs - firstMs < 7 * DAY_MS || originMs - lastOriginMs < 6 * HOUR_MS) continue;
    lastOriginMs = originMs;
    while (fed < readings.length && readings[fed]!.atMs <= originMs) {
      const reading = readings[fed++]!;
      forecaster.update(model, [reading]);
      flat.update(flatModel, [reading]);
      if (model.lastEmptiedAtMs !== null && model.lastEmptiedAtMs !== emptyings[emptyings.length - 1]) emptyings.push(model.lastEmptiedAtMs);
    }
    if (origin.fillPct >= 100) continue;
    const end = nearestScored(originMs + DAY_MS);
    if (!end) continue;
    const k = lowerBound(drops, originMs + 1, byTime);
    if (k < drops.length && drops[k]!.atMs <= end.atMs) continue;

    const p = forecaster.overflowProbability(model, originMs + DAY_MS, originMs);
    const level = origin.fillPct;
    const lastEmptiedMs = emptyings[emptyings.length - 1] ?? firstMs;
    const ageMs = originMs - lastEmptiedMs;
    const cycles: Array<[number, number]> = [];
    for (let c = Math.max(0, emptyings.length - 31); c + 1 < emptyings.length; c++) cycles.push([emptyings[c]!, emptyings[c + 1]!]);
    const lengths = cycles.map(([a, b]) => b - a).sort((a, b) => a - b);
    const medianCycleMs = lengths.length > 0 ? lengths[lengths.length >> 1]! : DAY_MS;
    let sameAge = 0;
    let sameAgeFull = 0;
    let levelSum = 0;
    let levelCount = 0;
    for (const [a, b] of cycles) {
      if (b - a < ageMs) continue;
      const then = nearestScored(a + ageMs);
      if (then && then.atMs < b) {
        levelSum += then.fillPct;
        levelCount++;
      }
      if (b >= a + ageMs + DAY_MS) {
        sameAge++;
        if (readsFull(a + ageMs, a + ageMs + DAY_MS)) sameAgeFull++;
      }
    }
    let lastFullMs = -Infinity;
    for (let j = o; j >= 0; j--) {
      if (scored[j]!.fillPct >= 100) {
        lastFullMs = scored[j]!.atMs;
        break;
      }
    }
    let highest = 0;
    for (let j = o; j >= 0 && scored[j]!.atMs >= lastEmptiedMs; j--) highest = Math.max(highest, scored[j]!.fillPct);
    const dayBefore = nearestScored(originMs - DAY_MS);
    // What the last full cycle rose to, and how fast; what came in over the last day (rises of more than jitter).
    let previousTop = 0;
    const previousStart = emptyings[emptyings.length - 2];
    if (previousStart !== undefined) {
      for (let j = lowerBound(scored, previousStart, byTime); j < scored.length && scored[j]!.atMs < lastEmptiedMs; j++) previousTop = Math.max(previousTop, scored[j]!.fillPct);
    }
    let cameIn = 0;
    for (let j = o; j > 0 && scored[j]!.atMs > originMs - DAY_MS; j--) {
      const step = scored[j]!.fillPct - scored[j - 1]!.fillPct;
      if (step > 2 && step < 60) cameIn += step;
    }
    let excess = 0;
    let recentCount = 0;
    for (let c = cases.length - 1; c >= 0 && cases[c]!.originMs >= originMs - 14 * DAY_MS; c--) {
      const earlier = cases[c]!;
      if (earlier.endMs > originMs) continue;
      excess += (earlier.overflows ? 1 : 0) - (earlier.features.p as number);
      recentCount++;
    }
    const weekday = weekdayOf(originMs + DAY_MS, settings.timeZone);
    const features: Record<string, number> = {
      p,
      lp: logit(p),
      flat: logit(flat.overflowProbability(flatModel, originMs + DAY_MS, originMs)),
      cycleAge: Math.log1p(ageMs / HOUR_MS),
      cycleShare: Math.min(5, ageMs / medianCycleMs),
      cycleHits: logit((sameAgeFull + 2 * p) / (sameAge + 2)),
      cycleLevel: levelCount > 0 ? (level - levelSum / levelCount) / 100 : 0,
      fullThisCycle: highest >= 100 ? 1 : 0,
      fullThisCycleHigh: highest >= 100 && level >= 90 ? 1 : 0,
      sinceFull: Number.isFinite(lastFullMs) ? Math.exp(-(originMs - lastFullMs) / DAY_MS) : 0,
      pace: dayBefore ? (level - dayBefore.fillPct) / 100 : 0,
      lastCycleTop: previousTop / 100,
      lastCycleRate: previousStart !== undefined ? Math.min(5, (previousTop / Math.max(1, (lastEmptiedMs - previousStart) / HOUR_MS)) / 4) : 0,
      cameIn: cameIn / 100,
      recent: excess / (recentCount + 5),
    };
    for (let d = 0; d < 7; d++) features[`weekday${d}`] = weekday === d ? 1 : 0;
    cases.push({ containerId: container.containerId, originMs, endMs: end.atMs, overflows: readsFull(originMs, end.atMs), features });
  }
  return cases;
}

/** The groups of features the report adds to the model's probability, one at a time and all together. */
export const FEATURE_SETS: Readonly<Record<string, readonly string[]>> = {
  model: [],
  flat: ['flat'],
  cycle: ['cycleAge', 'cycleShare', 'cycleHits', 'cycleLevel'],
  full: ['fullThisCycle', 'fullThisCycleHigh', 'sinceFull'],
  pace: ['pace'],
  lastDays: ['lastCycleTop', 'lastCycleRate', 'cameIn'],
  weekday: ['weekday0', 'weekday1', 'weekday2', 'weekday3', 'weekday4', 'weekday5'],
  recent: ['recent'],
  all: ['flat', 'cycleAge', 'cycleShare', 'cycleHits', 'cycleLevel', 'fullThisCycle', 'fullThisCycleHigh', 'sinceFull', 'pace', 'lastCycleTop', 'lastCycleRate', 'cameIn', 'weekday0', 'weekday1', 'weekday2', 'weekday3', 'weekday4', 'weekday5', 'recent'],
};

/** Ridge-penalised logistic regression by Newton steps; weights with the intercept first. */
export function fitLogistic(rows: readonly number[][], outcomes: readonly number[], ridge = 0.01, steps = 30): number[] {
  const width = rows[0]?.length ?? 0;
  const w = new Array<number>(width).fill(0);
  for (let step = 0; step < steps; step++) {
    const gradient = w.map((v) => ridge * v);
    const hessian = Array.from({ length: width }, (_, i) => Array.from({ length: width }, (__, j) => (i === j ? ridge : 0)));
    rows.forEach((x, n) => {
      const q = 1 / (1 + Math.exp(-dot(w, x)));
      const curvature = q * (1 - q);
      for (let i = 0; i < width; i++) {
        gradient[i]! += (q - (outcomes[n] as number)) * (x[i] as number);
        for (let j = 0; j < width; j++) hessian[i]![j]! += curvature * (x[i] as number) * (x[j] as number);
      }
    });
    const delta = solve(hessian, gradient);
    let moved = 0;
    for (let i = 0; i < width; i++) {
      w[i]! -= delta[i]!;
      moved = Math.max(moved, Math.abs(delta[i]!));
    }
    if (moved < 1e-8) break;
  }
  return w;
}

/** F1 of "yes from `risk`" on the cases whose index passes `include`. */
export function f1At(scores: readonly number[], outcomes: readonly boolean[], risk: number, include: (k: number) => boolean = () => true): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  scores.forEach((s, k) => {
    if (!include(k)) return;
    const says = s >= risk;
    if (says && outcomes[k]) tp++;
    else if (says) fp++;
    else if (outcomes[k]) fn++;
  });
  return tp > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
}

/** Per feature set: F1 on the tuning half, the held-out half and all, left-one-container-out, and fitted on all cases themselves. */
export function runOverflowFeatures(containers: readonly RecordedContainer[], tuning: ReadonlySet<string>, settings: ForecastSettings): string[] {
  const cases = containers.flatMap((c) => overflowCases(c, settings));
  const outcomes = cases.map((c) => c.overflows);
  const y: number[] = outcomes.map((o) => (o ? 1 : 0));
  const ids = [...new Set(cases.map((c) => c.containerId))];
  const risks = Array.from({ length: 61 }, (_, k) => 0.1 + k * 0.01);
  const inTuning = (k: number): boolean => tuning.has(cases[k]!.containerId);
  const lines = [`overflow features: ${cases.length} cases, ${y.reduce((a, b) => a + b, 0)} overflow within 24 h, ${ids.length} containers`];
  for (const [name, extra] of Object.entries(FEATURE_SETS)) {
    const rows = cases.map((c) => [1, c.features.lp as number, ...extra.map((f) => c.features[f] as number)]);
    const loco = new Array<number>(cases.length).fill(0);
    for (const id of ids) {
      const train = cases.map((c, k) => (c.containerId === id ? -1 : k)).filter((k) => k >= 0);
      const w = fitLogistic(train.map((k) => rows[k]!), train.map((k) => y[k]!));
      cases.forEach((c, k) => {
        if (c.containerId === id) loco[k] = 1 / (1 + Math.exp(-dot(w, rows[k]!)));
      });
    }
    const risk = risks.reduce((best, r) => (f1At(loco, outcomes, r, inTuning) > f1At(loco, outcomes, best, inTuning) ? r : best), risks[0]!);
    const wAll = fitLogistic(rows, y);
    const inSample = rows.map((x) => 1 / (1 + Math.exp(-dot(wAll, x))));
    const bound = Math.max(...risks.map((r) => f1At(inSample, outcomes, r)));
    lines.push(
      `  ${name.padEnd(8)} containers left out: risk ${risk.toFixed(2)} tuning F1 ${f1At(loco, outcomes, risk, inTuning).toFixed(3)} held-out ${f1At(loco, outcomes, risk, (k) => !inTuning(k)).toFixed(3)} all ${f1At(loco, outcomes, risk).toFixed(3)}; fitted on all, best risk: ${bound.toFixed(3)}`,
    );
  }
  const p = cases.map((c) => c.features.p as number);
  const modelRisk = [0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1].reduce((best, r) => (f1At(p, outcomes, r, inTuning) > f1At(p, outcomes, best, inTuning) ? r : best), 0.5);
  lines.push(`  the model's probability as it is, risk ${modelRisk} (chosen on the tuning half): all F1 ${f1At(p, outcomes, modelRisk).toFixed(3)}`);
  return lines;
}

function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += (a[k] as number) * (b[k] as number);
  return sum;
}

/** Gaussian elimination with partial pivoting (the systems are a few dozen wide). */
function solve(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i] as number]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const head = a[col]![col]!;
    if (Math.abs(head) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = a[r]![col]! / head;
      if (factor === 0) continue;
      for (let c = col; c <= n; c++) a[r]![c]! -= factor * a[col]![c]!;
    }
  }
  return a.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[n]! / row[i]!));
}

const weekdayFormat = new Map<string, Intl.DateTimeFormat>();
/** Local weekday, Monday 0 .. Sunday 6. */
function weekdayOf(atMs: number, timeZone: string): number {
  let format = weekdayFormat.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short' });
    weekdayFormat.set(timeZone, format);
  }
  return ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(format.format(atMs));
}

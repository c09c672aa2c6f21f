/**
 * The whole pipeline on containers it was not tuned on (`--readings <csv> --held-out`).
 *
 * The forecaster learns each container on its own, but a few of its settings were chosen on
 * recorded containers: the half-life, the time pattern, the band scale and the overflow risk.
 * Here they are chosen again, each time without the containers that are scored:
 * - leave one container out: for every container, the settings with the least 24-hour MAE on
 *   the other fourteen (among those whose 80 % band covers 75-85 % there; a difference under
 *   0.01 points is a tie, broken by the coverage nearer 80 %), and the risk with the best
 *   overflow F1 there; the left-out container is scored with them, and the scores are pooled;
 * - split half: chosen on one half of the containers (every other one of each fraction by id,
 *   as the report's tuning half) and scored on the other, both ways round.
 * Every candidate runs once per container; a choice is arithmetic over those runs, so the
 * pooled figures are exactly what the back-test would print for the chosen settings.
 */
import { backtestReadings, createForecaster, seededRandom, type FillForecaster, type ForecastSettings, type RecordedContainer } from '@vulgraad/forecasting';

/** One candidate's sums on one container (24-hour fill; overflow counts per risk). */
interface Sums {
  pairs: number;
  absPct: number;
  inside: number;
  tp: number[];
  fp: number[];
  fn: number[];
}

export interface Candidate {
  name: string;
  settings: ForecastSettings;
  /** How the forecaster is built from the settings (default `createForecaster`). */
  make?: (settings: ForecastSettings) => FillForecaster;
}

const RISKS = [0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1];
const TIE_PCT = 0.01;

function emptySums(): Sums {
  return { pairs: 0, absPct: 0, inside: 0, tp: RISKS.map(() => 0), fp: RISKS.map(() => 0), fn: RISKS.map(() => 0) };
}

function add(into: Sums, from: Sums): void {
  into.pairs += from.pairs;
  into.absPct += from.absPct;
  into.inside += from.inside;
  RISKS.forEach((_, r) => {
    into.tp[r]! += from.tp[r]!;
    into.fp[r]! += from.fp[r]!;
    into.fn[r]! += from.fn[r]!;
  });
}

function f1(tp: number, fp: number, fn: number): number {
  return tp > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
}

/** The candidates: the configured settings, and the half-lives, time patterns and band scales around them. */
export function candidates(configured: ForecastSettings): Candidate[] {
  const list: Candidate[] = [];
  for (const timePattern of ['weekday', 'flat'] as const) {
    for (const halfLifeDays of [56, 112, 224]) {
      for (const bandScale of [1.3, 1.6, 2]) {
        list.push({ name: `${timePattern}/${halfLifeDays}d/x${bandScale}`, settings: { ...configured, timePattern, halfLifeDays, bandScale } });
      }
    }
  }
  return list;
}

/** Runs one forecaster on one container and keeps the sums. */
function sumsOf(container: RecordedContainer, candidate: Candidate): Sums {
  const result = backtestReadings([container], [{ name: 'x', forecaster: (candidate.make ?? createForecaster)(candidate.settings) }], { horizonsH: [24], overflowThresholds: RISKS });
  const score = result.scores[0]!;
  const h = score.horizons[0]!;
  const sums = emptySums();
  sums.pairs = h.pairs;
  sums.absPct = h.pairs > 0 ? h.maePct * h.pairs : 0;
  sums.inside = h.pairs > 0 ? Math.round(h.bandCoverage * h.pairs) : 0;
  score.overflowByThreshold.forEach((o, r) => {
    sums.tp[r] = o.truePositives;
    sums.fn[r] = o.positives - o.truePositives;
    sums.fp[r] = o.saidYes - o.truePositives;
  });
  return sums;
}

/** What one choice scored on the containers it was applied to. */
export interface HeldOutScore {
  pairs: number;
  maePct: number;
  flatMaePct: number;
  skill: number;
  bandCoverage: number;
  overflowF1: number;
  chosen: string[];
  /** The candidate and risk each scored container was answered with. */
  byContainer: Map<number, { candidate: number; risk: number }>;
}

interface Table {
  /** [container][candidate] */
  model: Sums[][];
  flat: Sums[];
}

function pooled(table: Table, containers: readonly number[], candidate: number): Sums {
  const total = emptySums();
  for (const c of containers) add(total, table.model[c]![candidate]!);
  return total;
}

/** The candidate with the least MAE among those covering 75-85 % on `containers` (ties: coverage nearer 0.8). */
function chooseCandidate(table: Table, containers: readonly number[], allowed: readonly number[]): number {
  const stats = allowed.map((k) => {
    const s = pooled(table, containers, k);
    return { k, mae: s.absPct / s.pairs, coverage: s.inside / s.pairs };
  });
  const eligible = stats.filter((s) => s.coverage >= 0.75 && s.coverage <= 0.85);
  const pool = eligible.length > 0 ? eligible : stats;
  const best = Math.min(...pool.map((s) => s.mae));
  const tied = pool.filter((s) => s.mae <= best + TIE_PCT);
  tied.sort((a, b) => Math.abs(a.coverage - 0.8) - Math.abs(b.coverage - 0.8) || a.mae - b.mae);
  return tied[0]!.k;
}

function chooseRisk(sums: Sums): number {
  let best = 0;
  RISKS.forEach((_, r) => {
    if (f1(sums.tp[r]!, sums.fp[r]!, sums.fn[r]!) > f1(sums.tp[best]!, sums.fp[best]!, sums.fn[best]!)) best = r;
  });
  return best;
}

/** Chooses on `tuneOn` for each group of scored containers and pools the scores. */
function score(table: Table, list: readonly Candidate[], allowed: readonly number[], groups: ReadonlyArray<{ scored: readonly number[]; tuneOn: readonly number[] }>): HeldOutScore {
  let pairs = 0;
  let abs = 0;
  let flatAbs = 0;
  let inside = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const chosen: string[] = [];
  const byContainer = new Map<number, { candidate: number; risk: number }>();
  for (const group of groups) {
    const k = chooseCandidate(table, group.tuneOn, allowed);
    const r = chooseRisk(pooled(table, group.tuneOn, k));
    chosen.push(`${list[k]!.name} risk ${RISKS[r]}`);
    for (const c of group.scored) {
      byContainer.set(c, { candidate: k, risk: r });
      const s = table.model[c]![k]!;
      pairs += s.pairs;
      abs += s.absPct;
      inside += s.inside;
      tp += s.tp[r]!;
      fp += s.fp[r]!;
      fn += s.fn[r]!;
      flatAbs += table.flat[c]!.absPct;
    }
  }
  const maePct = abs / pairs;
  const flatMaePct = flatAbs / pairs;
  return { pairs, maePct, flatMaePct, skill: 1 - maePct / flatMaePct, bandCoverage: inside / pairs, overflowF1: f1(tp, fp, fn), chosen, byContainer };
}

const f = (x: number, digits = 2): string => x.toFixed(digits);

function line(name: string, s: HeldOutScore): string {
  return `${name}: pairs ${s.pairs}, 24 h MAE ${f(s.maePct, 3)} (flat ${f(s.flatMaePct, 3)}), skill ${f(s.skill, 3)}, 80 % band covers ${f(s.bandCoverage * 100, 1)} %, overflow F1 ${f(s.overflowF1, 3)}`;
}

function tally(chosen: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const c of chosen) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${name} (${n})`).join(', ');
}

/** The left-out scores by fraction and by container, and how much the pooled skill owes to which containers were recorded. */
function spread(table: Table, containers: readonly RecordedContainer[], loco: HeldOutScore): string[] {
  const lines: string[] = [];
  const sumsFor = (c: number): { model: Sums; flat: Sums } => ({ model: table.model[c]![loco.byContainer.get(c)!.candidate]!, flat: table.flat[c]! });
  const pool = (members: readonly number[]): { pairs: number; mae: number; flat: number; coverage: number } => {
    let pairs = 0;
    let abs = 0;
    let flatAbs = 0;
    let inside = 0;
    for (const c of members) {
      const { model, flat } = sumsFor(c);
      pairs += model.pairs;
      abs += model.absPct;
      flatAbs += flat.absPct;
      inside += model.inside;
    }
    return { pairs, mae: abs / pairs, flat: flatAbs / pairs, coverage: inside / pairs };
  };
  const describe = (name: string, members: readonly number[]): string => {
    const p = pool(members);
    return `  ${name}: pairs ${p.pairs}, MAE ${f(p.mae, 3)} (flat ${f(p.flat, 3)}), skill ${f(1 - p.mae / p.flat, 3)}, band ${f(p.coverage * 100, 1)} %`;
  };
  const indices = containers.map((_, c) => c).filter((c) => table.model[c]![0]!.pairs > 0);
  for (const fraction of [...new Set(containers.map((c) => c.fraction ?? ''))].sort()) {
    lines.push(describe(fraction || 'no fraction', indices.filter((c) => (containers[c]!.fraction ?? '') === fraction)));
  }
  for (const c of indices) lines.push(describe(`${containers[c]!.containerId} ${containers[c]!.fraction ?? ''}`, [c]));
  // Draws of as many containers as were recorded, with replacement: the pooled skill of another set like this one.
  const random = seededRandom(21);
  const skills: number[] = [];
  for (let draw = 0; draw < 2000; draw++) {
    const members = indices.map(() => indices[Math.floor(random() * indices.length)]!);
    const p = pool(members);
    skills.push(1 - p.mae / p.flat);
  }
  skills.sort((a, b) => a - b);
  const at = (q: number): number => skills[Math.min(skills.length - 1, Math.floor(q * skills.length))]!;
  lines.push(`  pooled skill over ${indices.length} containers drawn with replacement (2,000 draws): 10th percentile ${f(at(0.1), 3)}, median ${f(at(0.5), 3)}, 90th ${f(at(0.9), 3)}; below 0.10 in ${f((skills.filter((x) => x < 0.1).length / skills.length) * 100, 0)} %`);
  return lines;
}

/**
 * Prints the held-out evaluation; the last line:
 * `forecast_held_out containers=<n> pairs=<n> mae_24h=<x> flat_mae_24h=<x> skill=<x> band_coverage=<x> overflow_f1=<x> half_a_skill=<x> half_b_skill=<x>`.
 */
export function runHeldOut(containers: readonly RecordedContainer[], tune: ReadonlySet<string>, configured: ForecastSettings, list: readonly Candidate[] = candidates(configured)): string[] {
  const flatSettings: ForecastSettings = { ...configured, timePattern: 'flat', levelCurve: false, calibrate: false, fullAtProbability: 0.5 };
  const table: Table = { model: [], flat: [] };
  for (const container of containers) {
    table.flat.push(sumsOf(container, { name: 'flat', settings: flatSettings }));
    table.model.push(list.map((candidate) => sumsOf(container, candidate)));
  }
  const all = containers.map((_, c) => c);
  const halfA = all.filter((c) => tune.has(containers[c]!.containerId));
  const halfB = all.filter((c) => !tune.has(containers[c]!.containerId));
  const lines: string[] = [`candidates (${list.length}): ${list.map((c) => c.name).join(', ')}`];
  const configuredIndex = list.findIndex((c) => c.settings.timePattern === configured.timePattern && c.settings.halfLifeDays === configured.halfLifeDays && c.settings.bandScale === configured.bandScale);
  for (let k = 0; k < list.length; k++) {
    const s = pooled(table, all, k);
    const a = pooled(table, halfA, k);
    const b = pooled(table, halfB, k);
    const overflowF1 = score(table, list, [k], all.map((c) => ({ scored: [c], tuneOn: all.filter((o) => o !== c) }))).overflowF1;
    lines.push(
      `  ${list[k]!.name}${k === configuredIndex ? ' (configured)' : ''}: MAE all ${f(s.absPct / s.pairs, 3)} half A ${f(a.absPct / a.pairs, 3)} half B ${f(b.absPct / b.pairs, 3)}, band ${f((s.inside / s.pairs) * 100, 1)} %, overflow F1 ${f(overflowF1, 3)} (risk chosen without the container)`,
    );
  }
  const every = list.map((_, k) => k);
  const loco = score(table, list, every, all.map((c) => ({ scored: [c], tuneOn: all.filter((o) => o !== c) })));
  const aOnB = score(table, list, every, [{ scored: halfB, tuneOn: halfA }]);
  const bOnA = score(table, list, every, [{ scored: halfA, tuneOn: halfB }]);
  lines.push(line('leave one container out', loco));
  lines.push(`  chosen: ${tally(loco.chosen)}`);
  lines.push(...spread(table, containers, loco));
  lines.push(line('chosen on half A (the tuning half), scored on half B', aOnB));
  lines.push(`  chosen: ${tally(aOnB.chosen)}`);
  lines.push(line('chosen on half B, scored on half A', bOnA));
  lines.push(`  chosen: ${tally(bOnA.chosen)}`);
  if (configuredIndex >= 0) {
    const fixed = score(table, list, [configuredIndex], all.map((c) => ({ scored: [c], tuneOn: all.filter((o) => o !== c) })));
    lines.push(line('configured settings, risk chosen on the other containers', fixed));
    // Nothing chosen here: what each risk means for the planner's must (PLANNER_RISK_LEVEL) and the alert (ALERT_OVERFLOW_RISK).
    const sums = pooled(table, all, configuredIndex);
    const byRisk = RISKS.map((risk, r) => {
      const tp = sums.tp[r]!;
      const precision = tp + sums.fp[r]! > 0 ? tp / (tp + sums.fp[r]!) : 0;
      const recall = tp + sums.fn[r]! > 0 ? tp / (tp + sums.fn[r]!) : 0;
      return `${risk}: P ${f(precision)} R ${f(recall)} F1 ${f(f1(tp, sums.fp[r]!, sums.fn[r]!), 3)}`;
    });
    lines.push(`  configured settings, overflow answer at each risk (all containers): ${byRisk.join('; ')}`);
  }
  let flatTp = 0;
  let flatFp = 0;
  let flatFn = 0;
  for (const c of all) {
    const others = emptySums();
    for (const o of all) if (o !== c) add(others, table.flat[o]!);
    const r = chooseRisk(others);
    flatTp += table.flat[c]!.tp[r]!;
    flatFp += table.flat[c]!.fp[r]!;
    flatFn += table.flat[c]!.fn[r]!;
  }
  lines.push(`flat rate, risk chosen on the other containers: overflow F1 ${f(f1(flatTp, flatFp, flatFn), 3)}`);
  lines.push(
    `forecast_held_out containers=${containers.length} pairs=${loco.pairs} mae_24h=${f(loco.maePct)} flat_mae_24h=${f(loco.flatMaePct)} skill=${f(loco.skill, 3)} band_coverage=${f(loco.bandCoverage, 3)} overflow_f1=${f(loco.overflowF1, 3)} half_a_skill=${f(bOnA.skill, 3)} half_b_skill=${f(aOnB.skill, 3)}`,
  );
  return lines;
}

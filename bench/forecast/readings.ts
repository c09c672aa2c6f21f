/**
 * The forecast on recorded sensor readings (`--readings <csv>`: container,
 * time, fill %; see parseFillReadingsCsv). Replays every container with
 * `backtestReadings`: the city's forecaster as configured (FORECAST_*,
 * the one the planner, alerts and dashboard build) against a flat mean rate
 * and the last reading, on the same origins, targets and truth.
 *
 * Settings were chosen on the tuning half of the containers (every other
 * container of each fraction, by id); the other half is reported beside it
 * and the last line covers all.
 *
 * Last line: `forecast_real containers=<n> pairs=<n> mae_24h=<x> flat_mae_24h=<x>
 * last_mae_24h=<x> skill=<x> band_coverage=<x> full_time_mae_h=<x> overflow_f1=<x> emptying_f1=<x>`.
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '@vulgraad/config';
import { runHeldOut } from './held-out';
import { runOverflowFeatures } from './overflow-features';
import { backtestReadings, createForecaster, parseFillReadingsCsv, type CompetitorScore, type ForecastSettings, type ReadingsBacktestResult, type RecordedContainer } from '@vulgraad/forecasting';

export interface ReadingsArgs {
  file: string;
  timeZone: string;
  /** `--overflow-features`: print what would tell the overflow answer more (./overflow-features.ts) instead of the back-test. */
  overflowFeatures: boolean;
  /** `--held-out`: choose the settings and the overflow risk without the containers scored (./held-out.ts) instead of the back-test. */
  heldOut: boolean;
}

/** `--readings <csv>` or `--readings=<csv>`, and `--time-zone=<IANA>` (default Europe/Prague, the zone of the Prague recordings); null without --readings. */
export function readingsArgs(argv: readonly string[]): ReadingsArgs | null {
  let file: string | null = null;
  let timeZone = 'Europe/Prague';
  let overflowFeatures = false;
  let heldOut = false;
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k] as string;
    if (arg === '--readings') file = argv[++k] ?? null;
    else if (arg.startsWith('--readings=')) file = arg.slice('--readings='.length);
    else if (arg === '--time-zone') timeZone = argv[++k] ?? timeZone;
    else if (arg.startsWith('--time-zone=')) timeZone = arg.slice('--time-zone='.length);
    else if (arg === '--overflow-features') overflowFeatures = true;
    else if (arg === '--held-out') heldOut = true;
  }
  if (file === null && argv.some((a) => a.startsWith('--readings'))) throw new Error('--readings needs a CSV file: --readings <path>');
  return file === null ? null : { file, timeZone, overflowFeatures, heldOut };
}

/** Every other container of each fraction (by id) tunes; the rest is held out. */
function split(containers: readonly RecordedContainer[]): { tune: RecordedContainer[]; holdout: RecordedContainer[] } {
  const tune: RecordedContainer[] = [];
  const holdout: RecordedContainer[] = [];
  const byFraction = new Map<string, RecordedContainer[]>();
  for (const c of containers) byFraction.set(c.fraction ?? '', [...(byFraction.get(c.fraction ?? '') ?? []), c]);
  for (const list of byFraction.values()) {
    list.sort((a, b) => a.containerId.localeCompare(b.containerId, 'en', { numeric: true }));
    list.forEach((c, k) => (k % 2 === 0 ? tune : holdout).push(c));
  }
  return { tune, holdout };
}

/** Overflow risks tried; each forecaster answers "will it overflow" at the one that scores best on the tuning half. */
const RISKS = [0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1];

function run(containers: readonly RecordedContainer[], settings: ForecastSettings): ReadingsBacktestResult {
  return backtestReadings(containers, [
    { name: 'model', forecaster: createForecaster(settings) },
    // The baselines are the plain rates: no calibration, the full time where the mean crosses.
    { name: 'flat', forecaster: createForecaster({ ...settings, timePattern: 'flat', levelCurve: false, calibrate: false, fullAtProbability: 0.5 }) },
    { name: 'last', forecaster: createForecaster({ ...settings, timePattern: 'flat', levelCurve: false, calibrate: false, fullAtProbability: 0.5 }, { prior: { meanRatePctPerH: 0, strengthH: 1e9 } }) },
  ], { overflowThresholds: RISKS });
}

/** Each competitor's overflow risk with the best F1 (0.5 when there is nothing to choose on). */
function chooseRisks(result: ReadingsBacktestResult): Map<string, number> {
  const chosen = new Map<string, number>();
  for (const score of result.scores) {
    const best = [...score.overflowByThreshold].sort((a, b) => b.f1 - a.f1)[0];
    chosen.set(score.name, best && best.f1 > 0 ? best.threshold : 0.5);
  }
  return chosen;
}

/** The overflow score at the risk chosen for a competitor. */
function overflowAt(score: CompetitorScore, risks: ReadingsMap): CompetitorScore['overflowByThreshold'][number] {
  const risk = risks.get(score.name) ?? 0.5;
  return score.overflowByThreshold.find((o) => o.threshold === risk) ?? (score.overflowByThreshold[0] as CompetitorScore['overflowByThreshold'][number]);
}

const f = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : 'na');

type ReadingsMap = ReadonlyMap<string, number>;

function describe(name: string, count: number, result: ReadingsBacktestResult, risks: ReadingsMap): string {
  const [model, flat, last] = result.scores as [ReadingsBacktestResult['scores'][number], ReadingsBacktestResult['scores'][number], ReadingsBacktestResult['scores'][number]];
  const h = (s: typeof model, k: number): number => (s.horizons[k] as { maePct: number }).maePct;
  const m24 = model.horizons[0] as { pairs: number; maePct: number; biasPct: number; bandCoverage: number };
  const m48 = model.horizons[1] as { pairs: number; maePct: number; bandCoverage: number };
  const mo = overflowAt(model, risks);
  const fo = overflowAt(flat, risks);
  return [
    `${name}: ${count} containers, ${m24.pairs} pairs at 24 h, ${m48.pairs} at 48 h`,
    `  24 h MAE model ${f(h(model, 0))} (bias ${f(m24.biasPct)}, 80 % band covers ${f(m24.bandCoverage * 100, 1)} %), flat ${f(h(flat, 0))}, last ${f(h(last, 0))}; skill ${f(1 - h(model, 0) / h(flat, 0), 3)}`,
    `  48 h MAE model ${f(h(model, 1))} (band covers ${f(m48.bandCoverage * 100, 1)} %), flat ${f(h(flat, 1))}, last ${f(h(last, 1))}; skill ${f(1 - h(model, 1) / h(flat, 1), 3)}`,
    `  full time MAE (${model.fullTime.cases} origins) model ${f(model.fullTime.maeH, 1)} h, flat ${f(flat.fullTime.maeH, 1)} h, last ${f(last.fullTime.maeH, 1)} h`,
    `  overflow within 24 h (${mo.positives} of ${mo.cases}): model F1 ${f(mo.f1, 3)} at risk ${mo.threshold} (P ${f(mo.precision)} R ${f(mo.recall)}; at 0.5: F1 ${f(model.overflow.f1, 3)}), flat F1 ${f(fo.f1, 3)} at risk ${fo.threshold} (P ${f(fo.precision)} R ${f(fo.recall)}; at 0.5: F1 ${f(flat.overflow.f1, 3)})`,
    `  emptyings: ${result.emptyings.truth} true drops, ${result.emptyings.detected} detected, P ${f(result.emptyings.precision, 3)} R ${f(result.emptyings.recall, 3)} F1 ${f(result.emptyings.f1, 3)}`,
  ].join('\n');
}

/**
 * Where the overflow answer wins and loses: per container with any overflow, how often the
 * sensor reached full within a day and each rate's precision and recall at its chosen risk.
 */
function overflowByContainer(containers: readonly RecordedContainer[], settings: ForecastSettings, risks: ReadingsMap): string {
  const lines = ['overflow within 24 h by container (model / flat at their risks):'];
  for (const container of containers) {
    const result = backtestReadings([container], [
      { name: 'model', forecaster: createForecaster(settings) },
      { name: 'flat', forecaster: createForecaster({ ...settings, timePattern: 'flat', levelCurve: false, calibrate: false, fullAtProbability: 0.5 }) },
    ], { overflowThresholds: RISKS, horizonsH: [24] });
    const [model, flat] = result.scores as [CompetitorScore, CompetitorScore];
    const m = overflowAt(model, risks);
    const fl = overflowAt(flat, risks);
    if (m.positives === 0) continue;
    lines.push(
      `  ${container.containerId} ${container.fraction ?? ''}: ${m.positives} of ${m.cases} (${f((m.positives / m.cases) * 100, 0)} %); model P ${f(m.precision)} R ${f(m.recall)} F1 ${f(m.f1, 3)}, flat P ${f(fl.precision)} R ${f(fl.recall)} F1 ${f(fl.f1, 3)}`,
    );
  }
  return lines.join('\n');
}

/** Runs the back-test on a readings file and prints the report; the last line in the issue's format. */
export function runReadings(args: ReadingsArgs): void {
  const file = parseFillReadingsCsv(readFileSync(args.file, 'utf8'), { timeZone: args.timeZone });
  const settings: ForecastSettings = { ...loadConfig().forecast, timeZone: args.timeZone };
  console.log(`machine: ${process.version}; ${args.file}: ${file.readings} readings of ${file.containers.length} containers, ${file.rejected.length} rows rejected; times without a zone read in ${args.timeZone}`);
  for (const row of file.rejected.slice(0, 10)) console.log(`  rejected line ${row.line}: ${row.reason}`);
  console.log(`forecast settings: ${JSON.stringify(settings)}`);
  const cpu = process.cpuUsage();
  const { tune, holdout } = split(file.containers);
  if (args.heldOut) {
    for (const line of runHeldOut(file.containers, new Set(tune.map((c) => c.containerId)), settings)) console.log(line);
    console.log(`cpu: ${((process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1e6).toFixed(1)} s`);
    return;
  }
  if (args.overflowFeatures) {
    for (const line of runOverflowFeatures(file.containers, new Set(tune.map((c) => c.containerId)), settings)) console.log(line);
    console.log(`cpu: ${((process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1e6).toFixed(1)} s`);
    return;
  }
  const tuned = run(tune, settings);
  const risks = chooseRisks(tuned);
  console.log(`overflow risks chosen on the tuning half: ${[...risks].map(([name, risk]) => `${name} ${risk}`).join(', ')}`);
  console.log(describe('tuning half', tune.length, tuned, risks));
  if (holdout.length > 0) console.log(describe('held-out half', holdout.length, run(holdout, settings), risks));
  const fractions = [...new Set(file.containers.map((c) => c.fraction).filter((x): x is string => x !== null))].sort();
  for (const fraction of fractions) {
    const list = file.containers.filter((c) => c.fraction === fraction);
    console.log(describe(fraction, list.length, run(list, settings), risks));
  }
  const all = run(file.containers, settings);
  console.log(describe('all', file.containers.length, all, risks));
  console.log(overflowByContainer(file.containers, settings, risks));
  const [model, flat, last] = all.scores as [typeof all.scores[number], typeof all.scores[number], typeof all.scores[number]];
  const mae = (s: typeof model): number => (s.horizons[0] as { maePct: number }).maePct;
  console.log(`cpu: ${((process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1e6).toFixed(1)} s for all runs`);
  console.log(
    `forecast_real containers=${model.containers} pairs=${(model.horizons[0] as { pairs: number }).pairs} mae_24h=${f(mae(model))} flat_mae_24h=${f(mae(flat))} last_mae_24h=${f(mae(last))} skill=${f(1 - mae(model) / mae(flat), 3)} band_coverage=${f((model.horizons[0] as { bandCoverage: number }).bandCoverage, 3)} full_time_mae_h=${f(model.fullTime.maeH, 1)} overflow_f1=${f(overflowAt(model, risks).f1, 3)} emptying_f1=${f(all.emptyings.f1, 3)}`,
  );
}

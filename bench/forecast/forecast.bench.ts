/**
 * Fill-forecast benchmark: the 24-hour-ahead MAE of `backtest` on synthetic
 * sensor histories, and the cost of fitting.
 *
 * 1. Groningen setup (../shared/data/groningen/SETUP.md): 850 clusters, about
 *    26.7 deposits per cluster per day spread very unevenly, the digitised
 *    hourly arrival profile, Triangular(10, 30, 60) L deposits, 4-10 m3
 *    clusters; emptied on the daily round once 75 % full. Sensors report
 *    hourly with 2-point noise; faults: 1 % impossible jumps, 5 % of the
 *    clusters silent for two days, 3 % stuck for a day.
 * 2. Amsterdam March 2021: for every cluster with at least 3 emptyings in
 *    ../shared/data/amsterdam/containers/rest_weighings_2021-03.csv, the
 *    deposit rate that its weighed kilograms imply (assumed: 0.09 kg per
 *    litre loose, 33.3 L per deposit, 5,000 L per normal and 10,000 L per big
 *    cluster) and its real emptying times (local time; weighings within an
 *    hour are one emptying). Same sensors and profile.
 *
 *   npm run bench:forecast [-- --days=56]
 *   npm run bench:forecast -- --readings <csv> [--time-zone=Europe/Prague] [--overflow-features | --held-out]   (recorded sensors: ./readings.ts)
 *
 * Last line: `forecast containers=<n> mae_pct=<x> ...` (both scenarios), or
 * `forecast_real ...` with --readings.
 */
import { readFileSync } from 'node:fs';
import { loadConfig, sharedPath } from '@vulgraad/config';
import { backtest, createForecaster, FillForecaster, seededRandom, simulateFillHistory, type BacktestResult, type ContainerHistory } from '@vulgraad/forecasting';
import { zoneOffsetMs } from '@vulgraad/time';
import { readingsArgs, runReadings } from './readings';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const TIME_ZONE = 'Europe/Amsterdam';
const argDays = Number(process.argv.find((a) => a.startsWith('--days='))?.split('=')[1] ?? 56);

/** Hourly shares of deposits; the digitised Groningen profile when present, else a plausible day shape. */
function hourProfile(): number[] {
  const file = sharedPath('data', 'groningen', 'arrivals_by_hour_q1_2023_digitised.csv');
  if (!file) return [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 3, 6, 7, 9, 11, 13, 14, 13, 13, 13, 13, 12, 10, 8, 6, 4, 2];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(',')[2]));
}

function report(name: string, result: BacktestResult, extra: string): void {
  console.log(
    `${name}: containers ${result.containers}, pairs ${result.pairs}, MAE ${result.maePct.toFixed(2)} points, bias ${result.biasPct.toFixed(2)}, 80 % band coverage ${(result.bandCoverage * 100).toFixed(1)} %${extra}`,
  );
}

function baselines(histories: ContainerHistory[]): string {
  const flat = backtest(histories, { horizonH: 24, timeZone: TIME_ZONE, timePattern: 'flat', levelCurve: false });
  const persistence = backtest(histories, { horizonH: 24, timeZone: TIME_ZONE, timePattern: 'flat', levelCurve: false, prior: { meanRatePctPerH: 0, strengthH: 1e9 } });
  return `; baselines: flat mean rate ${flat.maePct.toFixed(2)}, last reading ${persistence.maePct.toFixed(2)}`;
}

function groningen(profile: number[]): { histories: ContainerHistory[]; start: number } {
  const random = seededRandom(2023);
  // Monday 2 January 2023, local midnight.
  const start = Date.UTC(2023, 0, 1, 23);
  const histories: ContainerHistory[] = [];
  for (let c = 0; c < 850; c++) {
    // Very uneven clusters: a log-normal spread around 26.7 deposits a day.
    const depositsPerDay = 26.7 * Math.exp(0.7 * (random() + random() + random() - 1.5) * 1.4 - 0.25);
    const containers = random() < 0.25 ? 2 : 1;
    const capacityL = containers * (random() < 0.5 ? 4000 : 5000);
    const silent = random() < 0.05 ? (() => { const from = start + (14 + Math.floor(random() * (argDays - 20))) * DAY_MS; return [[from, from + 2 * DAY_MS] as const]; })() : [];
    const stuck = random() < 0.03 ? (() => { const from = start + (14 + Math.floor(random() * (argDays - 20))) * DAY_MS; return [[from, from + DAY_MS] as const]; })() : [];
    histories.push(
      simulateFillHistory({
        containerId: `g${c}`,
        startMs: start,
        days: argDays,
        capacityL,
        depositsPerDay,
        hourShare: profile,
        readingEveryH: 1,
        noiseSdPct: 2,
        emptyAtPct: 75,
        roundHour: 8,
        reportedCollectionShare: 0.5,
        faults: { silent, stuck, jumpShare: 0.01 },
        timeZone: TIME_ZONE,
        seed: 10_000 + c,
      }).history,
    );
  }
  return { histories, start };
}

function amsterdam(profile: number[]): ContainerHistory[] | null {
  const weighings = sharedPath('data', 'amsterdam', 'containers', 'rest_weighings_2021-03.csv');
  const clusterFile = sharedPath('data', 'amsterdam', 'containers', 'rest_clusters_2020-2021.csv');
  if (!weighings || !clusterFile) return null;
  const big = new Set(
    readFileSync(clusterFile, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','))
      .filter((f) => f[7] === 'big')
      .map((f) => f[0]),
  );
  const byCluster = new Map<string, Array<{ atMs: number; kg: number }>>();
  for (const line of readFileSync(weighings, 'utf8').trim().split('\n').slice(1)) {
    const f = line.split(',');
    // The timestamp carries a fake Z: it is local time.
    const local = Date.parse(f[1].replace('Z', '').replace(/\.000$/, '') + 'Z');
    const atMs = local - zoneOffsetMs(local, TIME_ZONE);
    const list = byCluster.get(f[0]) ?? [];
    list.push({ atMs, kg: Number(f[4]) });
    byCluster.set(f[0], list);
  }
  const histories: ContainerHistory[] = [];
  let seed = 50_000;
  for (const [cluster, raw] of byCluster) {
    raw.sort((a, b) => a.atMs - b.atMs);
    const emptyings: Array<{ atMs: number; kg: number }> = [];
    for (const w of raw) {
      const last = emptyings[emptyings.length - 1];
      if (last && w.atMs - last.atMs < HOUR_MS) last.kg += Math.max(0, w.kg);
      else emptyings.push({ atMs: w.atMs, kg: Math.max(0, w.kg) });
    }
    if (emptyings.length < 3) continue;
    const spanDays = (emptyings[emptyings.length - 1].atMs - emptyings[0].atMs) / DAY_MS;
    if (spanDays < 3) continue;
    const kgPerDay = emptyings.slice(1).reduce((sum, e) => sum + e.kg, 0) / spanDays;
    const depositsPerDay = kgPerDay / 0.09 / 33.3;
    const start = Date.UTC(2021, 1, 28, 23);
    histories.push(
      simulateFillHistory({
        containerId: cluster,
        startMs: start,
        days: 31,
        capacityL: big.has(cluster) ? 10_000 : 5_000,
        depositsPerDay,
        hourShare: profile,
        readingEveryH: 1,
        noiseSdPct: 2,
        collectionTimesMs: emptyings.map((e) => e.atMs),
        reportedCollectionShare: 1,
        faults: { jumpShare: 0.01 },
        timeZone: TIME_ZONE,
        seed: seed++,
      }).history,
    );
  }
  return histories;
}

function main(): void {
  const profile = hourProfile();
  console.log(`machine: ${process.version}; horizon 24 h; Groningen ${argDays} days`);

  const generated = performance.now();
  const { histories } = groningen(profile);
  const readings = histories.reduce((sum, h) => sum + h.readings.length, 0);
  console.log(`groningen: generated ${histories.length} histories, ${readings} readings in ${((performance.now() - generated) / 1000).toFixed(1)} s`);

  const forecaster = new FillForecaster({ timeZone: TIME_ZONE });
  const fitStart = performance.now();
  const fitCpu = process.cpuUsage();
  const models = histories.map((h) => forecaster.fit(h));
  const fitMs = (performance.now() - fitStart) / histories.length;
  const fitCpuMs = process.cpuUsage(fitCpu).user / 1000 / histories.length;
  const predictStart = performance.now();
  const predictCpu = process.cpuUsage();
  const now = Math.max(...models.map((m) => m.seenUntilMs ?? 0));
  let silent = 0;
  for (const model of models) {
    const p = forecaster.predict(model, now + 24 * HOUR_MS, now);
    forecaster.predictFullAt(model, now);
    if (p.fromHistoryOnly) silent++;
  }
  const predictMs = (performance.now() - predictStart) / models.length;
  const predictCpuMs = process.cpuUsage(predictCpu).user / 1000 / models.length;
  console.log(`fit: ${fitMs.toFixed(2)} ms wall, ${fitCpuMs.toFixed(2)} ms cpu per container (${(readings / histories.length).toFixed(0)} readings each); predict + full time: ${predictMs.toFixed(3)} ms wall, ${predictCpuMs.toFixed(3)} ms cpu per container; ${silent} forecast from history only at the end`);

  // The city's forecaster as configured (FORECAST_*: the one the planner builds for its 6,308 containers), same histories.
  const configured = createForecaster({ ...loadConfig().forecast, timeZone: TIME_ZONE });
  const configuredCpu = process.cpuUsage();
  const configuredModels = histories.map((h) => configured.fit(h));
  const configuredFitCpuMs = process.cpuUsage(configuredCpu).user / 1000 / histories.length;
  const configuredPredictCpu = process.cpuUsage();
  for (const model of configuredModels) {
    configured.predict(model, now + 24 * HOUR_MS, now);
    configured.predictFullAt(model, now);
  }
  const configuredPredictCpuMs = process.cpuUsage(configuredPredictCpu).user / 1000 / histories.length;
  console.log(`configured forecaster (${JSON.stringify(loadConfig().forecast)}): fit ${configuredFitCpuMs.toFixed(2)} ms cpu, predict + full time ${configuredPredictCpuMs.toFixed(3)} ms cpu per container`);

  const g = backtest(histories, { horizonH: 24, timeZone: TIME_ZONE });
  report('groningen backtest', g, baselines(histories));

  const a = amsterdam(profile);
  let aResult: BacktestResult | null = null;
  if (a) {
    aResult = backtest(a, { horizonH: 24, timeZone: TIME_ZONE, warmupH: 5 * 24 });
    report('amsterdam backtest', aResult, baselines(a));
  } else {
    console.log('amsterdam backtest skipped: ../shared/data/amsterdam/containers is absent');
  }
  console.log(
    `forecast containers=${g.containers + (aResult?.containers ?? 0)} mae_pct=${g.maePct.toFixed(2)} amsterdam_mae_pct=${aResult ? aResult.maePct.toFixed(2) : 'na'} band_coverage=${g.bandCoverage.toFixed(3)} fit_ms=${fitMs.toFixed(2)}`,
  );
}

const readings = readingsArgs(process.argv.slice(2));
if (readings) runReadings(readings);
else main();

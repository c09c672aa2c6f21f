import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpuUsage } from 'node:process';
import { loadavg } from 'node:os';
import path from 'node:path';
import { loadConfig, sharedPath } from '@vulgraad/config';
import { forecastOptions, forecastSettingsFrom, type ForecastOptions } from '@vulgraad/forecasting';
import { CachedMatrixProvider, MatrixCache, RoadGraphProvider, StraightLineProvider, type MatrixProvider } from '@vulgraad/distances';
import { parseReplayCli, ReplayCliError, type ReplayCliOptions } from './cli';
import { Replay, type SeedResult } from './replay';
import { replayMarkdown, replayPlots } from './report';
import { replayLine, summariseSeed, type SeedSummary } from './summary';
import { buildWorld, TIME_ZONE, type ReplayWorld } from './world';

/**
 * `npm run sim:replay`: replays a month of Amsterdam's recorded residual
 * collection (the city's weighings) against vulgraad's planner on the same
 * deposits, fleet and roads, over several seeds; writes the report (again
 * after every seed, so a run cut short leaves the seeds it finished) and
 * prints the `replay ...` line last.
 */
async function main(): Promise<void> {
  let options: ReplayCliOptions;
  try {
    options = parseReplayCli(process.argv.slice(2));
  } catch (error) {
    if (error instanceof ReplayCliError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const log = (message: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
  const cpu0 = cpuUsage();
  const load0 = loadavg();
  const matrix = options.merge.length > 0 ? new StraightLineProvider({ detourFactor: 1.3, speedKmh: 25 }) : await roadMatrix(log);
  const world = await buildWorld({ weighingsPath: options.weighings, trucks: options.trucks, matrix, dayLimit: options.days, clusterLimit: options.clusters, onProgress: log });
  const measuredDays = Math.max(0, world.record.dates.length - options.warmupDays);
  const raw: SeedResult[] = [];
  let earlierCpuS = 0;
  for (const file of options.merge) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { raw: SeedResult[]; cpuS: number };
    raw.push(...saved.raw);
    earlierCpuS += saved.cpuS;
    log(`merged ${saved.raw.length} seed(s) from ${file}`);
  }
  const seedsToRun = options.merge.length > 0 ? [] : options.seeds;
  // The forecast as the planner service builds it from its configuration (the FORECAST_* variables).
  const config = loadConfig();
  const forecast = forecastOptions(forecastSettingsFrom({ core: { timezone: TIME_ZONE }, forecast: config.forecast }));
  // The alert rules as the alerts service reads them from its configuration (the ALERT_* variables).
  const a = config.alerts;
  const alerts = options.replan
    ? { thresholds: { fullPct: a.fullPct, batteryLowPct: a.batteryLowPct, temperatureHighC: a.temperatureHighC, silentMultiple: a.silentMultiple, overflowRisk: a.overflowRisk }, overflowHorizonH: a.overflowHorizonH, overflowCheckS: a.overflowCheckS, replanDebounceMs: config.planner.replanDebounceMs }
    : null;
  const replay = new Replay(world, {
    forecast, alerts, warmupDays: options.warmupDays, budget: options.budget, settings: options.settings,
    onDay: (seed, policy, date, f) => log(`seed ${seed} ${policy} ${date}${f ? `: ${f.km.toFixed(0)} km (${f.disposalKm.toFixed(0)} AEB, ${f.depotKm.toFixed(0)} depot), ${(f.drivingH + f.liftingH + f.unloadingH).toFixed(1)} h, ${(f.kg / 1000).toFixed(0)} t, ${f.unloads} unloads, ${f.lifts} lifts, ${f.emptyings} emptied (${f.overflowEmptyings} overflowing), ${f.clusterDaysOver} over capacity, ${f.unplaced} unplaced, ${f.trucks} trucks${policy === 'vulgraad' && alerts ? `, ${f.replans} re-plans on ${f.replanAlerts.containerFull} full + ${f.replanAlerts.predictedOverflow} predicted (+${f.replanStopsAdded} stops${f.replansFailed > 0 ? `, ${f.replansFailed} failed` : ''})` : ''}` : ' (warm-up)'}`),
  });
  const report = (final: boolean): string => {
    const seeds: SeedSummary[] = raw.map((r) => summariseSeed(r, world.containers.length));
    const line = replayLine(measuredDays, world.containers.length, seeds);
    const cpu = cpuUsage(cpu0);
    const cpuS = earlierCpuS + (cpu.user + cpu.system) / 1e6;
    if (options.out) writeReport(options, world, raw, seeds, line, cpuS, [load0, loadavg()], final, forecast);
    return line;
  };
  for (const seed of seedsToRun) {
    const result = await replay.runSeed(seed);
    raw.push(result);
    const s = summariseSeed(result, world.containers.length);
    process.stdout.write(
      `seed ${seed}: recorded ${s.recorded.kmPerDay.toFixed(1)} km, ${s.recorded.hoursPerDay.toFixed(1)} h, ${s.recorded.liftsPerDay.toFixed(1)} lifts, service ${s.recorded.servicePct.toFixed(2)} %; ` +
        `vulgraad ${s.vulgraad.kmPerDay.toFixed(1)} km, ${s.vulgraad.hoursPerDay.toFixed(1)} h, ${s.vulgraad.liftsPerDay.toFixed(1)} lifts, service ${s.vulgraad.servicePct.toFixed(2)} %; ` +
        `ratios km ${s.kmRatio.toFixed(3)} hours ${s.hoursRatio.toFixed(3)} lifts ${s.liftsRatio.toFixed(3)}\n`,
    );
    if (seed !== seedsToRun[seedsToRun.length - 1]) report(false);
  }
  const line = report(true);
  const cpu = cpuUsage(cpu0);
  process.stdout.write(`cpu ${(earlierCpuS + (cpu.user + cpu.system) / 1e6).toFixed(0)} s, load average ${load0.map((l) => l.toFixed(1)).join(' ')} -> ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  if (options.out) process.stdout.write(`report: ${options.out}\n`);
  process.stdout.write(`${line}\n`);
}

/** The whole-city road graph behind a matrix cache (a merge only reports, and needs no roads). */
async function roadMatrix(log: (message: string) => void): Promise<MatrixProvider> {
  const graphPath = sharedPath('data', 'amsterdam', 'roads', 'citywide_osm2009');
  if (!graphPath) throw new Error('the Amsterdam road graph (shared data/amsterdam/roads/citywide_osm2009) is absent: sim:replay needs ../shared');
  log(`road graph ${graphPath}`);
  const road = await RoadGraphProvider.fromFile(graphPath);
  road.prepare();
  return new CachedMatrixProvider(road, new MatrixCache({ maxBytes: 1536 * 1024 * 1024 }));
}

function writeReport(options: ReplayCliOptions, world: ReplayWorld, raw: SeedResult[], seeds: SeedSummary[], line: string, cpuS: number, load: [number[], number[]], final: boolean, forecast: ForecastOptions): void {
  const out = options.out as string;
  const dir = path.dirname(out);
  const stem = path.basename(out, '.md');
  const plotDir = path.join(dir, 'replay');
  mkdirSync(plotDir, { recursive: true });
  const plots: Record<string, string> = {};
  for (const [name, svg] of Object.entries(replayPlots(raw))) {
    writeFileSync(path.join(plotDir, `${stem}-${name}.svg`), svg);
    plots[name] = `replay/${stem}-${name}.svg`;
  }
  const lean = raw.map((r) => ({ ...r, recorded: { ...r.recorded, allDays: [] }, vulgraad: { ...r.vulgraad, allDays: [] } }));
  writeFileSync(path.join(plotDir, `${stem}.raw.json`), `${JSON.stringify({ options, cpuS, raw: lean })}\n`);
  writeFileSync(path.join(plotDir, `${stem}.json`), `${JSON.stringify({ options, cpuS, line, seeds }, null, 1)}\n`);
  const args = process.argv.slice(2);
  const command = args.length > 0 ? `npm run sim:replay -- ${args.join(' ')}` : 'npm run sim:replay';
  const partial = final ? (options.merge.length > 0 ? ` (the seeds were run by separate processes, \`npm run sim:replay -- --seeds <part> --out <file>\`, and their results merged from ${options.merge.map((f) => path.basename(f)).join(', ')}; CPU is theirs added up)` : '') : ` (written after seed ${raw.at(-1)?.seed}; the run goes on)`;
  writeFileSync(out, replayMarkdown({ world, options, seeds, raw, line, command: `${command}${partial}`, cpuS, load, plots, forecast }));
}

main().catch((error: unknown) => {
  process.stderr.write(`sim:replay failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

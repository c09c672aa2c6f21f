import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliError, parseCli } from './cli';
import { markdownReport, plots, valueLine } from './report/report';
import type { PolicyRun } from './simulation';
import { runValue, type ValueRunResult } from './value-run';

/** What a run saves beside its report: the result, each seed's run without its days, and the command that made it. */
interface SavedRun extends Omit<ValueRunResult, 'runs'> {
  command?: string;
  runs: Array<{ seed: number; k: number | null } & Pick<PolicyRun, 'policy' | 'summary' | 'balance' | 'notes' | 'runtimeS'>>;
}

/**
 * `npm run sim:value`: runs the collection policies side by side on one city
 * and writes the Markdown report with its plots. The last line on stdout is
 * the `value ...` summary line.
 */
async function main(): Promise<void> {
  let options;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const log = options.quiet ? () => undefined : (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
  const args = process.argv.slice(2);
  let command = args.length > 0 ? `npm run sim:value -- ${args.join(' ')}` : 'npm run sim:value';
  let result: ValueRunResult;
  if (options.reportFrom) {
    const saved = JSON.parse(readFileSync(options.reportFrom, 'utf8')) as SavedRun;
    command = saved.command ?? command;
    result = { ...saved, runs: saved.runs.map((r) => ({ seed: r.seed, k: r.k, run: { policy: r.policy, summary: r.summary, balance: r.balance, notes: r.notes, runtimeS: r.runtimeS, description: [], days: [], fillHistogram: [] } })) };
  } else {
    result = await runValue(options.spec, log);
  }
  for (const a of result.aggregates) {
    const s = a.summary;
    const m = (v: { mean: number; sd: number }, digits: number): string => `${v.mean.toFixed(digits)} ± ${v.sd.toFixed(digits)}`;
    process.stdout.write(
      `${a.policy}${a.k === null ? '' : ` K=${a.k}`} (${a.seeds.length} seeds): ${m(s.kmPerDay, 1)} km/day (${s.depotLegsKmPerDay.mean.toFixed(1)} to and from the depot), ${s.hoursPerRoute.mean.toFixed(2)} h/route, ${s.routesPerDay.mean.toFixed(2)} routes/day, ${s.emptiedPerDay.mean.toFixed(1)} emptied/day, service ${m(s.servicePct, 2)} %, ${s.overflowContainerDays.mean.toFixed(1)} overflow container-days, fill ${s.meanFillAtEmptyingPct.mean.toFixed(1)} %, ${s.unloadsPerDay.mean.toFixed(1)} unloads/day, ${s.co2KgPerDay.mean.toFixed(0)} kg CO2/day\n`,
    );
  }
  for (const r of result.sweep?.rows ?? []) {
    process.stdout.write(`practice sweep K=${r.k}: ${r.summary.kmPerDay.mean.toFixed(1)} km/day, service ${r.summary.servicePct.mean.toFixed(2)} %${r.k === result.sweep?.chosen.k ? ' (compared)' : ''}\n`);
  }
  if (result.tuning) {
    for (const c of result.tuning.candidates) process.stdout.write(`tuning risk=${c.riskLevel}: ${c.kmPerDay.toFixed(1)} km/day, service ${c.servicePct.toFixed(2)} %${c.riskLevel === result.tuning.chosen.riskLevel ? ' (chosen)' : ''}\n`);
  }
  if (options.out) {
    const dir = path.dirname(options.out);
    const stem = path.basename(options.out, '.md');
    const plotDir = path.join(dir, 'value');
    mkdirSync(plotDir, { recursive: true });
    for (const [name, svg] of Object.entries(plots(result))) writeFileSync(path.join(plotDir, `${stem}-${name}.svg`), svg);
    // Per seed the summary and the volume balance; the days are in the aggregates as means.
    const runs = result.runs.map((r) => ({ seed: r.seed, k: r.k, policy: r.run.policy, summary: r.run.summary, balance: r.run.balance, notes: r.run.notes, runtimeS: r.run.runtimeS }));
    const saved: SavedRun = { ...result, command, runs };
    if (!options.reportFrom) writeFileSync(path.join(plotDir, `${stem}.json`), `${JSON.stringify(saved, null, 1)}\n`);
    writeFileSync(options.out, markdownReport(result, (plot) => `value/${stem}-${plot}.svg`, command));
    process.stdout.write(`report: ${path.relative(process.cwd(), options.out)} (plots in ${path.relative(process.cwd(), plotDir)}/)\n`);
  }
  process.stdout.write(`${valueLine(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`sim:value failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

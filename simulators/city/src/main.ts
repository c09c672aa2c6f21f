import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliError, parseCli } from './cli';
import { markdownReport, plots, valueLine } from './report/report';
import { runValue } from './value-run';

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
  const result = await runValue(options.spec, log);
  for (const run of result.runs) {
    const s = run.summary;
    process.stdout.write(
      `${run.policy}: ${s.kmPerDay.toFixed(1)} km/day (${s.depotLegsKmPerDay.toFixed(1)} to and from the depot), ${s.hoursPerRoute.toFixed(2)} h/route, ${s.routesPerDay.toFixed(2)} routes/day, ${s.emptiedPerDay.toFixed(1)} emptied/day, service ${s.servicePct.toFixed(2)} %, ${s.overflowContainerDays} overflow container-days, fill ${s.meanFillAtEmptyingPct.toFixed(1)} %, ${s.unloadsPerDay.toFixed(1)} unloads/day, ${s.co2KgPerDay.toFixed(0)} kg CO2/day, ${run.runtimeS.toFixed(0)} s\n`,
    );
  }
  if (options.out) {
    const dir = path.dirname(options.out);
    const stem = path.basename(options.out, '.md');
    const plotDir = path.join(dir, 'value');
    mkdirSync(plotDir, { recursive: true });
    for (const [name, svg] of Object.entries(plots(result))) writeFileSync(path.join(plotDir, `${stem}-${name}.svg`), svg);
    writeFileSync(path.join(plotDir, `${stem}.json`), `${JSON.stringify({ ...result, runs: result.runs.map((r) => ({ ...r })) }, null, 1)}\n`);
    const args = process.argv.slice(2);
    const command = args.length > 0 ? `npm run sim:value -- ${args.join(' ')}` : 'npm run sim:value';
    writeFileSync(options.out, markdownReport(result, (plot) => `value/${stem}-${plot}.svg`, command));
    process.stdout.write(`report: ${path.relative(process.cwd(), options.out)} (plots in ${path.relative(process.cwd(), plotDir)}/)\n`);
  }
  process.stdout.write(`${valueLine(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`sim:value failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

import { CO2_KG_PER_KM, CO2_SOURCE, FILL_BIN_PCT, FILL_BINS } from '../metrics';
import type { PolicySummary } from '../metrics';
import type { PolicyName } from '../policies/policy';
import type { Spread } from '../statistics';
import type { PolicyAggregate, ValueRunResult } from '../value-run';
import { groupedBarChart, lineChart, POLICY_COLORS, type Series } from './svg';

/** The Groningen study's published figures (shared/data/groningen/RESULTS.md), 4 trucks, mean of 10 seeds. */
export const STUDY = {
  practice: { kmPerDay: 251.2, hoursPerRoute: 6.8, routesPerDay: 4, emptiedPerDay: 250, servicePct: 99.9, fillPct: 48.9, excessL: 1537 },
  isr: { kmPerDay: 146.4, hoursPerRoute: 3.8, routesPerDay: 4, emptiedPerDay: 153.1, servicePct: 99.9, fillPct: 79.9, excessL: 93 },
} as const;

const LABEL: Record<PolicyName, string> = { practice: 'Current practice', fixed: 'Fixed schedule', vulgraad: 'vulgraad' };

const labelOf = (a: PolicyAggregate): string => (a.policy === 'practice' && a.k !== null ? `${LABEL.practice} (K = ${a.k})` : LABEL[a.policy]);
const find = (result: ValueRunResult, policy: PolicyName): PolicyAggregate | undefined => result.aggregates.find((a) => a.policy === policy);

/**
 * The last line `npm run sim:value` prints: means over the reported seeds, practice at the
 * K of the sweep compared (`practice_k`); `ratio` is the mean over the seeds of vulgraad's km
 * over practice's on the same seed, `ratio_sd` its standard deviation.
 */
export function valueLine(result: ValueRunResult): string {
  const practice = find(result, 'practice')?.summary;
  const ours = find(result, 'vulgraad')?.summary;
  const days = result.aggregates[0]?.summary.days.mean ?? 0;
  const km = (v: Spread | undefined): string => (v === undefined ? 'na' : v.mean.toFixed(1));
  const pct = (v: Spread | undefined): string => (v === undefined ? 'na' : v.mean.toFixed(2));
  const ratio = result.ratio ? result.ratio.mean.toFixed(3) : 'na';
  const ratioSd = result.ratio ? result.ratio.sd.toFixed(3) : 'na';
  return `value days=${days} containers=${result.containers} practice_km_per_day=${km(practice?.kmPerDay)} vulgraad_km_per_day=${km(ours?.kmPerDay)} ratio=${ratio} practice_service_pct=${pct(practice?.servicePct)} vulgraad_service_pct=${pct(ours?.servicePct)} seeds=${result.spec.seeds.length} practice_k=${result.sweep ? result.sweep.chosen.k : 'na'} ratio_sd=${ratioSd}`;
}

/** The SVG plots of a run (means over the reported seeds), by file name stem. */
export function plots(result: ValueRunResult): Record<string, string> {
  const shown = result.aggregates;
  const series = (pick: (a: PolicyAggregate) => number[]): Series[] => shown.map((a) => ({ name: labelOf(a), values: pick(a), color: POLICY_COLORS[a.policy] ?? '#000' }));
  const labels = (shown[0]?.meanDays ?? []).map((d) => d.date.slice(5));
  const binLabels = Array.from({ length: FILL_BINS }, (_, k) => (k === FILL_BINS - 1 ? `${k * FILL_BIN_PCT}+` : `${k * FILL_BIN_PCT}`));
  const n = result.spec.seeds.length;
  return {
    'km-per-day': lineChart({ title: `Kilometres driven per day (mean of ${n} seeds)`, xLabel: 'day (month-day)', yLabel: 'km', labels, series: series((a) => a.meanDays.map((d) => d.distanceKm)) }),
    'fill-at-emptying': groupedBarChart({
      title: `How full containers were when emptied (share of emptyings, ${n} seeds)`,
      xLabel: 'fill at emptying, % of capacity (5-point bins; 100 and up = overflowing)',
      yLabel: '% of emptyings',
      categories: binLabels,
      series: series((a) => {
        const total = a.fillHistogram.reduce((s, v) => s + v, 0) || 1;
        return a.fillHistogram.map((v) => (100 * v) / total);
      }),
      yFormat: (v) => `${v}`,
      labelEvery: 2,
    }),
    'service-level': groupedBarChart({
      title: `Overflows (fewer is better; mean of ${n} seeds)`,
      xLabel: '',
      yLabel: 'per 1,000',
      categories: ['overflowing emptyings per 1,000 emptyings', 'container-days over capacity per 1,000 container-days'],
      series: series((a) => {
        const s = a.summary;
        return [
          s.emptyings.mean > 0 ? (1000 * s.overflowEmptyings.mean) / s.emptyings.mean : 0,
          s.days.mean > 0 ? (1000 * s.overflowContainerDays.mean) / (s.days.mean * s.containers.mean) : 0,
        ];
      }),
      yFormat: (v) => (v >= 10 || Number.isInteger(v) ? String(Math.round(v * 10) / 10) : v.toFixed(2)),
      valueLabels: true,
    }),
    'emptied-per-day': lineChart({ title: `Containers emptied per day (mean of ${n} seeds)`, xLabel: 'day (month-day)', yLabel: 'containers', labels, series: series((a) => a.meanDays.map((d) => d.containersEmptied)) }),
  };
}

const f1 = (v: number): string => v.toFixed(1);
const f2 = (v: number): string => v.toFixed(2);
const f3 = (v: number): string => v.toFixed(3);
const f0 = (v: number): string => Math.round(v).toLocaleString('en-GB');

/** "mean ± sd (min-max)" of a spread, each with `format`. */
export function spreadText(s: Spread, format: (v: number) => string, unit = ''): string {
  if (s.n === 1) return `${format(s.mean)}${unit}`;
  return `${format(s.mean)}${unit} ± ${format(s.sd)} (${format(s.min)}-${format(s.max)})`;
}

/** The Markdown report; `plotPath(stem)` is how the report links a plot. */
export function markdownReport(result: ValueRunResult, plotPath: (stem: string) => string, command: string): string {
  const shown = result.aggregates;
  const practice = find(result, 'practice');
  const ours = find(result, 'vulgraad');
  const fixed = find(result, 'fixed');
  const spec = result.spec;
  const n = spec.seeds.length;
  const lines: string[] = [];
  const capacity = spec.setup.truckBodyL === 0 ? 'without truck capacity (as the study)' : 'with truck capacity and trips to the disposal site';
  lines.push(`# Value simulation: ${result.title}, ${capacity}`, '');
  lines.push(`Made by \`${command}\` (${result.finishedAt.slice(0, 10)}; ${f0(result.runtimeS)} s, ${f0(result.cpuS)} s of CPU, on a shared 2-core machine). Last line:`, '', '```', valueLine(result), '```', '');
  lines.push(
    `Every figure is the mean over ${n} reported seed${n === 1 ? '' : 's'} (${spec.seeds.join(', ')}), given as mean ± standard deviation (lowest-highest) where it varies. A seed draws the deposits, the sensors' noise and the solver's random choices; the city is the same for every seed (city seed ${spec.setup.seed}). The solver's budget is ${f0(spec.run.solverIterations)} genetic iterations per plan (one district, one day), a count and not a time, so a busy machine gives the same figures as an idle one.`,
    '',
  );

  lines.push('## In short', '');
  if (practice && ours && result.sweep) {
    const p = practice.summary;
    const o = ours.summary;
    const ratio = result.ratio;
    const kmCut = 100 * (1 - o.kmPerDay.mean / p.kmPerDay.mean);
    const chosen = result.sweep.chosen;
    lines.push(
      `- Compared at the same service, as the study compared: practice empties K clusters a day and was run at K = ${result.sweep.rows.map((r) => r.k).join(', ')}; K = ${chosen.k} is the one whose mean service (${f2(chosen.servicePct)} %) is the lowest at or above vulgraad's (${f2(result.sweep.targetPct)} %)${chosen.reached ? '' : ' - **no K of the sweep reached it**, so this is the K with the highest service, and the comparison favours vulgraad'}.${chosen.reached && chosen.servicePct - result.sweep.targetPct >= 0.05 ? ` **The service is not equal**: even the compared K serves ${f2(chosen.servicePct - result.sweep.targetPct)} points better than vulgraad; a sweep down to lower K would find a cheaper practice at vulgraad's service, so this ratio favours vulgraad.` : ''}`,
      `- Over ${f0(o.days.mean)} days, vulgraad drove **${f1(o.kmPerDay.mean)} km a day** where practice at K = ${chosen.k} drove **${f1(p.kmPerDay.mean)} km**: ${kmCut >= 0 ? `${f1(kmCut)} % less` : `${f1(-kmCut)} % more`}${ratio ? ` (ratio per seed ${spreadText(ratio, f3)})` : ''}, about ${f0(((p.kmPerDay.mean - o.kmPerDay.mean) * CO2_KG_PER_KM * 365) / 1000)} t CO2 a year ${kmCut >= 0 ? 'saved' : 'added'}.`,
      `- Service: ${spreadText(o.servicePct, f2, ' %')} of vulgraad's emptyings found the container not overflowing, against ${spreadText(p.servicePct, f2, ' %')} for practice; counting every day a container was over capacity at any moment, emptied or not: ${f1(o.overflowContainerDays.mean)} container-days a run against ${f1(p.overflowContainerDays.mean)}.`,
      `- vulgraad emptied ${f0(o.emptiedPerDay.mean)} containers a day at ${f0(o.meanFillAtEmptyingPct.mean)} % full on average; practice ${f0(p.emptiedPerDay.mean)} at ${f0(p.meanFillAtEmptyingPct.mean)} %. Routes took ${f1(o.hoursPerRoute.mean)} h against ${f1(p.hoursPerRoute.mean)} h.`,
    );
    if (p.unloadsPerDay.mean > 0) {
      lines.push(
        `- Trucks fill up: vulgraad's unloaded ${f1(o.unloadsPerDay.mean)} times a day at the disposal site, practice's ${f1(p.unloadsPerDay.mean)}. Each load needs a trip there whatever the policy, since both carry the same waste; these trips are a larger share of vulgraad's shorter days, so the saving is smaller than with trucks that never fill up.`,
      );
    }
  }
  if (fixed) lines.push(`- A fixed weekly schedule drove ${f1(fixed.summary.kmPerDay.mean)} km a day at ${f2(fixed.summary.servicePct.mean)} % service.`);
  lines.push('', 'On each seed every policy faced exactly the same deposits (the same random numbers), the same trucks, the same roads and the same route solver with the same budget; only the choice of which containers to empty, and when, differs.', '');

  lines.push('## How the settings were chosen', '');
  const tuning = result.tuning;
  if (tuning) {
    lines.push(
      `vulgraad's risk level was chosen on the tuning seeds ${tuning.seeds.join(', ')}, none of which is reported: the fewest km a day among the levels whose mean service reached ${f2(tuning.targetPct)} %.`,
      '',
      '| risk level | km per day | service |',
      '|---|---|---|',
      ...tuning.candidates.map((c) => `| ${c.riskLevel}${c.riskLevel === tuning.chosen.riskLevel ? ' (chosen)' : ''} | ${f1(c.kmPerDay)} ± ${f1(c.kmSd)} | ${f2(c.servicePct)} ± ${f2(c.serviceSd)} % |`),
      '',
      tuning.chosen.reached ? `Chosen: ${tuning.chosen.riskLevel}.` : `No level reached the target; the one with the highest service (${tuning.chosen.riskLevel}) was taken.`,
      '',
    );
  } else {
    lines.push(`No setting was tuned in this run: vulgraad ran with the risk level it was given (${spec.settings.vulgraad?.riskLevel ?? 'the default'}); tuning seeds ${spec.tuningSeeds.join(', ') || '(none)'} are kept apart from the reported ones all the same.`, '');
  }
  lines.push(
    'The other settings of vulgraad (optional stops, costs, zones) are listed under "What was compared"; the defaults among them were set in earlier single-seed runs on seeds 1 and 2 (bench/RESULTS.md), which are tuning seeds and never reported seeds.',
    '',
  );
  if (result.sweep) {
    const sw = result.sweep;
    lines.push(
      `Practice's K was swept on the reported seeds, as the study did, and every K is shown; taking the cheapest K that matches vulgraad's service on the very seeds reported favours practice.`,
      '',
      '| practice K | km per day | service | container-days over capacity | fill at emptying |',
      '|---|---|---|---|---|',
      ...sw.rows.map((r) => `| ${r.k}${r.k === sw.chosen.k ? ' (compared)' : ''} | ${spreadText(r.summary.kmPerDay, f1)} | ${spreadText(r.summary.servicePct, f2, ' %')} | ${spreadText(r.summary.overflowContainerDays, f1)} | ${f1(r.summary.meanFillAtEmptyingPct.mean)} % |`),
      ...(ours ? [`| vulgraad | ${spreadText(ours.summary.kmPerDay, f1)} | ${spreadText(ours.summary.servicePct, f2, ' %')} | ${spreadText(ours.summary.overflowContainerDays, f1)} | ${f1(ours.summary.meanFillAtEmptyingPct.mean)} % |`] : []),
      '',
    );
  }

  lines.push('## What was compared', '');
  for (const a of shown) {
    lines.push(`**${labelOf(a)}**`, '');
    for (const d of a.description) lines.push(`- ${d}`);
    lines.push('');
  }

  lines.push('## The city and the assumptions', '');
  lines.push(`- ${result.containers} clusters (${result.pits} pits), ${f0(result.depositsPerDay)} deposits a day, ${result.trucks} trucks in ${result.districts} district(s).`);
  for (const a of result.assumptions) lines.push(`- ${a}`);
  lines.push(
    `- Horizon: ${spec.run.warmupDays} warm-up days (not counted: containers settle, the forecast learns) then ${spec.run.days} measured days from ${spec.run.startDate}; ${n} reported seeds; solver budget ${f0(spec.run.solverIterations)} genetic iterations per plan (per district and day).`,
    `- Containers start between 0 and 80 % full. A container is emptied when the truck arrives; its volume at that moment is what the crew finds. Overflowing waste stays counted until emptied.`,
    `- CO2: ${CO2_SOURCE}`,
    '',
  );

  lines.push('## Results', '', `Mean ± standard deviation (lowest-highest) over the ${n} reported seeds.`, '');
  const header = ['', ...shown.map(labelOf)];
  const row = (name: string, pick: (s: Record<keyof PolicySummary, Spread>, a: PolicyAggregate) => string): string => `| ${name} | ${shown.map((a) => pick(a.summary, a)).join(' | ')} |`;
  lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
  lines.push(
    row('km per day', (s) => spreadText(s.kmPerDay, f1)),
    row('of which legs leaving or reaching the depot', (s) => spreadText(s.depotLegsKmPerDay, f1)),
    row('km per day vs practice (means)', (s) => (practice ? `${f1((100 * s.kmPerDay.mean) / practice.summary.kmPerDay.mean)} %` : '')),
    row('hours per route (breaks in, waiting for a break out)', (s) => spreadText(s.hoursPerRoute, f2)),
    row('routes per day', (s) => spreadText(s.routesPerDay, f2)),
    row('containers emptied per day', (s) => spreadText(s.emptiedPerDay, f1)),
    row('service level: emptyings without overflow', (s) => spreadText(s.servicePct, f2, ' %')),
    row('overflowing emptyings (per run)', (s) => spreadText(s.overflowEmptyings, f1)),
    row('container-days over capacity at any moment (per run)', (s) => spreadText(s.overflowContainerDays, f1)),
    row('mean fill at emptying', (s) => spreadText(s.meanFillAtEmptyingPct, f1, ' %')),
    row('litres over capacity per overflowing emptying', (s) => spreadText(s.excessLPerOverflow, f0)),
    row('unloadings at the disposal site per day', (s) => spreadText(s.unloadsPerDay, f2)),
    row('of which forced by a full truck', (s) => spreadText(s.forcedUnloadsPerDay, f2)),
    row('returns to the depot for a break per day', (s) => spreadText(s.breakReturnsPerDay, f2)),
    row('stops after the access window closed per day', (s) => spreadText(s.lateStopsPerDay, f2)),
    row('wanted but not placed in a route per day', (s) => spreadText(s.unassignedPerDay, f2)),
    row('clusters never emptied in the measured days', (s) => spreadText(s.neverEmptied, f1)),
    row(`CO2 per day (${CO2_KG_PER_KM} kg/km)`, (s) => `${f0(s.co2KgPerDay.mean)} kg`),
    row('solver seconds per day (wall clock, for information)', (s) => f1(s.solveSecondsPerDay.mean)),
    row('simulation run time per seed (wall clock)', (_s, a) => `${f0(a.runtimeS.mean)} s`),
    '',
  );

  if (result.city === 'groningen-like') {
    lines.push('## Against the study', '');
    lines.push('The Groningen study (Wouda, Aerts-Veenstra & van Foreest 2024) with 4 trucks, mean of 10 seeds, trucks of unlimited capacity:', '');
    lines.push('| | km/day | h/route | emptied/day | service | fill at emptying |', '|---|---|---|---|---|---|');
    lines.push(`| study: practice (K = 250) | ${STUDY.practice.kmPerDay} | ${STUDY.practice.hoursPerRoute} | ${STUDY.practice.emptiedPerDay} | ${STUDY.practice.servicePct} % | ${STUDY.practice.fillPct} % |`);
    if (practice) lines.push(`| here: practice (K = ${practice.k}) | ${f1(practice.summary.kmPerDay.mean)} | ${f1(practice.summary.hoursPerRoute.mean)} | ${f1(practice.summary.emptiedPerDay.mean)} | ${f2(practice.summary.servicePct.mean)} % | ${f1(practice.summary.meanFillAtEmptyingPct.mean)} % |`);
    lines.push(`| study: ISR (rho = 1024 km) | ${STUDY.isr.kmPerDay} | ${STUDY.isr.hoursPerRoute} | ${STUDY.isr.emptiedPerDay} | ${STUDY.isr.servicePct} % | ${STUDY.isr.fillPct} % |`);
    if (ours) lines.push(`| here: vulgraad | ${f1(ours.summary.kmPerDay.mean)} | ${f1(ours.summary.hoursPerRoute.mean)} | ${f1(ours.summary.emptiedPerDay.mean)} | ${f2(ours.summary.servicePct.mean)} % | ${f1(ours.summary.meanFillAtEmptyingPct.mean)} % |`);
    lines.push('', `Study ratio ISR / practice at K = 250 (both at 99.9 %): ${(STUDY.isr.kmPerDay / STUDY.practice.kmPerDay).toFixed(3)}.${result.ratio ? ` Here, at equal service: ${f3(result.ratio.mean)}.` : ''}`);
    if (practice) lines.push(`Our practice at K = ${practice.k} drives ${f1(practice.summary.kmPerDay.mean)} km a day; the study's at K = 250, ${STUDY.practice.kmPerDay}${spec.setup.truckBodyL === 0 ? '' : ' (the study had no truck capacity, so compare the run without it)'}.`);
    lines.push('');
  }

  lines.push('## Plots', '', `Means over the ${n} reported seeds; practice at K = ${practice?.k ?? 'na'}.`, '');
  lines.push(`![Kilometres per day](${plotPath('km-per-day')})`, '');
  lines.push(`![Fill at emptying](${plotPath('fill-at-emptying')})`, '');
  lines.push(`![Overflows per 1,000 emptyings and per 1,000 container-days](${plotPath('service-level')})`, '');
  lines.push(`![Containers emptied per day](${plotPath('emptied-per-day')})`, '');

  lines.push('## Caveats', '');
  lines.push(
    '- The deposits are simulated: a Poisson process with a fixed daily curve and no weather, holidays, events or illegal dumping; real demand varies more from day to day, which would make every policy less certain (practice least, since it does not look at the containers).',
    '- The practice policy knows each cluster\'s true mean deposit rate (the study gave it rates from a quarter of data); vulgraad learns rates from its own noisy sensors within the warm-up, so it starts with less knowledge than it would after months of use.',
    '- Sensors never fail in these runs (no silence, stuck values or spikes); the planner handles them, but their cost in extra emptyings is not measured here.',
    '- Travel is a matrix of a fixed speed per road (no traffic, no time of day); turning, parking and the crane are in the handling time.',
    `- The spread over ${n} seeds is given with every figure: a difference smaller than it is within the noise of the simulation.`,
    '',
  );

  lines.push('## Volume balance (whole run, warm-up included, first reported seed)', '');
  lines.push('Litres at the start plus litres deposited equal litres emptied plus litres left in containers; what the trucks unloaded plus what they still carry equals what they emptied.', '');
  lines.push('| | start | deposited | emptied (of which over capacity) | left in containers | unloaded + on board |', '|---|---|---|---|---|---|');
  const firstSeed = spec.seeds[0];
  for (const a of shown) {
    const b = result.runs.find((r) => r.seed === firstSeed && r.run.policy === a.policy && r.k === a.k)?.run.balance;
    if (b) lines.push(`| ${labelOf(a)} | ${f0(b.initialL)} | ${f0(b.depositedL)} (${f0(b.deposits)} deposits) | ${f0(b.emptiedL)} (${f0(b.overflowAtEmptyingL)}) | ${f0(b.remainingL)} | ${f0(b.unloadedL + b.onBoardAtEndL)} |`);
  }
  lines.push('');
  const noteLines = shown.filter((a) => Object.keys(a.notes).length > 0).map((a) => `- ${labelOf(a)}: ${Object.entries(a.notes).map(([k, v]) => `${k} ${f0(v)}`).join(', ')}`);
  if (noteLines.length > 0) lines.push(`## Counters (summed over the ${n} seeds)`, '', ...noteLines, '');
  return lines.join('\n');
}

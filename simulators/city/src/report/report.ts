import { CO2_KG_PER_KM, CO2_SOURCE, FILL_BIN_PCT, FILL_BINS } from '../metrics';
import type { PolicyName } from '../policies/policy';
import type { PolicyRun } from '../simulation';
import type { ValueRunResult } from '../value-run';
import { groupedBarChart, lineChart, POLICY_COLORS, type Series } from './svg';

/** The Groningen study's published figures (shared/data/groningen/RESULTS.md), 4 trucks, mean of 10 seeds. */
export const STUDY = {
  practice: { kmPerDay: 251.2, hoursPerRoute: 6.8, routesPerDay: 4, emptiedPerDay: 250, servicePct: 99.9, fillPct: 48.9, excessL: 1537 },
  isr: { kmPerDay: 146.4, hoursPerRoute: 3.8, routesPerDay: 4, emptiedPerDay: 153.1, servicePct: 99.9, fillPct: 79.9, excessL: 93 },
} as const;

const LABEL: Record<PolicyName, string> = { practice: 'Current practice', fixed: 'Fixed schedule', vulgraad: 'vulgraad' };

/** The last line `npm run sim:value` prints. */
export function valueLine(result: ValueRunResult): string {
  const practice = result.runs.find((r) => r.policy === 'practice')?.summary;
  const ours = result.runs.find((r) => r.policy === 'vulgraad')?.summary;
  const days = result.runs[0]?.summary.days ?? 0;
  const km = (v: number | undefined): string => (v === undefined ? 'na' : v.toFixed(1));
  const pct = (v: number | undefined): string => (v === undefined ? 'na' : v.toFixed(2));
  const ratio = practice && ours && practice.kmPerDay > 0 ? (ours.kmPerDay / practice.kmPerDay).toFixed(3) : 'na';
  return `value days=${days} containers=${result.containers} practice_km_per_day=${km(practice?.kmPerDay)} vulgraad_km_per_day=${km(ours?.kmPerDay)} ratio=${ratio} practice_service_pct=${pct(practice?.servicePct)} vulgraad_service_pct=${pct(ours?.servicePct)}`;
}

/** The SVG plots of a run, by file name stem. */
export function plots(result: ValueRunResult): Record<string, string> {
  const runs = result.runs;
  const series = (pick: (r: PolicyRun) => number[]): Series[] => runs.map((r) => ({ name: LABEL[r.policy], values: pick(r), color: POLICY_COLORS[r.policy] ?? '#000' }));
  const labels = (runs[0]?.days ?? []).map((d) => d.date.slice(5));
  const binLabels = Array.from({ length: FILL_BINS }, (_, k) => (k === FILL_BINS - 1 ? `${k * FILL_BIN_PCT}+` : `${k * FILL_BIN_PCT}`));
  return {
    'km-per-day': lineChart({ title: 'Kilometres driven per day', xLabel: 'day (month-day)', yLabel: 'km', labels, series: series((r) => r.days.map((d) => d.distanceKm)) }),
    'fill-at-emptying': groupedBarChart({
      title: 'How full containers were when emptied (share of emptyings)',
      xLabel: 'fill at emptying, % of capacity (5-point bins; 100 and up = overflowing)',
      yLabel: '% of emptyings',
      categories: binLabels,
      series: series((r) => {
        const total = r.fillHistogram.reduce((s, v) => s + v, 0) || 1;
        return r.fillHistogram.map((v) => (100 * v) / total);
      }),
      yFormat: (v) => `${v}`,
      labelEvery: 2,
    }),
    'service-level': groupedBarChart({
      title: 'Overflows (fewer is better)',
      xLabel: '',
      yLabel: 'per 1,000',
      categories: ['overflowing emptyings per 1,000 emptyings', 'container-days over capacity per 1,000 container-days'],
      series: series((r) => [
        r.summary.emptyings > 0 ? (1000 * r.summary.overflowEmptyings) / r.summary.emptyings : 0,
        r.summary.days > 0 ? (1000 * r.summary.overflowContainerDays) / (r.summary.days * r.summary.containers) : 0,
      ]),
      yFormat: (v) => (v >= 10 || Number.isInteger(v) ? String(Math.round(v * 10) / 10) : v.toFixed(2)),
      valueLabels: true,
    }),
    'emptied-per-day': lineChart({ title: 'Containers emptied per day', xLabel: 'day (month-day)', yLabel: 'containers', labels, series: series((r) => r.days.map((d) => d.containersEmptied)) }),
  };
}

const f1 = (v: number): string => v.toFixed(1);
const f2 = (v: number): string => v.toFixed(2);
const f0 = (v: number): string => Math.round(v).toLocaleString('en-GB');

/** The Markdown report; `plotPath(stem)` is how the report links a plot. */
export function markdownReport(result: ValueRunResult, plotPath: (stem: string) => string, command: string): string {
  const runs = result.runs;
  const practice = runs.find((r) => r.policy === 'practice');
  const ours = runs.find((r) => r.policy === 'vulgraad');
  const spec = result.spec;
  const lines: string[] = [];
  const capacity = spec.setup.truckBodyL === 0 ? 'without truck capacity (as the study)' : 'with truck capacity and trips to the disposal site';
  lines.push(`# Value simulation: ${result.title}, ${capacity}`, '');
  lines.push(`Made by \`${command}\` (${result.finishedAt.slice(0, 10)}; ${f0(result.runtimeS)} s on a shared 2-core machine). Last line:`, '', '```', valueLine(result), '```', '');

  lines.push('## In short', '');
  if (practice && ours) {
    const p = practice.summary;
    const o = ours.summary;
    const kmCut = 100 * (1 - o.kmPerDay / p.kmPerDay);
    lines.push(
      `- Over ${o.days} days, vulgraad drove **${f1(o.kmPerDay)} km a day** where today's practice drove **${f1(p.kmPerDay)} km**: ${kmCut >= 0 ? `${f1(kmCut)} % less` : `${f1(-kmCut)} % more`} (ratio ${(o.kmPerDay / p.kmPerDay).toFixed(3)}), about ${f0((p.kmPerDay - o.kmPerDay) * CO2_KG_PER_KM * 365 / 1000)} t CO2 a year ${kmCut >= 0 ? 'saved' : 'added'}.`,
      `- Service: ${f2(o.servicePct)} % of vulgraad's emptyings found the container not overflowing, against ${f2(p.servicePct)} % for practice; counting every day a container was over capacity at any moment, emptied or not: ${o.overflowContainerDays} container-days against ${p.overflowContainerDays}.`,
      `- vulgraad emptied ${f0(o.emptiedPerDay)} containers a day at ${f0(o.meanFillAtEmptyingPct)} % full on average; practice ${f0(p.emptiedPerDay)} at ${f0(p.meanFillAtEmptyingPct)} %. Routes took ${f1(o.hoursPerRoute)} h against ${f1(p.hoursPerRoute)} h.`,
    );
    if (p.unloadsPerDay > 0) {
      lines.push(
        `- Trucks fill up: vulgraad's unloaded ${f1(o.unloadsPerDay)} times a day at the disposal site, practice's ${f1(p.unloadsPerDay)}. Each load needs a trip there whatever the policy, since both carry the same waste; these trips are a larger share of vulgraad's shorter days, so the saving is smaller than with trucks that never fill up.`,
      );
    }
    const fixed = runs.find((r) => r.policy === 'fixed');
    if (fixed) lines.push(`- A fixed weekly schedule drove ${f1(fixed.summary.kmPerDay)} km a day at ${f2(fixed.summary.servicePct)} % service.`);
  }
  lines.push('', 'Every policy faced exactly the same deposits (the same random numbers), the same trucks, the same roads and the same route solver; only the choice of which containers to empty, and when, differs.', '');

  lines.push('## What was compared', '');
  for (const r of runs) {
    lines.push(`**${LABEL[r.policy]}**`, '');
    for (const d of r.description) lines.push(`- ${d}`);
    lines.push('');
  }

  lines.push('## The city and the assumptions', '');
  lines.push(`- ${result.containers} clusters (${result.pits} pits), ${f0(result.depositsPerDay)} deposits a day, ${result.trucks} trucks in ${result.districts} district(s).`);
  for (const a of result.assumptions) lines.push(`- ${a}`);
  lines.push(
    `- Horizon: ${spec.run.warmupDays} warm-up days (not counted: containers settle, the forecast learns) then ${spec.run.days} measured days from ${spec.run.startDate}; seed ${spec.run.seed}; solver budget ${f1(spec.run.timeLimitMs / 1000)} s per plan (per district and day).`,
    `- Containers start between 0 and 80 % full. A container is emptied when the truck arrives; its volume at that moment is what the crew finds. Overflowing waste stays counted until emptied.`,
    `- CO2: ${CO2_SOURCE}`,
    '',
  );

  lines.push('## Results', '');
  const header = ['', ...runs.map((r) => LABEL[r.policy])];
  const row = (name: string, pick: (r: PolicyRun) => string): string => `| ${name} | ${runs.map(pick).join(' | ')} |`;
  lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
  lines.push(
    row('km per day', (r) => f1(r.summary.kmPerDay)),
    row('of which legs leaving or reaching the depot', (r) => f1(r.summary.depotLegsKmPerDay)),
    row('km per day vs practice', (r) => (practice ? `${f1((100 * r.summary.kmPerDay) / practice.summary.kmPerDay)} %` : '')),
    row('hours per route (breaks in, waiting for a break out)', (r) => f2(r.summary.hoursPerRoute)),
    row('routes per day', (r) => f2(r.summary.routesPerDay)),
    row('containers emptied per day', (r) => f1(r.summary.emptiedPerDay)),
    row('service level: emptyings without overflow', (r) => `${f2(r.summary.servicePct)} %`),
    row('overflowing emptyings (total)', (r) => String(r.summary.overflowEmptyings)),
    row('container-days over capacity at any moment (total)', (r) => String(r.summary.overflowContainerDays)),
    row('mean fill at emptying', (r) => `${f1(r.summary.meanFillAtEmptyingPct)} %`),
    row('litres over capacity per overflowing emptying', (r) => f0(r.summary.excessLPerOverflow)),
    row('unloadings at the disposal site per day (forced by a full truck)', (r) => `${f2(r.summary.unloadsPerDay)} (${f2(r.summary.forcedUnloadsPerDay)})`),
    row('returns to the depot for a break per day', (r) => f2(r.summary.breakReturnsPerDay)),
    row('stops after the access window closed per day', (r) => f2(r.summary.lateStopsPerDay)),
    row('wanted but not placed in a route per day', (r) => f2(r.summary.unassignedPerDay)),
    row('clusters never emptied in the measured days', (r) => String(r.summary.neverEmptied)),
    row(`CO2 per day (${CO2_KG_PER_KM} kg/km)`, (r) => `${f0(r.summary.co2KgPerDay)} kg`),
    row('solver seconds per day', (r) => f1(r.summary.solveSecondsPerDay)),
    row('simulation run time', (r) => `${f0(r.runtimeS)} s`),
    '',
  );

  if (result.city === 'groningen-like') {
    lines.push('## Against the study', '');
    lines.push('The Groningen study (Wouda, Aerts-Veenstra & van Foreest 2024) with 4 trucks, mean of 10 seeds, trucks of unlimited capacity:', '');
    lines.push('| | km/day | h/route | emptied/day | service | fill at emptying |', '|---|---|---|---|---|---|');
    lines.push(`| study: practice (K = 250) | ${STUDY.practice.kmPerDay} | ${STUDY.practice.hoursPerRoute} | ${STUDY.practice.emptiedPerDay} | ${STUDY.practice.servicePct} % | ${STUDY.practice.fillPct} % |`);
    if (practice) lines.push(`| here: practice | ${f1(practice.summary.kmPerDay)} | ${f1(practice.summary.hoursPerRoute)} | ${f1(practice.summary.emptiedPerDay)} | ${f2(practice.summary.servicePct)} % | ${f1(practice.summary.meanFillAtEmptyingPct)} % |`);
    lines.push(`| study: ISR (rho = 1024 km) | ${STUDY.isr.kmPerDay} | ${STUDY.isr.hoursPerRoute} | ${STUDY.isr.emptiedPerDay} | ${STUDY.isr.servicePct} % | ${STUDY.isr.fillPct} % |`);
    if (ours) lines.push(`| here: vulgraad | ${f1(ours.summary.kmPerDay)} | ${f1(ours.summary.hoursPerRoute)} | ${f1(ours.summary.emptiedPerDay)} | ${f2(ours.summary.servicePct)} % | ${f1(ours.summary.meanFillAtEmptyingPct)} % |`);
    lines.push('', `Study ratio ISR / practice: ${(STUDY.isr.kmPerDay / STUDY.practice.kmPerDay).toFixed(3)}.${practice && ours ? ` Here: ${(ours.summary.kmPerDay / practice.summary.kmPerDay).toFixed(3)}.` : ''}`);
    if (practice) lines.push(`Our practice drives ${f1((100 * (practice.summary.kmPerDay - STUDY.practice.kmPerDay)) / STUDY.practice.kmPerDay)} % ${practice.summary.kmPerDay >= STUDY.practice.kmPerDay ? 'more' : 'less'} than the study's practice${spec.setup.truckBodyL === 0 ? ' in the same setting' : '; the study had no truck capacity, so compare the run without it'}.`);
    lines.push('');
  }

  lines.push('## Plots', '');
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
    '- One seed: differences of a few per cent in km, or single overflows, are within the noise of a run. The study averaged 10 seeds.',
    '',
  );

  lines.push('## Volume balance (whole run, warm-up included)', '');
  lines.push('Litres at the start plus litres deposited equal litres emptied plus litres left in containers; what the trucks unloaded plus what they still carry equals what they emptied.', '');
  lines.push('| | start | deposited | emptied (of which over capacity) | left in containers | unloaded + on board |', '|---|---|---|---|---|---|');
  for (const r of runs) {
    const b = r.balance;
    lines.push(`| ${LABEL[r.policy]} | ${f0(b.initialL)} | ${f0(b.depositedL)} (${f0(b.deposits)} deposits) | ${f0(b.emptiedL)} (${f0(b.overflowAtEmptyingL)}) | ${f0(b.remainingL)} | ${f0(b.unloadedL + b.onBoardAtEndL)} |`);
  }
  lines.push('');
  const noteLines = runs.filter((r) => Object.keys(r.notes).length > 0).map((r) => `- ${LABEL[r.policy]}: ${Object.entries(r.notes).map(([k, v]) => `${k} ${f0(v)}`).join(', ')}`);
  if (noteLines.length > 0) lines.push('## Counters', '', ...noteLines, '');
  return lines.join('\n');
}

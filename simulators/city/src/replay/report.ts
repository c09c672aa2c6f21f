import type { ForecastOptions } from '@vulgraad/forecasting';
import { groupedBarChart, lineChart, POLICY_COLORS } from '../report/svg';
import { TUNING_SEEDS, type ReplayCliOptions } from './cli';
import { DENSITY_KG_PER_L, MEAN_DEPOSIT_L } from './deposits';
import type { DayFigures, SeedResult, SolverBudget } from './replay';
import { SENSOR_FAULTS } from './sensors';
import { CO2_KG_PER_KM, CO2_SOURCE, meanSd, type PolicySummary, type SeedSummary } from './summary';
import { FLEET, type ReplayWorld } from './world';

export interface ReplayReportInput {
  world: ReplayWorld;
  options: ReplayCliOptions;
  seeds: SeedSummary[];
  raw: SeedResult[];
  line: string;
  command: string;
  /** The fill forecast's options the vulgraad plans used. */
  forecast: ForecastOptions;
  cpuS: number;
  load: [number[], number[]];
  /** Path of each plot relative to the report, by name. */
  plots: Record<string, string>;
}

const COLORS = { recorded: POLICY_COLORS.practice as string, vulgraad: POLICY_COLORS.vulgraad as string };

const f0 = (v: number): string => v.toFixed(0);
const f1 = (v: number): string => v.toFixed(1);
const f2 = (v: number): string => v.toFixed(2);
const f3 = (v: number): string => v.toFixed(3);

/** The replay report: what a council member reads first, then how it was made. */
export function replayMarkdown(input: ReplayReportInput): string {
  const { world, options, seeds } = input;
  const ms = (g: (s: SeedSummary) => number): { mean: number; sd: number; min: number; max: number } => meanSd(seeds.map(g));
  const both = (g: (p: PolicySummary) => number, fmt: (v: number) => string): [string, string] => {
    const r = ms((s) => g(s.recorded));
    const v = ms((s) => g(s.vulgraad));
    return [`${fmt(r.mean)}${seeds.length > 1 ? ` ± ${fmt(r.sd)}` : ''}`, `${fmt(v.mean)}${seeds.length > 1 ? ` ± ${fmt(v.sd)}` : ''}`];
  };
  const row = (label: string, g: (p: PolicySummary) => number, fmt: (v: number) => string): string => {
    const [r, v] = both(g, fmt);
    return `| ${label} | ${r} | ${v} |`;
  };
  const km = ms((s) => s.kmRatio);
  const hours = ms((s) => s.hoursRatio);
  const lifts = ms((s) => s.liftsRatio);
  const vService = ms((s) => s.vulgraad.servicePct);
  const rService = ms((s) => s.recorded.servicePct);
  const days = seeds[0]?.recorded.days ?? 0;
  const target = (name: string, value: number, limit: number, below: boolean): string => `${name} ${f3(value)} (target ${below ? '<=' : '>='} ${limit}: ${(below ? value <= limit : value >= limit) ? 'met' : 'not met'})`;
  const tuning = options.tuning;
  const s = options.settings;
  const lines: string[] = [
    `# Replay of Amsterdam's recorded residual collection${tuning ? ' (TUNING SEEDS: not a reported result)' : ''}`,
    '',
    `Made by \`${input.command}\`: ${world.record.dates[0]} to ${world.record.dates.at(-1)} (${world.record.dates.length} days, the first ${options.warmupDays} a warm-up driven as recorded by both), ${world.containers.length} clusters, ${seeds.length} seed${seeds.length === 1 ? '' : 's'} (${seeds.map((x) => x.seed).join(', ')}), solver budget ${budgetText(options.budget)} per plan (re-plans during the day included), vulgraad ${options.replan === false ? 'planning once at 06:00 (`--no-replan`)' : 're-planning during the day on the alert rules as the service does'}. ${f0(input.cpuS)} s of CPU; load average ${input.load[0].map(f1).join(' ')} at the start, ${input.load[1].map(f1).join(' ')} at the end.`,
    '',
    '```',
    input.line,
    '```',
    '',
    '## In short',
    '',
    `Over ${days} measured days, on the same deposits, fleet and roads, the planner as the service runs it (sensors in every cluster, with faults) against exactly the clusters the city emptied each day, routed by our own solver (mean over the seeds ± standard deviation):`,
    '',
    `- **Lifts**: ${f1(ms((x) => x.vulgraad.liftsPerDay).mean)} a day against ${f1(ms((x) => x.recorded.liftsPerDay).mean)}: ${target('lifts_ratio', lifts.mean, 0.6, true)}, ± ${f3(lifts.sd)}. Containers are emptied ${f0(ms((x) => x.vulgraad.meanFillPct).mean)} % full on average against ${f0(ms((x) => x.recorded.meanFillPct).mean)} %.`,
    `- **Truck-hours** (driving, lifting, unloading): ${f1(ms((x) => x.vulgraad.hoursPerDay).mean)} a day against ${f1(ms((x) => x.recorded.hoursPerDay).mean)}: ${target('hours_ratio', hours.mean, 0.7, true)}, ± ${f3(hours.sd)}.`,
    `- **Kilometres**: ${f0(ms((x) => x.vulgraad.kmPerDay).mean)} a day against ${f0(ms((x) => x.recorded.kmPerDay).mean)}: ${target('km_ratio', km.mean, 0.8, true)}, ± ${f3(km.sd)}; of them to and from the AEB plant ${f0(ms((x) => x.vulgraad.disposalKmPerDay).mean)} against ${f0(ms((x) => x.recorded.disposalKmPerDay).mean)}. CO2: ${f0(ms((x) => x.vulgraad.co2KgPerDay).mean)} against ${f0(ms((x) => x.recorded.co2KgPerDay).mean)} kg a day.`,
    `- **Tonnes**: vulgraad collected ${f1(ms((x) => x.vulgraad.tonnesPerDay).mean)} t a day against ${f1(ms((x) => x.recorded.tonnesPerDay).mean)} t, and left ${f0(ms((x) => x.vulgraad.tonnesLeftAtEnd - x.recorded.tonnesLeftAtEnd).mean)} t more in the clusters at the end: emptying fuller clusters builds up a standing stock once, which a month counts as tonnes not yet carried. Per tonne collected it drove ${f2(ms((x) => x.vulgraad.kmPerTonne).mean)} km against ${f2(ms((x) => x.recorded.kmPerTonne).mean)} (ratio ${f3(ms((x) => x.vulgraad.kmPerTonne / x.recorded.kmPerTonne).mean)}): most of the km saving of this month is that stock, not shorter driving; the lifts and the hours at clusters are real savings.`,
    `- **Service** (emptyings without overflow): vulgraad ${f2(vService.mean)} % (± ${f2(vService.sd)}), the record ${f2(rService.mean)} % (± ${f2(rService.sd)}): ${vService.mean >= 99.9 && vService.mean >= rService.mean ? 'the target (>= 99.9 % and no lower than the record) is met' : `the target (>= 99.9 % and no lower than the record's ${f2(rService.mean)} %) is **not met**`}. Cluster-days over capacity: ${f1(ms((x) => x.vulgraad.clusterDaysOver).mean)} against ${f1(ms((x) => x.recorded.clusterDaysOver).mean)} (of ${world.containers.length * days}).`,
    '',
    `![km per day](${input.plots.days})`,
    '',
    `![lifts per day](${input.plots.lifts})`,
    '',
    `![where the kilometres and hours go](${input.plots.split})`,
    '',
    '## Figures (per day, mean over the seeds ± standard deviation)',
    '',
    '| | recorded practice | vulgraad |',
    '|---|---|---|',
    row('km', (p) => p.kmPerDay, f1),
    row('  of which to and from the AEB plant', (p) => p.disposalKmPerDay, f1),
    row('  of which out of and back to the depots', (p) => p.depotKmPerDay, f1),
    row('  of which between clusters', (p) => p.otherKmPerDay, f1),
    row('truck-hours (driving + lifting + unloading)', (p) => p.hoursPerDay, f1),
    row('  driving', (p) => p.drivingHPerDay, f1),
    row('  at clusters (positioning and lifts)', (p) => p.liftingHPerDay, f1),
    row('  unloading at the AEB plant', (p) => p.unloadingHPerDay, f1),
    row('breaks (not in truck-hours)', (p) => p.breakHPerDay, f1),
    row('lifts (containers emptied)', (p) => p.liftsPerDay, f1),
    row('cluster visits', (p) => p.emptyingsPerDay, f1),
    row('tonnes collected', (p) => p.tonnesPerDay, f1),
    row('km per tonne collected', (p) => p.kmPerTonne, f2),
    row('tonnes left in the clusters at the end (all days)', (p) => p.tonnesLeftAtEnd, f0),
    row('kg per lift', (p) => p.kgPerLift, f0),
    row('fill at emptying, mean %', (p) => p.meanFillPct, f1),
    row('fill at emptying, median %', (p) => p.medianFillPct, f1),
    row('service: emptyings without overflow %', (p) => p.servicePct, f2),
    row('emptyings with overflow (all days)', (p) => p.overflowEmptyings, f1),
    row('cluster-days over capacity (all days)', (p) => p.clusterDaysOver, f1),
    row('cluster-days not over capacity %', (p) => p.clusterDayServicePct, f2),
    row('trucks out', (p) => p.trucksPerDay, f1),
    row('unloadings', (p) => p.unloadsPerDay, f1),
    row('unloadings forced mid-plan by a full truck (all days)', (p) => p.forcedUnloads, f1),
    row('clusters left unplaced (all days)', (p) => p.unplaced, f1),
    row('re-plans during the day on the alerts', (p) => p.replansPerDay, f1),
    row('cluster stops those re-plans added', (p) => p.replanStopsAddedPerDay, f1),
    row('re-plans the solver refused (all days)', (p) => p.replansFailed, f1),
    row('faults found by the independent day check (all days)', (p) => p.checkFaults, f0),
    row(`CO2 kg (${CO2_KG_PER_KM} kg/km)`, (p) => p.co2KgPerDay, f0),
    '',
    '### Per seed',
    '',
    '| seed | km ratio | hours ratio | lifts ratio | vulgraad service % | record service % | vulgraad cluster-days over | record cluster-days over |',
    '|---|---|---|---|---|---|---|---|',
    ...seeds.map((x) => `| ${x.seed} | ${f3(x.kmRatio)} | ${f3(x.hoursRatio)} | ${f3(x.liftsRatio)} | ${f2(x.vulgraad.servicePct)} | ${f2(x.recorded.servicePct)} | ${x.vulgraad.clusterDaysOver} | ${x.recorded.clusterDaysOver} |`),
    ...replanDays(input.raw),
    '',
    '## How the replay works',
    '',
    '### The record',
    `- The weighings file \`${options.weighings.replace(/^.*\/shared\//, '../shared/')}\`: ${world.record.weighings} weighings${world.record.skipped > 0 ? ` (${world.record.skipped} rows without a number as weight skipped)` : ''}. Its times end in \`Z\` but are local (Europe/Amsterdam; the data's PROVENANCE.md): they are read as local times.`,
    `- Weighings of one cluster less than 60 minutes apart are one visit (one weighing per container lifted). A weighing is a lift; weights <= 0 count as lifts of 0 kg.`,
    ...world.notes.map((n) => `- ${n}`),
    '',
    '### Capacity, deposits and overflow',
    '- Capacity per cluster: the city model\'s (`simulators/city-model`, AMSTERDAM_ASSUMPTIONS, derived from this same weighings file): pits = the most weighings in one visit, or more when the mean visit would fill them beyond 80 %, at most 8; 5,000 L per pit (the usual underground residual container; the city\'s container register with each container\'s volume is not in ../shared, so this is an assumption). Litres = kg / ' + `${DENSITY_KG_PER_L} kg/L, the city model's assumed loose bulk density of bagged residual waste (not a measurement).`,
    `- Deposits: the kilograms of each recorded visit were put in the cluster between the previous visit and this one; those of the first visit over the cluster's median interval before it (5 days for a cluster visited once); after the last visit the cluster goes on filling at its mean rate of the month, for at most its median interval (a cluster the record stops emptying for longer is taken to be out of use). Within an interval they are spread by ${world.dailySharesSource}, as bags of ${f1(MEAN_DEPOSIT_L)} L on average (Triangular(10, 30, 60) L, the Groningen pilot's), scaled so each interval holds exactly its kilograms. The seed draws the bags' times and sizes. Both policies get the same deposits.`,
    '- A cluster overflows when its content passes its capacity. Service is counted the same way for both: the share of emptyings that found the cluster over capacity, and the cluster-days on which a cluster was over capacity at some moment (at an emptying or at midnight).',
    '- A truck empties a cluster when it arrives, with what it holds then: the recorded practice does not empty at the recorded minute, but when our route reaches it (the rest stays for the next visit).',
    '',
    '### Fleet, shifts, times (the same for both)',
    `- ${world.vehicles.length} crane trucks of ${FLEET.bodyL / 1000} m3 body, ${FLEET.compaction}:1 compaction, ${FLEET.payloadKg / 1000} t payload (as sim:value and bench:fleet), shift ${clock(FLEET.shiftStartMin)}-${clock(FLEET.shiftEndMin)} with a ${FLEET.breakMin}-minute break in the window around its middle (the planner's break model), every day of the week. Disposal: the AEB plant, Australiëhavenweg 21 (coordinates typed in by hand, approximate); trucks unload at planned visits, when the next cluster would not fit, and at the end of the day.`,
    `- Time at a cluster: ${FLEET.stopS / 60} min to position truck and crane plus ${FLEET.liftS / 60} min per container lifted: the Groningen study's handling time (2 min per cluster plus 1 min per container, as in sim:value). Unloading: ${FLEET.unloadS / 60} min (weighbridge in and out and tipping), the figure sim:value and bench:fleet use; an assumption, not a measured AEB figure.`,
    '- Roads: the whole-city OpenStreetMap drive graph (about 2009, with one-way streets; ../shared/data/amsterdam/roads/citywide_osm2009), one matrix over every cluster, depot and the plant; both policies plan and drive by it.',
    `- The solver's budget is ${budgetText(options.budget)} per plan for both policies, never wall time: ${options.budget.kind === 'cpu' ? "CPU time of this process (the solver's clock), so a busy machine does not shorten the search (the same routes are not guaranteed between runs: threads' CPU time varies a little)" : 'the same routes on any machine'}.`,
    '',
    '### Recorded practice',
    '- Each day exactly the clusters the city emptied that day (a cluster visited twice that day is one stop with both visits\' kilograms and lifts), as mandatory stops for the whole fleet, routed by our solver with the recorded kilograms as loads (known in advance, in practice\'s favour), capacity, AEB trips, shifts, the break and access windows, at the costs the planner uses (1.5 per km, 45 per hour). Lifts are the recorded weighings. The routes are computed once per run and driven on each seed\'s deposits.',
    '- Our routing of the city\'s choice is, if anything, shorter than what its trucks drove, so this baseline is on the safe side.',
    '',
    '### vulgraad',
    `- The planner as the service runs it: each day at ${clock(s.planAtMin)}, the fill models kept warm (\`FillModelCache\`) take the readings since the last plan, then \`planFleetShift\` of @vulgraad/planning (forecast, choose must / worth it / waits per district, one routing problem for all ${world.vehicles.length} trucks across the districts, one route per truck), settings: risk ${s.riskLevel}, worth it from ${s.worthFillPct} % at the shift's end within ${s.worthMaxDetourM} m, prize ${s.worthPrize}; the fill forecast as the service's configuration builds it (\`FORECAST_*\`, \`forecastOptions\`: ${forecastText(input.forecast)}). Each plan passes through the independent day check (\`checkDay\`, libs/planning/src/check).`,
    `- Sensors: one per cluster, the sensor simulator's firmware (echo noise, a heap under the inlet, battery), reading every ${SENSOR_FAULTS.intervalMinMin}-${SENSOR_FAULTS.intervalMaxMin} min (per sensor), through the ingest's own quality checks. Faults per sensor over the replay: silent for 1-7 days from a random moment ${f1(SENSOR_FAULTS.silentShare * 100)} %, stuck from a random moment to the end ${f1(SENSOR_FAULTS.stuckShare * 100)} %, spikes ${f1(SENSOR_FAULTS.spikesShare * 100)} % (each reading a spike with probability ${SENSOR_FAULTS.spikeProbability}), mounted in the nearest other cluster ${f1(SENSOR_FAULTS.misplacedShare * 100)} %. These rates are assumptions: no public field rates for ultrasonic container sensors were found. Drivers mark each emptying done, as the app does.`,
    ...(input.raw[0]?.vulgraad.sensors ? [`- Seed ${input.raw[0].seed}: ${input.raw[0].vulgraad.sensors.readings} readings stored, ${input.raw[0].vulgraad.sensors.lost} lost, ${input.raw[0].vulgraad.sensors.flagged} flagged by the quality checks; ${input.raw[0].vulgraad.sensors.silent} silent, ${input.raw[0].vulgraad.sensors.stuck} stuck, ${input.raw[0].vulgraad.sensors.spiky} spiking, ${input.raw[0].vulgraad.sensors.misplaced} misplaced sensors.`] : []),
    '',
    '### Seeds and settings',
    `- Seeds vary the deposits' timing within the day and the sensors (noise and which sensors fail). The vulgraad settings were chosen on the tuning seeds ${TUNING_SEEDS.join(', ')} (\`--tuning\`), which are never reported; the reported seeds are ${seeds.map((x) => x.seed).join(', ')}${tuning ? ' (THIS REPORT SHOWS THE TUNING SEEDS)' : ''}.`,
    `- CO2: ${CO2_SOURCE}`,
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/** Per-date means over the seeds of one policy's figure. */
function perDate(raw: readonly SeedResult[], policy: 'recorded' | 'vulgraad', g: (d: DayFigures) => number): number[] {
  const first = raw[0]?.[policy].days ?? [];
  return first.map((_, k) => raw.reduce((s, r) => s + g(r[policy].days[k] as DayFigures), 0) / raw.length);
}

export function replayPlots(raw: readonly SeedResult[]): Record<string, string> {
  const labels = (raw[0]?.recorded.days ?? []).map((d) => d.date.slice(5));
  const series = (g: (d: DayFigures) => number): Array<{ name: string; values: number[]; color: string }> => [
    { name: 'recorded', values: perDate(raw, 'recorded', g), color: COLORS.recorded },
    { name: 'vulgraad', values: perDate(raw, 'vulgraad', g), color: COLORS.vulgraad },
  ];
  const mean = (policy: 'recorded' | 'vulgraad', g: (d: DayFigures) => number): number => {
    const v = perDate(raw, policy, g);
    return v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);
  };
  return {
    days: lineChart({ title: 'Kilometres per day', xLabel: 'date', yLabel: 'km', labels, series: series((d) => d.km), labelEvery: 3 }),
    lifts: lineChart({ title: 'Lifts per day', xLabel: 'date', yLabel: 'containers lifted', labels, series: series((d) => d.lifts), labelEvery: 3 }),
    split: groupedBarChart({
      title: 'Where the kilometres and hours go (per day)',
      xLabel: '',
      yLabel: 'km / truck-hours',
      categories: ['km AEB legs', 'km depot legs', 'km between stops', 'h driving', 'h at clusters', 'h unloading'],
      series: (['recorded', 'vulgraad'] as const).map((p) => ({
        name: p,
        color: COLORS[p],
        values: [mean(p, (d) => d.disposalKm), mean(p, (d) => d.depotKm), mean(p, (d) => d.km - d.disposalKm - d.depotKm), mean(p, (d) => d.drivingH), mean(p, (d) => d.liftingH), mean(p, (d) => d.unloadingH)],
      })),
      valueLabels: true,
    }),
  };
}

function forecastText(f: ForecastOptions): string {
  return `rate by ${f.timePattern ?? 'week'}, level curve ${f.levelCurve === false ? 'off' : 'on'}, band scale ${f.bandScale ?? 1}, half-life ${f.halfLifeDays ?? 56} days, calibrated on each cluster's own day-ahead outcomes ${f.calibrate ? 'yes' : 'no'}`;
}

function budgetText(b: SolverBudget): string {
  return b.kind === 'cpu' ? `${b.ms} ms of CPU` : `${b.count} genetic iterations`;
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Per measured day, vulgraad's re-plans during the day and the cluster stops they added (means over the seeds); nothing without re-plans. */
function replanDays(raw: readonly SeedResult[]): string[] {
  const byDate = new Map<string, { replans: number; added: number; failed: number; n: number }>();
  for (const r of raw) {
    for (const d of r.vulgraad.days) {
      const e = byDate.get(d.date) ?? { replans: 0, added: 0, failed: 0, n: 0 };
      e.replans += d.replans ?? 0;
      e.added += d.replanStopsAdded ?? 0;
      e.failed += d.replansFailed ?? 0;
      e.n++;
      byDate.set(d.date, e);
    }
  }
  if (![...byDate.values()].some((e) => e.replans + e.failed > 0)) return [];
  return [
    '',
    '### vulgraad re-plans during the day, per day (means over the seeds)',
    '',
    '| date | re-plans | cluster stops added | re-plans refused |',
    '|---|---|---|---|',
    ...[...byDate].map(([date, e]) => `| ${date} | ${(e.replans / e.n).toFixed(1)} | ${(e.added / e.n).toFixed(1)} | ${(e.failed / e.n).toFixed(1)} |`),
  ];
}

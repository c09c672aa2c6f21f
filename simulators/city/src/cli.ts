import { tmpdir } from 'node:os';
import path from 'node:path';
import { POLICY_NAMES, type PolicyName } from './policies/policy';
import { DEFAULT_VULGRAAD_OPTIONS as V } from './policies/vulgraad';
import type { CityChoice } from './setups/build';
import { overlappingSeeds, parseSeeds } from './statistics';
import type { ValueRunSpec } from './value-run';

export const USAGE = `npm run sim:value -- [options]

  --city groningen-like|amsterdam|generated   city (default groningen-like)
  --days N                measured days (default 28)
  --warmup-days N         days run before measuring (default 21)
  --containers N          clusters (groningen-like: 850; generated: 300; amsterdam: first N, default all)
  --trucks N              trucks in all (default: 4 for groningen-like, by volume elsewhere)
  --practice-k LIST       practice: clusters emptied a day, the K values swept (default the study's
                          150,175,200,225,250 of 850, scaled); compared at the K whose service is
                          the lowest at or above vulgraad's
  --seeds LIST            reported seeds: deposits, sensors, solver (default 11-20); e.g. 11-20 or 1,4,9
  --tuning-seeds LIST     seeds vulgraad's risk level is chosen on, none of them reported (default 1-3)
  --tune-risk LIST        vulgraad: risk levels tried on the tuning seeds (default 0.05,0.1,0.2;
                          a single value, or --risk alone, means no tuning)
  --service-target PCT    tuning: the least mean service a chosen risk level must reach (default 99.9)
  --city-seed N           the city (generated and Groningen-like positions and rates; default 1)
  --iterations N          solver budget per plan (district and day), genetic iterations (default 100)
  --quick                 a small check: generated city of 40 clusters, 7+5 days, 3 seeds, 2 tuning seeds,
                          30 iterations (options given as well still apply)
  --policies LIST         comma-separated of practice,fixed,vulgraad (default practice,vulgraad)
  --truck-body-l L        truck body, litres; 0 = unlimited, as the study (default 22000)
  --compaction X          loose litres per litre of body (default 4)
  --payload-kg KG         truck payload (default 11000)
  --density KG_PER_L      loose density of the waste (default: the city's)
  --breaks study|planner  breaks at the depot at 10:00 and 12:00 (study; default except Amsterdam), or one on the route (planner)
  --start YYYY-MM-DD      first simulated day (default 2023-01-09)
  --parallel N            runs (a policy on a seed) at once in worker threads (default 2)
  --risk P                vulgraad: must when the overflow risk before the next chance reaches P (default 0.1)
  --worth-fill PCT        vulgraad: optional stops from this predicted fill (default 75)
  --worth-prize X         vulgraad: prize of a full optional stop, cost units (default 1.5: 1 km of detour; 0 = none)
  --worth-detour-m M      vulgraad: optional stops within M of a must stop or depot (default 1500)
  --zone-days N           vulgraad: each district in N zones that take turns, one due a day (default 1: no zones)
  --cost-per-km X         vulgraad: solver cost per km (default 1.5)
  --cost-per-hour X       vulgraad: solver cost per hour (default 0: distance, like practice)
  --parts-between-breaks true|false  vulgraad: plan the parts of a day between the study's breaks (default true)
  --sensor-interval-min M vulgraad: minutes between readings (default 30)
  --practice-litres-per-deposit L   practice: assumed litres per deposit (default 58.8)
  --deposits-per-day N    groningen-like: deposits a day over the city (default 22600)
  --matrix-cache DIR      folder for road-graph matrices (default: the system temp folder)
  --out FILE              report (default docs/value-report.md; docs/value-report-<city>.md for other cities)
  --report-from FILE      run nothing: write the report again from the JSON a run saved (with --out)
  --no-report             print only, write no files
  --quiet                 no progress lines on stderr
`;

/** What the command line asks for. */
export interface CliOptions {
  spec: ValueRunSpec;
  out: string | null;
  quiet: boolean;
  /** A saved run's JSON to write the report from, instead of running. */
  reportFrom: string | null;
}

/** A command-line problem, with the option at fault. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

const CITIES: readonly CityChoice[] = ['groningen-like', 'amsterdam', 'generated'];
const FLAGS = new Set(['--no-report', '--quiet', '--help', '--quick']);
/** What `--quick` sets unless the command line says otherwise. */
const QUICK: Readonly<Record<string, string>> = {
  '--city': 'generated',
  '--containers': '40',
  '--days': '5',
  '--warmup-days': '7',
  '--seeds': '11-13',
  '--tuning-seeds': '1-2',
  '--iterations': '30',
};

/** Reads the options; throws a CliError naming every bad one. */
export function parseCli(argv: readonly string[], cwd: string = process.cwd()): CliOptions {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      problems.push(`unexpected argument "${arg}"`);
      continue;
    }
    const eq = arg.indexOf('=');
    if (FLAGS.has(arg)) flags.add(arg);
    else if (eq > 0) values.set(arg.slice(0, eq), arg.slice(eq + 1));
    else if (i + 1 < argv.length) values.set(arg, argv[++i] as string);
    else problems.push(`${arg} needs a value`);
  }
  const known = new Set(
    USAGE.split('\n')
      .map((l) => /^\s+(--[a-z-]+)/.exec(l)?.[1])
      .filter((x): x is string => x !== undefined),
  );
  for (const key of values.keys()) if (!known.has(key)) problems.push(`unknown option ${key}`);
  if (flags.has('--help')) throw new CliError(USAGE);
  if (flags.has('--quick')) for (const [key, value] of Object.entries(QUICK)) if (!values.has(key)) values.set(key, value);

  const number = (key: string, def: number, check: (v: number) => boolean, what: string): number => {
    const raw = values.get(key);
    if (raw === undefined) return def;
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v) || !check(v)) {
      problems.push(`${key} must be ${what}, got "${raw}"`);
      return def;
    }
    return v;
  };
  const optional = (key: string, check: (v: number) => boolean, what: string): number | undefined => (values.has(key) ? number(key, 0, check, what) : undefined);
  const int = (v: number): boolean => Number.isInteger(v);
  const seeds = (key: string, def: string): number[] => {
    try {
      return parseSeeds(values.get(key) ?? def);
    } catch (error) {
      problems.push(`${key}: ${(error as Error).message}`);
      return [];
    }
  };
  const numbers = (key: string, check: (v: number) => boolean, what: string): number[] | undefined => {
    const raw = values.get(key);
    if (raw === undefined) return undefined;
    const list = raw.split(',').map((x) => x.trim());
    const bad = list.filter((x) => x === '' || !Number.isFinite(Number(x)) || !check(Number(x)));
    if (bad.length > 0 || list.length === 0) {
      problems.push(`${key} must be a comma-separated list of ${what}, got "${raw}"`);
      return undefined;
    }
    return [...new Set(list.map(Number))];
  };

  const cityRaw = values.get('--city') ?? 'groningen-like';
  const city = CITIES.includes(cityRaw as CityChoice) ? (cityRaw as CityChoice) : null;
  if (!city) problems.push(`--city must be one of ${CITIES.join(', ')}, got "${cityRaw}"`);
  const policies = (values.get('--policies') ?? 'practice,vulgraad')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const p of policies) if (!POLICY_NAMES.includes(p as PolicyName)) problems.push(`--policies: unknown policy "${p}" (use ${POLICY_NAMES.join(', ')})`);
  if (policies.length === 0) problems.push('--policies names no policy');
  const breaks = values.get('--breaks');
  if (breaks !== undefined && breaks !== 'study' && breaks !== 'planner') problems.push(`--breaks must be study or planner, got "${breaks}"`);
  const startDate = values.get('--start') ?? '2023-01-09';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(startDate) || Number.isNaN(Date.parse(`${startDate}T00:00:00Z`))) problems.push(`--start must be a date YYYY-MM-DD, got "${startDate}"`);
  const partsRaw = values.get('--parts-between-breaks') ?? 'true';
  if (partsRaw !== 'true' && partsRaw !== 'false') problems.push(`--parts-between-breaks must be true or false, got "${partsRaw}"`);

  const spec: ValueRunSpec = {
    setup: {
      city: city ?? 'groningen-like',
      seed: number('--city-seed', 1, int, 'an integer'),
      containers: optional('--containers', (v) => int(v) && v >= 1, 'a whole number >= 1'),
      trucks: optional('--trucks', (v) => int(v) && v >= 1, 'a whole number >= 1'),
      truckBodyL: number('--truck-body-l', 22_000, (v) => v >= 0, 'litres >= 0'),
      compactionFactor: optional('--compaction', (v) => v >= 1, 'at least 1'),
      payloadKg: optional('--payload-kg', (v) => v > 0, 'positive'),
      densityKgPerL: optional('--density', (v) => v > 0 && v < 2, 'between 0 and 2'),
      breaks: breaks === 'planner' || breaks === 'study' ? breaks : undefined,
      depositsPerDay: optional('--deposits-per-day', (v) => v > 0, 'positive'),
      matrixCacheDir: values.get('--matrix-cache') ?? path.join(tmpdir(), 'vulgraad-value-matrices'),
    },
    run: {
      startDate,
      days: number('--days', 28, (v) => int(v) && v >= 1, 'a whole number >= 1'),
      warmupDays: number('--warmup-days', 21, (v) => int(v) && v >= 0, 'a whole number >= 0'),
      solverIterations: number('--iterations', 100, (v) => int(v) && v >= 1 && v <= 1_000_000, 'a whole number in [1, 1000000]'),
    },
    seeds: seeds('--seeds', '11-20'),
    tuningSeeds: seeds('--tuning-seeds', '1-3'),
    practiceKs: numbers('--practice-k', (v) => int(v) && v >= 1, 'whole numbers >= 1'),
    tuneRiskLevels: numbers('--tune-risk', (v) => v > 0 && v <= 1, 'risk levels in (0, 1]') ?? (values.has('--risk') ? undefined : [0.05, 0.1, 0.2]),
    serviceTargetPct: number('--service-target', 99.9, (v) => v > 0 && v <= 100, 'a percentage in (0, 100]'),
    policies: policies.filter((p): p is PolicyName => POLICY_NAMES.includes(p as PolicyName)),
    settings: {
      practice: { assumedLitresPerDeposit: number('--practice-litres-per-deposit', 58.8, (v) => v > 0, 'positive') },
      vulgraad: {
        riskLevel: number('--risk', V.riskLevel, (v) => v > 0 && v <= 1, 'in (0, 1]'),
        worthFillPct: number('--worth-fill', V.worthFillPct, (v) => v >= 0 && v <= 100, 'a percentage'),
        worthPrize: number('--worth-prize', V.worthPrize, (v) => v >= 0, '>= 0'),
        worthMaxDetourM: number('--worth-detour-m', V.worthMaxDetourM, (v) => v >= 0, 'metres >= 0'),
        zoneDays: number('--zone-days', V.zoneDays ?? 1, (v) => int(v) && v >= 1 && v <= 14, 'a whole number in [1, 14]'),
        costPerKm: number('--cost-per-km', V.costPerKm ?? 1.5, (v) => v >= 0, '>= 0'),
        costPerHour: number('--cost-per-hour', V.costPerHour ?? 0, (v) => v >= 0, '>= 0'),
        partsBetweenBreaks: partsRaw !== 'false',
        sensorIntervalMin: number('--sensor-interval-min', V.sensorIntervalMin, (v) => v >= 1 && v <= 24 * 60, 'minutes in [1, 1440]'),
      },
    },
    parallel: number('--parallel', 2, (v) => int(v) && v >= 1, 'a whole number >= 1'),
  };
  const shared = overlappingSeeds(spec.seeds, spec.tuningSeeds);
  if (shared.length > 0) problems.push(`--tuning-seeds and --seeds must not share a seed; both have ${shared.join(', ')}`);
  if ((spec.tuneRiskLevels?.length ?? 0) > 1 && !policies.includes('vulgraad')) spec.tuneRiskLevels = undefined;
  if (problems.length > 0) throw new CliError(`${problems.join('\n')}\n\n${USAGE}`);
  const defaultOut = spec.setup.city === 'groningen-like' ? 'docs/value-report.md' : `docs/value-report-${spec.setup.city}.md`;
  const out = flags.has('--no-report') ? null : path.resolve(cwd, values.get('--out') ?? defaultOut);
  const reportFrom = values.get('--report-from');
  return { spec, out, quiet: flags.has('--quiet'), reportFrom: reportFrom === undefined ? null : path.resolve(cwd, reportFrom) };
}

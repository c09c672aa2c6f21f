import { existsSync } from 'node:fs';
import { sharedPath } from '@vulgraad/config';
import { DEFAULT_VULGRAAD_SETTINGS, type SolverBudget, type VulgraadSettings } from './replay';

/** Seeds the reported figures come from. */
export const REPORTED_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
/** Seeds the vulgraad settings were chosen on (never reported as results). */
export const TUNING_SEEDS = [101, 102, 103];

export interface ReplayCliOptions {
  weighings: string;
  seeds: number[];
  tuning: boolean;
  days?: number;
  clusters?: number;
  warmupDays: number;
  budget: SolverBudget;
  trucks: number;
  settings: VulgraadSettings;
  out: string | null;
  /** Raw results of earlier runs (their `.raw.json`) to report together instead of running. */
  merge: string[];
  /** Re-plan during the day when the alert rules fire, as the service does (false: the 06:00 plan only). */
  replan: boolean;
}

export class ReplayCliError extends Error {}

const HELP = `npm run sim:replay -- [options]
  --weighings <csv>     weighings file in the city's format (default: shared data/amsterdam/containers/rest_weighings_2021-03.csv)
  --seeds <list>        seeds, e.g. 1-10 or 1,4,7 (default 1-10, the reported seeds)
  --tuning              run the tuning seeds (${TUNING_SEEDS.join(', ')}) instead; their figures are for choosing settings only
  --days <n>            replay only the first n days of the record
  --clusters <n>        only the first n clusters (by id)
  --warmup <n>          days run as recorded by both policies before measuring (default 7)
  --cpu-ms <n>          solver budget per plan, both policies: CPU milliseconds of this process (default 1000)
  --iterations <n>      solver budget per plan as genetic iterations instead (the same routes on any machine)
  --trucks <n>          fleet size (default 22)
  --risk <p> --worth-fill <pct> --worth-prize <x> --worth-detour <m>   vulgraad's choosing settings
  --quick               --seeds 1 --days 9 --warmup 7 --cpu-ms 500 (a smoke run)
  --no-replan           vulgraad plans once at 06:00 only (default: it also re-plans during the day on the alerts, as the service does)
  --merge <a,b,...>     report the raw results (.raw.json) of runs of other seeds together (same options otherwise)
  --out <file.md>       report (default docs/replay-report.md; "none" for no report)`;

export function parseReplayCli(argv: readonly string[]): ReplayCliOptions {
  const o: ReplayCliOptions = {
    weighings: sharedPath('data', 'amsterdam', 'containers', 'rest_weighings_2021-03.csv') ?? '',
    seeds: REPORTED_SEEDS, tuning: false, warmupDays: 7, budget: { kind: 'cpu', ms: 1000 }, trucks: 22, settings: { ...DEFAULT_VULGRAAD_SETTINGS }, out: 'docs/replay-report.md', merge: [], replan: true,
  };
  const args = [...argv];
  const value = (flag: string): string => {
    const v = args.shift();
    if (v === undefined || v.startsWith('--')) throw new ReplayCliError(`${flag} needs a value\n${HELP}`);
    return v;
  };
  const int = (flag: string, min: number): number => {
    const text = value(flag);
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new ReplayCliError(`${flag}: "${text}" is not a whole number >= ${min}`);
    return n;
  };
  const num = (flag: string, min: number, max: number): number => {
    const text = value(flag);
    const n = Number(text);
    if (!Number.isFinite(n) || n < min || n > max) throw new ReplayCliError(`${flag}: "${text}" is not a number in ${min}..${max}`);
    return n;
  };
  while (args.length > 0) {
    const flag = args.shift() as string;
    switch (flag) {
      case '--weighings': o.weighings = value(flag); break;
      case '--seeds': o.seeds = parseSeeds(value(flag)); break;
      case '--tuning': o.tuning = true; o.seeds = TUNING_SEEDS; break;
      case '--days': o.days = int(flag, 2); break;
      case '--clusters': o.clusters = int(flag, 1); break;
      case '--warmup': o.warmupDays = int(flag, 1); break;
      case '--iterations': o.budget = { kind: 'iterations', count: int(flag, 1) }; break;
      case '--cpu-ms': o.budget = { kind: 'cpu', ms: int(flag, 100) }; break;
      case '--trucks': o.trucks = int(flag, 1); break;
      case '--risk': o.settings.riskLevel = num(flag, 0.0001, 1); break;
      case '--worth-fill': o.settings.worthFillPct = num(flag, 0, 100); break;
      case '--worth-prize': o.settings.worthPrize = num(flag, 0, 1000); break;
      case '--worth-detour': o.settings.worthMaxDetourM = num(flag, 0, 100_000); break;
      case '--quick': o.seeds = [1]; o.days = 9; o.warmupDays = 7; o.budget = { kind: 'cpu', ms: 500 }; break;
      case '--out': { const v = value(flag); o.out = v === 'none' ? null : v; break; }
      case '--merge': o.merge = value(flag).split(','); break;
      case '--no-replan': o.replan = false; break;
      case '--help': throw new ReplayCliError(HELP);
      default: throw new ReplayCliError(`unknown option ${flag}\n${HELP}`);
    }
  }
  if (o.weighings === '') throw new ReplayCliError('no weighings file: the shared data folder (../shared) is absent; pass --weighings <csv>');
  if (!existsSync(o.weighings)) throw new ReplayCliError(`--weighings: no file ${o.weighings}`);
  if (o.days !== undefined && o.days <= o.warmupDays) throw new ReplayCliError(`--days ${o.days} leaves no day after the ${o.warmupDays}-day warm-up`);
  if (o.tuning && o.seeds.some((s) => !TUNING_SEEDS.includes(s))) throw new ReplayCliError(`--tuning runs only the tuning seeds ${TUNING_SEEDS.join(', ')}`);
  if (!o.tuning && o.seeds.some((s) => TUNING_SEEDS.includes(s))) throw new ReplayCliError(`seeds ${TUNING_SEEDS.join(', ')} are the tuning seeds: pass --tuning to run them`);
  return o;
}

function parseSeeds(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const range = /^(\d+)-(\d+)$/.exec(part.trim());
    if (range) {
      for (let s = Number(range[1]); s <= Number(range[2]); s++) out.push(s);
      continue;
    }
    const n = Number(part);
    if (!Number.isInteger(n) || n < 0) throw new ReplayCliError(`--seeds: "${part}" is not a seed or a range a-b`);
    out.push(n);
  }
  if (out.length === 0) throw new ReplayCliError('--seeds: no seed given');
  return out;
}

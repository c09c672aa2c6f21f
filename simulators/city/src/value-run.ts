import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DayMetrics, PolicySummary } from './metrics';
import { createPolicy, type PolicyName, type PolicySettings } from './policies';
import { buildSetup, type SetupOptions } from './setups/build';
import type { SimSetup } from './setups/setup';
import { runPolicy, type PolicyRun, type RunOptions } from './simulation';
import { overlappingSeeds, spreadOf, spreadOfFields, type Spread } from './statistics';
import { chooseK, chooseSetting, defaultKSweep, type KChoice, type TuningRow } from './sweep';

/** Everything that defines a value run: city, fleet, horizon, seeds, policies and their settings. */
export interface ValueRunSpec {
  /** The city and its fleet; `seed` is the city's (the same city for every seed of the run). */
  setup: Omit<SetupOptions, 'onProgress' | 'k'>;
  run: Omit<RunOptions, 'onDay' | 'seed'>;
  /** Reported seeds (deposits, sensors, solver): every reported figure is a mean over them, with its spread. */
  seeds: number[];
  /** Seeds the settings are chosen on; none of them may be a reported seed. */
  tuningSeeds: number[];
  policies: PolicyName[];
  settings: PolicySettings;
  /** Practice K values (clusters emptied a day over the city) swept on the reported seeds; default: the study's, scaled. */
  practiceKs?: number[];
  /** vulgraad's risk levels tried on the tuning seeds; with one (or none) there is nothing to tune. */
  tuneRiskLevels?: number[];
  /** Mean service, percent, a tuned setting must reach on the tuning seeds (the study's practice: 99.9). */
  serviceTargetPct: number;
  /** Runs at the same time in worker threads (1 = one after the other, in this thread). */
  parallel?: number;
}

/** One policy (and for practice one K) on one seed. */
export interface SeedRun {
  seed: number;
  /** Practice's K; null for the other policies. */
  k: number | null;
  run: PolicyRun;
}

/** One policy (and K) over all reported seeds. */
export interface PolicyAggregate {
  policy: PolicyName;
  k: number | null;
  seeds: number[];
  description: string[];
  /** Every figure of the summary: mean, sd, min and max over the seeds. */
  summary: Record<keyof PolicySummary, Spread>;
  /** Per measured day, the mean over the seeds (for the plots). */
  meanDays: Array<Pick<DayMetrics, 'date' | 'distanceKm' | 'containersEmptied'>>;
  /** Fill-at-emptying histogram, summed over the seeds. */
  fillHistogram: number[];
  /** Counters the policy reports, summed over the seeds. */
  notes: Record<string, number>;
  /** Simulation run time per seed, seconds (wall clock on a shared machine: for information only). */
  runtimeS: Spread;
}

/** How vulgraad's setting was chosen on the tuning seeds. */
export interface TuningResult {
  seeds: number[];
  targetPct: number;
  candidates: Array<TuningRow & { kmSd: number; serviceSd: number }>;
  chosen: TuningRow & { reached: boolean };
}

/** What the report is made from. */
export interface ValueRunResult {
  spec: ValueRunSpec;
  city: SimSetup['city'];
  title: string;
  containers: number;
  pits: number;
  depositsPerDay: number;
  trucks: number;
  districts: number;
  assumptions: string[];
  tuning: TuningResult | null;
  /** Practice over the K sweep (null when practice did not run), and the K compared. */
  sweep: { rows: PolicyAggregate[]; chosen: KChoice; targetPct: number } | null;
  /** Every policy on every reported seed. */
  runs: SeedRun[];
  /** vulgraad, fixed (when run) and practice at the chosen K, over the reported seeds. */
  aggregates: PolicyAggregate[];
  /** vulgraad km / practice km at the chosen K, per reported seed. */
  ratio: Spread | null;
  runtimeS: number;
  /** CPU seconds of the whole process, worker threads included (not comparable run to run on a shared machine either, but not inflated by waiting). */
  cpuS: number;
  finishedAt: string;
}

/** One simulation to run: a policy with its settings on one seed. */
export interface RunJob {
  policy: PolicyName;
  seed: number;
  k: number | null;
  settings: PolicySettings;
  label: string;
}

/** Messages of a worker thread back to the run. */
type WorkerMessage = { kind: 'progress'; message: string } | { kind: 'done'; run: PolicyRun } | { kind: 'error'; message: string };

/** Throws when the spec cannot give honest figures (seeds shared by tuning and reporting, no seeds). */
export function checkSpec(spec: ValueRunSpec): void {
  if (spec.seeds.length === 0) throw new RangeError('a value run needs at least one reported seed');
  const shared = overlappingSeeds(spec.tuningSeeds, spec.seeds);
  if (shared.length > 0) throw new RangeError(`tuning seeds must not be reported seeds; both have ${shared.join(', ')}`);
  if ((spec.tuneRiskLevels?.length ?? 0) > 1 && spec.tuningSeeds.length === 0) throw new RangeError('tuning needs at least one tuning seed');
}

/**
 * Runs the value comparison: vulgraad's risk level chosen on the tuning
 * seeds, then on every reported seed vulgraad, practice at every K of the
 * sweep (and the fixed schedule when asked), each policy on the same
 * deposits for a seed (common random numbers). Practice is compared at the K
 * whose service is the lowest at or above vulgraad's (the study's way).
 * Solver budgets are iteration counts, so the figures do not depend on how
 * busy the machine is. Runs go to worker threads when `parallel` > 1.
 */
export async function runValue(spec: ValueRunSpec, log: (message: string) => void = () => undefined): Promise<ValueRunResult> {
  checkSpec(spec);
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const setup = await buildSetup({ ...spec.setup, onProgress: log });
  const containers = setup.units.flatMap((u) => u.containers);
  const ks = spec.policies.includes('practice') ? [...new Set(spec.practiceKs ?? defaultKSweep(containers.length))].sort((a, b) => a - b) : [];
  const parallel = Math.max(1, Math.min(spec.parallel ?? 1, availableParallelism()));
  const runner = parallel === 1 ? inThreadRunner(spec, setup, log) : workerRunner(spec, log);
  const pool = new Pool(parallel);

  // Tuning: vulgraad's risk level on the tuning seeds only.
  const risks = spec.tuneRiskLevels ?? [];
  const tuningPromise: Promise<TuningResult | null> =
    risks.length > 1 && spec.policies.includes('vulgraad')
      ? Promise.all(
          risks.map(async (riskLevel) => {
            const runs = await Promise.all(
              spec.tuningSeeds.map((seed) => pool.run(() => runner({ policy: 'vulgraad', seed, k: null, settings: withRisk(spec.settings, riskLevel), label: `tuning vulgraad risk ${riskLevel} seed ${seed}` }))),
            );
            const km = spreadOf(runs.map((r) => r.summary.kmPerDay));
            const service = spreadOf(runs.map((r) => r.summary.servicePct));
            return { riskLevel, kmPerDay: km.mean, servicePct: service.mean, kmSd: km.sd, serviceSd: service.sd };
          }),
        ).then((candidates) => ({ seeds: spec.tuningSeeds, targetPct: spec.serviceTargetPct, candidates, chosen: chooseSetting(candidates, spec.serviceTargetPct) }))
      : Promise.resolve(null);
  const vulgraadSettings = tuningPromise.then((t) => (t ? withRisk(spec.settings, t.chosen.riskLevel) : spec.settings));

  const jobs: Array<Promise<SeedRun>> = [];
  for (const seed of spec.seeds) {
    for (const policy of spec.policies) {
      if (policy === 'practice') {
        for (const k of ks) jobs.push(pool.run(() => runner({ policy, seed, k, settings: spec.settings, label: `practice K=${k} seed ${seed}` })).then((run) => ({ seed, k, run })));
      } else if (policy === 'fixed') {
        jobs.push(pool.run(() => runner({ policy, seed, k: null, settings: spec.settings, label: `fixed seed ${seed}` })).then((run) => ({ seed, k: null, run })));
      }
    }
  }
  // vulgraad's reported runs wait for the tuning; practice runs fill the pool meanwhile.
  if (spec.policies.includes('vulgraad')) {
    for (const seed of spec.seeds) {
      jobs.push(
        vulgraadSettings.then((settings) => pool.run(() => runner({ policy: 'vulgraad', seed, k: null, settings, label: `vulgraad seed ${seed}` }))).then((run) => ({ seed, k: null, run })),
      );
    }
  }
  const runs = await Promise.all(jobs);
  const tuning = await tuningPromise;

  const aggregateOf = (policy: PolicyName, k: number | null): PolicyAggregate => aggregate(policy, k, runs.filter((r) => r.run.policy === policy && r.k === k));
  const ours = spec.policies.includes('vulgraad') ? aggregateOf('vulgraad', null) : null;
  let sweep: ValueRunResult['sweep'] = null;
  let ratio: Spread | null = null;
  const aggregates: PolicyAggregate[] = [];
  if (ks.length > 0) {
    const rows = ks.map((k) => aggregateOf('practice', k));
    const targetPct = ours ? ours.summary.servicePct.mean : spec.serviceTargetPct;
    const chosen = chooseK(
      rows.map((r) => ({ k: r.k as number, servicePct: r.summary.servicePct.mean, kmPerDay: r.summary.kmPerDay.mean })),
      targetPct,
    );
    sweep = { rows, chosen, targetPct };
    aggregates.push(rows.find((r) => r.k === chosen.k) as PolicyAggregate);
    if (ours) {
      const perSeed = spec.seeds.map((seed) => {
        const v = runs.find((r) => r.seed === seed && r.run.policy === 'vulgraad')?.run.summary.kmPerDay ?? NaN;
        const p = runs.find((r) => r.seed === seed && r.run.policy === 'practice' && r.k === chosen.k)?.run.summary.kmPerDay ?? NaN;
        return v / p;
      });
      ratio = perSeed.every(Number.isFinite) ? spreadOf(perSeed) : null;
    }
  }
  if (spec.policies.includes('fixed')) aggregates.push(aggregateOf('fixed', null));
  if (ours) aggregates.push(ours);
  return {
    spec,
    city: setup.city,
    title: setup.title,
    containers: containers.length,
    pits: containers.reduce((s, c) => s + c.pitCount, 0),
    depositsPerDay: containers.reduce((s, c) => s + c.demand.depositsPerDay, 0),
    trucks: setup.units.reduce((s, u) => s + u.truckIds.length, 0),
    districts: setup.units.length,
    assumptions: setup.assumptions,
    tuning,
    sweep,
    runs,
    aggregates,
    ratio,
    runtimeS: (performance.now() - started) / 1000,
    cpuS: cpuSecondsSince(cpuAtStart),
    finishedAt: new Date().toISOString(),
  };
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function withRisk(settings: PolicySettings, riskLevel: number): PolicySettings {
  return { ...settings, vulgraad: { ...settings.vulgraad, riskLevel } };
}

/** Mean and spread over the seeds of one policy's runs. */
export function aggregate(policy: PolicyName, k: number | null, seedRuns: readonly SeedRun[]): PolicyAggregate {
  const first = seedRuns[0];
  if (!first) throw new RangeError(`no runs of ${policy}${k === null ? '' : ` K=${k}`}`);
  const days = first.run.days;
  const notes: Record<string, number> = {};
  for (const r of seedRuns) for (const [key, v] of Object.entries(r.run.notes)) notes[key] = (notes[key] ?? 0) + v;
  return {
    policy,
    k,
    seeds: seedRuns.map((r) => r.seed),
    description: first.run.description,
    summary: spreadOfFields(seedRuns.map((r) => r.run.summary)) as Record<keyof PolicySummary, Spread>,
    meanDays: days.map((d, i) => ({
      date: d.date,
      distanceKm: seedRuns.reduce((s, r) => s + (r.run.days[i]?.distanceKm ?? 0), 0) / seedRuns.length,
      containersEmptied: seedRuns.reduce((s, r) => s + (r.run.days[i]?.containersEmptied ?? 0), 0) / seedRuns.length,
    })),
    fillHistogram: first.run.fillHistogram.map((_, bin) => seedRuns.reduce((s, r) => s + (r.run.fillHistogram[bin] ?? 0), 0)),
    notes,
    runtimeS: spreadOf(seedRuns.map((r) => r.run.runtimeS)),
  };
}

/** At most `size` tasks at a time, in the order they were asked for. */
class Pool {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finished task hands its slot straight to the next waiting one.
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

type Runner = (job: RunJob) => Promise<PolicyRun>;

function dayLogger(post: (message: string) => void): RunOptions['onDay'] {
  return (_policy, day, total, m) => {
    if (m) post(`day ${day}/${total}: ${m.distanceKm.toFixed(1)} km, ${m.routes} routes, ${m.containersEmptied} emptied, ${m.overflowEmptyings} overflowing, ${m.unassigned} not placed, solve ${m.solveSeconds.toFixed(1)} s`);
    else if (day % 7 === 0) post(`day ${day}/${total} (warm-up)`);
  };
}

/** Runs each job in this thread, on a setup built once per practice K. */
function inThreadRunner(spec: ValueRunSpec, base: SimSetup, log: (message: string) => void): Runner {
  const setups = new Map<number | null, Promise<SimSetup>>([[null, Promise.resolve(base)]]);
  return async (job) => {
    let setup = setups.get(job.k);
    if (!setup) setups.set(job.k, (setup = buildSetup({ ...spec.setup, k: job.k ?? undefined })));
    return runPolicy(await setup, createPolicy(job.policy, await setup, job.settings, job.seed), { ...spec.run, seed: job.seed, onDay: dayLogger((m) => log(`${job.label} ${m}`)) });
  };
}

/** Runs each job in a worker thread of its own (each builds the city itself; a road-graph matrix comes from the disk cache). */
function workerRunner(spec: ValueRunSpec, log: (message: string) => void): Runner {
  return (job) =>
    new Promise<PolicyRun>((resolve, reject) => {
      const thread = new Worker(require.resolve('./policy-worker'), { workerData: { spec, job }, execArgv: process.execArgv });
      thread.on('message', (message: WorkerMessage) => {
        if (message.kind === 'progress') log(`${job.label} ${message.message}`);
        else if (message.kind === 'done') resolve(message.run);
        else reject(new Error(`${job.label}: ${message.message}`));
      });
      thread.on('error', reject);
      thread.on('exit', (code) => {
        if (code !== 0) reject(new Error(`${job.label}: worker stopped with exit code ${code}`));
      });
    });
}

/** What a worker thread runs: one job of a value run. */
export async function runJob(spec: ValueRunSpec, job: RunJob, post: (message: string) => void): Promise<PolicyRun> {
  const setup = await buildSetup({ ...spec.setup, k: job.k ?? undefined, onProgress: post });
  return runPolicy(setup, createPolicy(job.policy, setup, job.settings, job.seed), { ...spec.run, seed: job.seed, onDay: dayLogger(post) });
}

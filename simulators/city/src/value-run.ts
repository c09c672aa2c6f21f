import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createPolicy, type PolicyName, type PolicySettings } from './policies';
import { buildSetup, type SetupOptions } from './setups/build';
import type { SimSetup } from './setups/setup';
import { runPolicy, type PolicyRun, type RunOptions } from './simulation';

/** Everything that defines a value run: city, fleet, horizon, policies and their settings. */
export interface ValueRunSpec {
  setup: Omit<SetupOptions, 'onProgress'>;
  run: Omit<RunOptions, 'onDay'>;
  policies: PolicyName[];
  settings: PolicySettings;
  /** Policies run at the same time in worker threads (1 = one after the other, in this thread). */
  parallel?: number;
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
  runs: PolicyRun[];
  runtimeS: number;
  finishedAt: string;
}

/** Messages of a worker thread back to the run. */
type WorkerMessage = { kind: 'progress'; message: string } | { kind: 'done'; run: PolicyRun } | { kind: 'error'; message: string };

/**
 * Runs every policy on the same city and the same deposits (each policy its
 * own engine with the same seed), in worker threads when `parallel` > 1 (each
 * builds the city itself; a road-graph matrix comes from the disk cache).
 */
export async function runValue(spec: ValueRunSpec, log: (message: string) => void = () => undefined): Promise<ValueRunResult> {
  const started = performance.now();
  const setup = await buildSetup({ ...spec.setup, onProgress: log });
  const parallel = Math.max(1, Math.min(spec.parallel ?? 1, spec.policies.length, availableParallelism()));
  const onDay: RunOptions['onDay'] = (policy, day, total, m) => {
    if (m) log(`${policy} day ${day}/${total}: ${m.distanceKm.toFixed(1)} km, ${m.routes} routes, ${m.containersEmptied} emptied, ${m.overflowEmptyings} overflowing, ${m.unassigned} not placed, solve ${m.solveSeconds.toFixed(1)} s`);
    else log(`${policy} day ${day}/${total} (warm-up)`);
  };
  let runs: PolicyRun[];
  if (parallel === 1) {
    runs = [];
    for (const name of spec.policies) runs.push(await runPolicy(setup, createPolicy(name, setup, spec.settings, spec.run.seed), { ...spec.run, onDay }));
  } else {
    runs = await runInWorkers(spec, parallel, log);
  }
  const containers = setup.units.flatMap((u) => u.containers);
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
    runs,
    runtimeS: (performance.now() - started) / 1000,
    finishedAt: new Date().toISOString(),
  };
}

async function runInWorkers(spec: ValueRunSpec, parallel: number, log: (message: string) => void): Promise<PolicyRun[]> {
  const results = new Map<PolicyName, PolicyRun>();
  const queue = [...spec.policies];
  const worker = async (): Promise<void> => {
    for (let name = queue.shift(); name; name = queue.shift()) {
      const policy = name;
      const run = await new Promise<PolicyRun>((resolve, reject) => {
        const thread = new Worker(require.resolve('./policy-worker'), { workerData: { spec, policy }, execArgv: process.execArgv });
        thread.on('message', (message: WorkerMessage) => {
          if (message.kind === 'progress') log(message.message);
          else if (message.kind === 'done') resolve(message.run);
          else reject(new Error(`${policy}: ${message.message}`));
        });
        thread.on('error', reject);
        thread.on('exit', (code) => {
          if (code !== 0) reject(new Error(`${policy}: worker stopped with exit code ${code}`));
        });
      });
      results.set(policy, run);
    }
  };
  await Promise.all(Array.from({ length: parallel }, () => worker()));
  return spec.policies.map((p) => results.get(p) as PolicyRun);
}

import { parentPort, workerData } from 'node:worker_threads';
import { createPolicy, type PolicyName } from './policies';
import { buildSetup } from './setups/build';
import { runPolicy } from './simulation';
import type { ValueRunSpec } from './value-run';

/** One policy's run in a worker thread of `runValue`. */
async function main(): Promise<void> {
  const { spec, policy } = workerData as { spec: ValueRunSpec; policy: PolicyName };
  const post = (message: string): void => parentPort?.postMessage({ kind: 'progress', message });
  const setup = await buildSetup({ ...spec.setup, onProgress: (m) => post(`${policy}: ${m}`) });
  const run = await runPolicy(setup, createPolicy(policy, setup, spec.settings, spec.run.seed), {
    ...spec.run,
    onDay: (name, day, total, m) =>
      post(
        m
          ? `${name} day ${day}/${total}: ${m.distanceKm.toFixed(1)} km, ${m.routes} routes, ${m.containersEmptied} emptied, ${m.overflowEmptyings} overflowing, ${m.unassigned} not placed, solve ${m.solveSeconds.toFixed(1)} s`
          : `${name} day ${day}/${total} (warm-up)`,
      ),
  });
  parentPort?.postMessage({ kind: 'done', run });
}

main().catch((error: unknown) => {
  parentPort?.postMessage({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
});

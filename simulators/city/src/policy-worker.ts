import { parentPort, workerData } from 'node:worker_threads';
import { runJob, type RunJob, type ValueRunSpec } from './value-run';

/** One run (a policy on one seed) of `runValue`, in a worker thread. */
async function main(): Promise<void> {
  const { spec, job } = workerData as { spec: ValueRunSpec; job: RunJob };
  const run = await runJob(spec, job, (message) => parentPort?.postMessage({ kind: 'progress', message }));
  parentPort?.postMessage({ kind: 'done', run });
}

main().catch((error: unknown) => {
  parentPort?.postMessage({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { startAllInOneProcess } from '../../test/all-in-one/support/all-in-one-process';
import { eventually, login } from '../../test/all-in-one/support/api';

/**
 * How long `npm start` takes to be useful, as a newcomer meets it: a cold
 * start on a fresh data folder (PGlite creates its database), then a warm
 * start on the same folder. For each: wall seconds from spawning the process
 * to the ready banner (module loading included), the steps the banner lists,
 * and from spawning to the first plan and to the fire alert in the API.
 * The demo city is the default one unless DEMO_* variables are set.
 * Last line: `startup cold_ready_s=.. cold_plan_s=.. cold_alert_s=.. warm_ready_s=.. warm_plan_s=.. load=..`.
 */
async function measure(dataDir: string): Promise<{ readyS: number; planS: number; alertS: number; steps: string }> {
  const began = Date.now();
  const run = await startAllInOneProcess({ PGLITE_DATA_DIR: dataDir, GATEWAY_PORT: '0', EMBEDDED_MQTT_PORT: '0', DATABASE_URL: '', MQTT_URL: '', REDIS_URL: '' });
  const readyS = (Date.now() - began) / 1000;
  try {
    const steps = /started in\s+(.*)/.exec(run.output())?.[1] ?? '?';
    const api = await login(run.url, 'admin', 'vulgraad-demo');
    const at = await Promise.all([
      eventually('a plan', async () => ((await api.get<unknown[]>('api/plans')).length > 0 ? Date.now() : null), 300_000),
      eventually('the fire alert', async () => ((await api.get<Array<{ cause: string }>>('api/alerts')).some((a) => a.cause === 'temperature_high') ? Date.now() : null), 300_000),
    ]);
    return { readyS, planS: (at[0] - began) / 1000, alertS: (at[1] - began) / 1000, steps };
  } finally {
    const stopped = await run.stop('SIGTERM');
    if (stopped.code !== 0) process.stderr.write(`stop ended with ${JSON.stringify(stopped)}\n${run.output().split('\n').slice(-20).join('\n')}\n`);
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vulgraad-startup-bench-'));
  const round = (n: number): string => n.toFixed(1);
  try {
    const cold = await measure(dataDir);
    process.stdout.write(`cold: ready ${round(cold.readyS)} s, first plan ${round(cold.planS)} s, fire alert ${round(cold.alertS)} s; inside: ${cold.steps}\n`);
    const warm = await measure(dataDir);
    process.stdout.write(`warm: ready ${round(warm.readyS)} s, first plan ${round(warm.planS)} s, fire alert ${round(warm.alertS)} s; inside: ${warm.steps}\n`);
    process.stdout.write(
      `startup cold_ready_s=${round(cold.readyS)} cold_plan_s=${round(cold.planS)} cold_alert_s=${round(cold.alertS)} warm_ready_s=${round(warm.readyS)} warm_plan_s=${round(warm.planS)} load=${round(loadavg()[0] ?? 0)}\n`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

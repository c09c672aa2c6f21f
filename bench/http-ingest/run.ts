/**
 * npm run bench:http-ingest
 *
 * How the ingest takes The Things Stack webhooks over HTTP, beside its MQTT
 * ingest of the same uplinks measured in the same run on the same machine.
 * One ingest process (apps/ingest/src/main.ts, as in production) on a
 * scratch PostgreSQL and a Mosquitto of the run; load generators in
 * processes of their own (load.ts). Three phases, each on fresh readings:
 *   1. MQTT: TTN v3 uplinks published at QoS 1 as fast as the broker takes
 *      them; readings committed per second (until the last commit).
 *   2. HTTP, throughput: webhook requests on BENCH_HTTP_CONCURRENCY
 *      keep-alive connections, one request at a time on each, as fast as
 *      answers come; each answer comes after the commit, so readings per
 *      second = answered per second.
 *   3. HTTP, latency: BENCH_HTTP_RATE (1,000) requests a second, open loop;
 *      p99 from when each request was due to its answer.
 * Then counts what is stored: every sent reading once (lost, duplicated).
 * Each phase's line gives the ingest's CPU per message and the load
 * generator's: they share the machine's cores, so a generator that costs
 * less leaves more to the ingest (and to PostgreSQL, the broker).
 * Last line:
 *   httpingest requests_per_s=<x> readings_per_s=<x> mqtt_readings_per_s=<x> p99_ms=<x> lost=<n> duplicated=<n>
 *
 * Env: BENCH_MQTT_MESSAGES (40000), BENCH_HTTP_MESSAGES (40000),
 * BENCH_HTTP_CONCURRENCY (256), BENCH_HTTP_RATE (1000), BENCH_HTTP_RATE_S (20),
 * BENCH_DEVICES (1000 per phase), TEST_DATABASE_URL, and any INGEST_* variable.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ContainersRepository, createScratchDatabase, DevicesRepository, type ScratchDatabase } from '@vulgraad/database';
import { generateSecret, hashSecret, HttpIntegrationsRepository } from '@vulgraad/security';
import { spawnIngest } from '../../test/ingest/ingest-process';
import { startPrivateBroker } from '../../test/ingest/private-broker';
import { describeCpu, sampleCpu } from '../ingest/proc-stat';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const num = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const MQTT_MESSAGES = num('BENCH_MQTT_MESSAGES', 40_000);
const HTTP_MESSAGES = num('BENCH_HTTP_MESSAGES', 40_000);
const CONCURRENCY = num('BENCH_HTTP_CONCURRENCY', 256);
const RATE = num('BENCH_HTTP_RATE', 1000);
const RATE_SECONDS = num('BENCH_HTTP_RATE_S', 20);
const DEVICES = num('BENCH_DEVICES', 1000);
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
/** Frame counters of the latency phase start here, apart from the throughput phase's. */
const LATENCY_FCNT_BASE = 1_000_000;

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

interface LoadSummary {
  sent: number;
  seconds: number;
  perSecond: number;
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  statuses?: Record<string, number>;
  retries?: number;
  /** Connections the HTTP generator opened. */
  connections?: number;
  /** The generator's own CPU (user + system) from its start line on. */
  cpuSeconds?: number;
}

/** The load generator's CPU per message, for the phase's line. */
const generatorCpu = (summary: LoadSummary, count: number, unit: string): string =>
  summary.cpuSeconds === undefined ? '' : `; load generator cpu ${summary.cpuSeconds.toFixed(1)} s, ${((summary.cpuSeconds * 1e6) / count).toFixed(1)} us per ${unit}`;

function runLoad(env: Record<string, string>): { started: Promise<number>; done: Promise<LoadSummary> } {
  const child = spawn(process.execPath, ['-r', './tools/register.js', 'bench/http-ingest/load.ts'], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let resolveStart: (t: number) => void = () => undefined;
  let summary: LoadSummary | null = null;
  const started = new Promise<number>((resolve) => (resolveStart = resolve));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('start ')) resolveStart(Number(line.slice(6)));
    else if (line.startsWith('{')) summary = JSON.parse(line) as LoadSummary;
  });
  const done = new Promise<LoadSummary>((resolve, reject) => child.on('exit', (code) => (code === 0 && summary ? resolve(summary) : reject(new Error(`load generator exited with ${code}`)))));
  return { started, done };
}

async function seed(scratch: ScratchDatabase, label: string): Promise<Array<{ ref: string; eui: string }>> {
  const containers = await new ContainersRepository(scratch.db).upsert(
    Array.from({ length: DEVICES }, (_, i) => ({ externalRef: `${label}-c${i}`, lng: 4.9, lat: 52.37, district: 'Centrum', wasteType: 'residual' as const, volumeL: 5000, depthMm: 2500 })),
  );
  const devices = await new DevicesRepository(scratch.db).upsert(
    Array.from({ length: DEVICES }, (_, i) => ({ externalRef: `${label}-d${i}`, devEui: randomBytes(8).toString('hex'), lorawanApplicationId: 'bench' })),
  );
  const containerByRef = new Map(containers.map((c) => [c.externalRef, c.id]));
  await scratch.db.transaction((tx) =>
    new DevicesRepository(tx).bindMany(devices.map((d) => ({ deviceId: d.id, containerId: containerByRef.get(d.externalRef.replace('-d', '-c'))!, validFrom: new Date('2020-01-01T00:00:00Z') }))),
  );
  return devices.map((d) => ({ ref: d.externalRef, eui: d.devEui! }));
}

async function main(): Promise<void> {
  log(`http ingest benchmark: ${MQTT_MESSAGES} MQTT and ${HTTP_MESSAGES} + ${RATE * RATE_SECONDS} HTTP uplinks (TTS v3), ${DEVICES} devices a phase, ${cpus().length} cores, node ${process.version}, load ${load()}`);
  const scratch = await createScratchDatabase(DATABASE_URL, { prefix: 'bench_http', timescale: 'auto' });
  const broker = await startPrivateBroker();
  try {
    const mqttDevices = await seed(scratch, 'mq');
    const httpDevices = await seed(scratch, 'ht');
    const secret = generateSecret();
    await new HttpIntegrationsRepository(scratch.db).upsert({ name: 'bench', kind: 'tts', secretHash: hashSecret(secret), kpnSharedSecret: null, applications: ['bench'] });
    const prefix = `bench-http-${runId}/`;
    const ingest = await spawnIngest({
      DATABASE_URL: scratch.url,
      MQTT_URL: broker.url,
      INGEST_TOPIC_PREFIX: prefix,
      INGEST_CLIENT_ID: `bench-http-${runId}`,
      INGEST_SHARE_GROUP: `bench-${runId}`,
      DB_MIGRATE_ON_START: 'false',
      DB_MAINTENANCE_INTERVAL_S: '0',
      INGEST_HTTP_RATE_PER_S: '1000000',
      LOG_LEVEL: 'warn',
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('INGEST_')) as Array<[string, string]>),
    });
    /** Batches committed so far and the messages in them, from the ingest's /metrics. */
    const batches = async (): Promise<{ count: number; messages: number }> => {
      const text = await (await fetch(`${ingest.baseUrl}/metrics`)).text();
      const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
      return { count: value('vulgraad_ingest_batch_messages_count'), messages: value('vulgraad_ingest_batch_messages_sum') };
    };
    /** The transactions of a phase, as a phrase for its line: the fewer messages share one, the more each pays for it. */
    const describeBatches = (before: { count: number; messages: number }, after: { count: number; messages: number }): string => {
      const count = after.count - before.count;
      return `${count} transactions, ${((after.messages - before.messages) / count).toFixed(1)} messages each`;
    };
    const stats = async () => (await (await fetch(`${ingest.baseUrl}/stats`)).json()) as { stored: number; lastBatch: { committedAt: string } | null };
    try {
      for (let i = 0; i < 200 && !(await fetch(`${ingest.baseUrl}/health`).then((r) => r.ok, () => false)); i++) await new Promise((resolve) => setTimeout(resolve, 100));

      // 1. MQTT
      let batchesBefore = await batches();
      let cpu = sampleCpu(ingest.child.pid);
      const mqttLoad = runLoad({ BENCH_KIND: 'mqtt', BENCH_MQTT_URL: broker.url, BENCH_TOPIC_PREFIX: prefix, BENCH_DEVICES: mqttDevices.map((d) => `${d.ref}:${d.eui}`).join(','), BENCH_MESSAGES: String(MQTT_MESSAGES) });
      const mqttStart = await mqttLoad.started;
      let last = await stats();
      let quietSince = Date.now();
      let previous = -1;
      while (last.stored < MQTT_MESSAGES && Date.now() - quietSince < 15_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        last = await stats();
        if (last.stored !== previous) quietSince = Date.now();
        previous = last.stored;
      }
      const mqttSummary = await mqttLoad.done;
      const mqttSeconds = ((last.lastBatch ? Date.parse(last.lastBatch.committedAt) : Date.now()) - mqttStart) / 1000;
      const mqttPerS = last.stored / mqttSeconds;
      log(`mqtt: ${last.stored} readings committed in ${mqttSeconds.toFixed(2)} s = ${Math.round(mqttPerS)}/s; ${describeCpu('ingest', cpu, sampleCpu(ingest.child.pid), mqttSeconds, { count: last.stored, unit: 'reading' })}${generatorCpu(mqttSummary, MQTT_MESSAGES, 'message')}; ${describeBatches(batchesBefore, await batches())}; load ${load()}`);

      // 2. HTTP throughput
      const httpEnv = { BENCH_KIND: 'http', BENCH_URL: `${ingest.baseUrl}/uplinks/tts/bench`, BENCH_SECRET: secret, BENCH_DEVICES: httpDevices.map((d) => `${d.ref}:${d.eui}`).join(',') };
      batchesBefore = await batches();
      cpu = sampleCpu(ingest.child.pid);
      const throughput = await runLoad({ ...httpEnv, BENCH_MESSAGES: String(HTTP_MESSAGES), BENCH_CONCURRENCY: String(CONCURRENCY) }).done;
      log(`http, ${CONCURRENCY} concurrent clients: ${throughput.sent} requests in ${throughput.seconds.toFixed(2)} s = ${Math.round(throughput.perSecond)}/s, p50 ${throughput.p50Ms?.toFixed(1)} ms, p99 ${throughput.p99Ms?.toFixed(1)} ms, answers ${JSON.stringify(throughput.statuses)}; ${describeCpu('ingest', cpu, sampleCpu(ingest.child.pid), throughput.seconds, { count: throughput.sent, unit: 'request' })}${generatorCpu(throughput, throughput.sent, 'request')}; ${describeBatches(batchesBefore, await batches())}; load ${load()}`);

      // 3. HTTP latency at a fixed rate
      batchesBefore = await batches();
      cpu = sampleCpu(ingest.child.pid);
      const latency = await runLoad({ ...httpEnv, BENCH_MESSAGES: String(RATE * RATE_SECONDS), BENCH_RATE: String(RATE), BENCH_CONCURRENCY: '1024', BENCH_FCNT_BASE: String(LATENCY_FCNT_BASE) }).done;
      log(`http at ${RATE}/s: ${latency.sent} requests in ${latency.seconds.toFixed(2)} s = ${Math.round(latency.perSecond)}/s, p50 ${latency.p50Ms?.toFixed(1)} ms, p99 ${latency.p99Ms?.toFixed(1)} ms, max ${latency.maxMs?.toFixed(1)} ms, answers ${JSON.stringify(latency.statuses)} on ${latency.connections} connections; ${describeCpu('ingest', cpu, sampleCpu(ingest.child.pid), latency.seconds, { count: latency.sent, unit: 'request' })}${generatorCpu(latency, latency.sent, 'request')}; ${describeBatches(batchesBefore, await batches())}; load ${load()}`);

      const { rows } = await scratch.db.query<{ prefix: string; stored: number; distinct_readings: number; throughput_phase: number }>(
        `SELECT left(d.external_ref, 2) AS prefix, count(*)::int AS stored, count(DISTINCT (r.device_id, r.seq))::int AS distinct_readings,
                count(DISTINCT (r.device_id, r.seq)) FILTER (WHERE r.seq < $1)::int AS throughput_phase
         FROM readings r JOIN devices d ON d.id = r.device_id GROUP BY 1`,
        [LATENCY_FCNT_BASE],
      );
      const of = (p: string) => rows.find((r) => r.prefix === p) ?? { stored: 0, distinct_readings: 0, throughput_phase: 0 };
      // Each answer came after its commit: the throughput phase's readings were all stored within its time.
      const httpReadingsPerS = of('ht').throughput_phase / throughput.seconds;
      const sent = { mq: MQTT_MESSAGES, ht: HTTP_MESSAGES + RATE * RATE_SECONDS };
      const lost = sent.mq - of('mq').distinct_readings + (sent.ht - of('ht').distinct_readings);
      const duplicated = of('mq').stored - of('mq').distinct_readings + (of('ht').stored - of('ht').distinct_readings);
      log(`stored: mqtt ${of('mq').distinct_readings} of ${sent.mq}, http ${of('ht').distinct_readings} of ${sent.ht}; readings/s http/mqtt ${(httpReadingsPerS / mqttPerS).toFixed(2)}; load at the end ${load()}`);
      log(
        `httpingest requests_per_s=${Math.round(throughput.perSecond)} readings_per_s=${Math.round(httpReadingsPerS)} mqtt_readings_per_s=${Math.round(mqttPerS)} ` +
          `p99_ms=${latency.p99Ms?.toFixed(1)} lost=${lost} duplicated=${duplicated}`,
      );
    } finally {
      await ingest.kill('SIGTERM');
    }
  } finally {
    await broker.stop();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

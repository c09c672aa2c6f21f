/**
 * npm run bench:ingest-paced
 *
 * The ingest's CPU per reading at the live pace: a publisher sends native
 * readings over MQTT (QoS 1) at a steady rate (bench:live's 5,000/s over
 * 10,000 containers), as sensors do, and the real ingest process commits them
 * and publishes container.state over Redis; nothing else runs beside it (no
 * gateway, no browsers), so the ingest's own cost stands apart from theirs.
 * At this pace the batches are small and the fixed costs of a batch (its
 * transaction's round trips, its timer, its events) weigh more than at the
 * full drain speed of bench:ingest. The last line is the result:
 *   ingest-paced rate=<readings/s> cpu_us_per_reading=<x> batches=<n> readings_per_batch=<x> pg_us_per_reading=<x> lost=<n> duplicated=<n>
 * cpu_us_per_reading is the ingest process's CPU (user + system, /proc) from
 * the first publish until every reading is stored, per reading; pg_us_per_reading
 * the same for the PostgreSQL backends serving its database. lost counts the
 * readings published and not in the readings table, duplicated those in it twice.
 *
 * Env: BENCH_LIVE_RATE (5000), BENCH_LIVE_CONTAINERS (10000), BENCH_PACED_SECONDS
 * (20), INGEST_BATCH_WAIT_MS (10, as bench:live) and any INGEST_* variable for
 * the ingest, BENCH_INGEST_NODE_ARGS for Node options of the ingest process
 * (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`), TEST_DATABASE_URL / TEST_REDIS_URL.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { createScratchDatabase } from '@vulgraad/database';
import { RedisEventBus } from '@vulgraad/events';
import { buildNativeReading } from '@vulgraad/payloads';
import mqtt from 'mqtt';
import { spawnIngest } from '../../test/ingest/ingest-process';
import { startPrivateBroker } from '../../test/ingest/private-broker';
import { describeCpu, sampleCpu } from './proc-stat';
import { runMain } from '../run-main';
import { backendCpu, seedSensorGrid } from './scratch-sensors';

const RATE = Number(process.env.BENCH_LIVE_RATE ?? 5000);
const CONTAINERS = Number(process.env.BENCH_LIVE_CONTAINERS ?? 10_000);
const SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 20);
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

async function main(): Promise<void> {
  const batchWait = process.env.INGEST_BATCH_WAIT_MS ?? '10';
  log(`ingest-paced: ${CONTAINERS} containers, ${RATE} readings/s for ${SECONDS} s, ingest batch wait ${batchWait} ms; ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), load ${load()}`);
  const scratch = await createScratchDatabase(DATABASE_URL, { prefix: 'benchpaced', poolSize: 2 });
  const broker = await startPrivateBroker();
  const topicPrefix = `bench-paced-${run}/`;
  let publisher: mqtt.MqttClient | null = null;
  let tap: RedisEventBus | null = null;
  const devices = await seedSensorGrid(scratch, CONTAINERS, `ip${run}`);
  const ingest = await spawnIngest({
    DATABASE_URL: scratch.url,
    REDIS_URL,
    // Channels of this run's own: another run on the same Redis would otherwise reach this tap.
    EVENTS_REDIS_PREFIX: `bench-paced-${run}:events:`,
    MQTT_URL: broker.url,
    DB_MAINTENANCE_INTERVAL_S: '0',
    DB_POOL_SIZE: '4',
    INGEST_TOPIC_PREFIX: topicPrefix,
    INGEST_CLIENT_ID: `bench-paced-${run}`,
    INGEST_SHARE_GROUP: `bench-paced-${run}`,
    ...(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('INGEST_'))) as Record<string, string>),
    INGEST_BATCH_WAIT_MS: batchWait,
  });
  try {
    // The states on the bus: how many arrived, and how long after their reading was published.
    const publishedAt = new Map<string, number>();
    const stage: number[] = [];
    tap = new RedisEventBus(REDIS_URL, `bench-paced-${run}:events:`);
    await tap.subscribe('container.state', (e) => {
      const at = publishedAt.get(`${e.containerId}|${Date.parse(e.measuredAt)}`);
      if (at !== undefined) stage.push(Date.now() - at);
    });
    publisher = await mqtt.connectAsync(broker.url, { clientId: `bench-paced-pub-${run}`, protocolVersion: 5, clean: true });
    const statsOf = async (): Promise<{ stored: number; duplicates: number; batches: number }> =>
      (await (await fetch(`${ingest.baseUrl}/stats`)).json()) as { stored: number; duplicates: number; batches: number };
    const statsBefore = await statsOf();
    const backendsBefore = await backendCpu(scratch);
    const cpuBefore = sampleCpu(ingest.child.pid);
    const loadAtStart = load();
    const seqs = new Uint32Array(devices.length);
    const t0 = Date.now();
    const end = t0 + SECONDS * 1000;
    let sent = 0;
    let next = 0;
    while (Date.now() < end) {
      const due = Math.floor(((Date.now() - t0) / 1000) * RATE) - sent;
      for (let k = 0; k < due; k++) {
        const idx = next;
        next = (next + 1) % devices.length;
        const measuredAtMs = Date.now();
        const reading = buildNativeReading(devices[idx]!, { ts: new Date(measuredAtMs).toISOString(), fillPct: (seqs[idx]! * 3) % 100, batteryPct: 80, temperatureC: 14, seq: ++seqs[idx]! });
        publishedAt.set(`ip${run}-${idx}|${measuredAtMs}`, measuredAtMs);
        publisher.publish(topicPrefix + reading.topic, reading.payload, { qos: 1 });
      }
      if (due > 0) sent += due;
      await sleep(5);
    }
    const publishSeconds = (Date.now() - t0) / 1000;
    // Until every reading is stored (or nothing more comes for 15 s).
    let stats = await statsOf();
    let quietSince = Date.now();
    let previous = -1;
    while (stats.stored + stats.duplicates - statsBefore.stored - statsBefore.duplicates < sent && Date.now() - quietSince < 15_000) {
      await sleep(100);
      stats = await statsOf();
      if (stats.stored !== previous) quietSince = Date.now();
      previous = stats.stored;
    }
    const seconds = (Date.now() - t0) / 1000;
    const cpuAfter = sampleCpu(ingest.child.pid);
    const backendsAfter = await backendCpu(scratch);
    let pgSeconds = 0;
    for (const [pid, cpu] of backendsAfter) pgSeconds += cpu - (backendsBefore.get(pid) ?? 0);
    await sleep(500);
    const { rows } = await scratch.db.query<{ stored: number; distinct_readings: number }>(
      'SELECT count(*)::int AS stored, count(DISTINCT (device_id, seq))::int AS distinct_readings FROM readings',
    );
    const lost = sent - rows[0]!.distinct_readings;
    const duplicated = rows[0]!.stored - rows[0]!.distinct_readings;
    const batches = stats.batches - statsBefore.batches;
    const cpu = cpuAfter.cpuSeconds - cpuBefore.cpuSeconds;
    stage.sort((a, b) => a - b);
    const q = (p: number): string => (stage.length === 0 ? '-' : String(stage[Math.min(stage.length - 1, Math.floor(stage.length * p))]));
    log(`ingest-paced: published ${sent} readings in ${publishSeconds.toFixed(1)} s (${Math.round(sent / publishSeconds)}/s), all stored after ${seconds.toFixed(1)} s; load at start ${loadAtStart}, at end ${load()}`);
    log(`ingest-paced: ${describeCpu('ingest', cpuBefore, cpuAfter, seconds, { count: sent, unit: 'reading' })}; PostgreSQL backends cpu ${pgSeconds.toFixed(1)} s`);
    log(`ingest-paced: ${batches} batches (${(sent / Math.max(1, batches)).toFixed(1)} readings each); publish -> container.state on Redis for ${stage.length} states: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`);
    log(
      `ingest-paced rate=${Math.round(sent / publishSeconds)} cpu_us_per_reading=${((cpu * 1e6) / sent).toFixed(1)} batches=${batches} readings_per_batch=${(sent / Math.max(1, batches)).toFixed(1)} ` +
        `pg_us_per_reading=${((pgSeconds * 1e6) / sent).toFixed(1)} lost=${lost} duplicated=${duplicated}`,
    );
  } finally {
    await publisher?.endAsync().catch(() => undefined);
    await tap?.close();
    await ingest.kill();
    await broker.stop();
    await scratch.drop();
  }
}

runMain(main);

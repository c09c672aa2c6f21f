/**
 * npm run bench:ingest
 *
 * How many readings per second the ingest commits when a separate process
 * publishes them at QoS 1 through a local Mosquitto, beside two raw limits
 * measured in the same run on the same machine: a bare mqtt.js subscriber on
 * the same broker with the same publisher, and a bare COPY of the same rows
 * into the same readings table. Then checks that nothing was lost or stored
 * twice. Then the same again without the publisher setting the pace (drain
 * mode): the messages are published while the subscriber is away and wait in
 * its persistent session at the broker, and the bare subscriber, then the
 * ingest, reconnect and take them all. The last line is the result:
 *   ingest readings_per_s=<n> raw_subscriber_per_s=<n> raw_copy_per_s=<n> ratio=<ingest/raw_subscriber>
 *     drain_ratio=<ingest/raw_subscriber, draining> cpu_us_per_reading=<x> lost=<n> duplicated=<n> absorbed=<n>
 * cpu_us_per_reading is the ingest process's CPU (user + system, /proc) per
 * reading in the paced run, from the first publish to the end; PostgreSQL's
 * is not in it (the ingest's log lines give it apart: the CPU of the backends
 * connected to the run's database). lost and duplicated count both runs; absorbed is the
 * redeliveries the unique key turned away (the ingest's duplicates counter).
 * The drain lines also give the private broker's CPU per message (the
 * three of ingest, PostgreSQL and broker share the machine's cores) and the
 * ingest process's peak resident memory (VmHWM), what a larger receive
 * window or buffer costs.
 *
 * The broker is a Mosquitto started for the run with the settings the README
 * asks of production (no cap on queued QoS 1 messages, TCP_NODELAY). The
 * publisher sends as fast as the broker acknowledges, so whenever the ingest
 * is slower than it the backlog waits at the broker; the machine's Mosquitto
 * (BENCH_INGEST_BROKER=machine) keeps Debian's default of 1,000 queued
 * messages per client and drops the rest ("Outgoing messages are being
 * dropped" in its log), which lost= then counts.
 *
 * Env: BENCH_INGEST_MESSAGES (default 200000), BENCH_INGEST_DEVICES (1000),
 * BENCH_INGEST_DRAIN (1; 0 leaves the drain mode out and prints drain_ratio=-),
 * BENCH_INGEST_BROKER (private | machine), TEST_DATABASE_URL / TEST_MQTT_URL
 * (the machine's services), any INGEST_* variable to try another setting
 * of the ingest, and BENCH_INGEST_NODE_ARGS for Node options of the ingest
 * process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it; Node
 * refuses --cpu-prof in NODE_OPTIONS). The last two apply to bench:http-ingest
 * and bench:live too.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  ContainersRepository, createScratchDatabase, DevicesRepository, readingsAsCopyText, READING_COLUMNS, type ReadingRow, type ScratchDatabase,
} from '@vulgraad/database';
import mqtt from 'mqtt';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type IngestProcess, spawnIngest } from '../../test/ingest/ingest-process';
import { type PrivateBroker, startPrivateBroker } from '../../test/ingest/private-broker';
import { describeCpu, peakRssMb, sampleCpu } from './proc-stat';
import { backendCpu } from './scratch-sensors';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const MESSAGES = Number(process.env.BENCH_INGEST_MESSAGES ?? 200_000);
const DEVICES = Number(process.env.BENCH_INGEST_DEVICES ?? 1000);
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MACHINE_MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const BROKER = process.env.BENCH_INGEST_BROKER === 'machine' ? 'machine' : 'private';
const DRAIN = process.env.BENCH_INGEST_DRAIN !== '0';
/** Set in main() once the broker is known. */
let mqttUrl = MACHINE_MQTT_URL;
/** The private broker's process (undefined on the machine's broker): its CPU per message drained is logged beside the subscriber's. */
let brokerPid: number | undefined;
const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Runs the publisher process; resolves with the time of its first publish and its own summary. */
function runPublisher(prefix: string, devices: string[]): { started: Promise<number>; done: Promise<{ perSecond: number; seconds: number }> } {
  const child = spawn(process.execPath, ['-r', './tools/register.js', 'bench/ingest/publisher.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, BENCH_MQTT_URL: mqttUrl, BENCH_TOPIC_PREFIX: prefix, BENCH_DEVICES: devices.join(','), BENCH_MESSAGES: String(MESSAGES) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let resolveStart: (t: number) => void = () => undefined;
  let summary: { perSecond: number; seconds: number } | null = null;
  const started = new Promise<number>((resolve) => (resolveStart = resolve));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('start ')) resolveStart(Number(line.slice(6)));
    else if (line.startsWith('{')) summary = JSON.parse(line) as { perSecond: number; seconds: number };
  });
  const done = new Promise<{ perSecond: number; seconds: number }>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 && summary ? resolve(summary) : reject(new Error(`publisher exited with ${code}`)))),
  );
  return { started, done };
}

async function measureRawSubscriber(devices: string[]): Promise<number> {
  const prefix = `bench-raw-${runId}/`;
  const client = await mqtt.connectAsync(mqttUrl, {
    protocolVersion: 5,
    clientId: `bench-raw-${runId}`,
    clean: true,
    properties: { receiveMaximum: 65535 },
  });
  let received = 0;
  let lastAt = 0;
  const all = new Promise<void>((resolve) => {
    client.on('message', () => {
      received++;
      if (received === MESSAGES) {
        lastAt = Date.now();
        resolve();
      }
    });
  });
  await client.subscribeAsync(`${prefix}#`, { qos: 1 });
  const cpuBefore = sampleCpu(process.pid);
  const publisher = runPublisher(prefix, devices);
  const startedAt = await publisher.started;
  await Promise.race([all, publisher.done.then(() => new Promise((resolve) => setTimeout(resolve, 30_000)))]);
  const cpuAfter = sampleCpu(process.pid);
  const publisherSummary = await publisher.done;
  await client.endAsync();
  if (received < MESSAGES) throw new Error(`raw subscriber got ${received} of ${MESSAGES} messages`);
  const perSecond = MESSAGES / ((lastAt - startedAt) / 1000);
  log(
    `raw subscriber: ${MESSAGES} messages in ${((lastAt - startedAt) / 1000).toFixed(2)} s (publisher alone ${publisherSummary.perSecond}/s); ` +
      describeCpu('subscriber (this process)', cpuBefore, cpuAfter, (lastAt - startedAt) / 1000, { count: MESSAGES, unit: 'message' }),
  );
  return perSecond;
}

function benchRows(deviceIds: string[], containerIds: string[]): ReadingRow[] {
  const base = Date.now() - 86_400_000;
  return Array.from({ length: MESSAGES }, (_, i) => ({
    containerId: containerIds[i % containerIds.length] as string,
    deviceId: deviceIds[i % deviceIds.length] as string,
    measuredAt: new Date(base + i * 10),
    receivedAt: new Date(),
    fillPct: 40,
    distanceMm: 500 + (i % 1500),
    levelMm: null,
    temperatureC: 14.5,
    batteryPct: 87,
    batteryV: null,
    rssiDbm: null,
    snrDb: null,
    seq: Math.floor(i / deviceIds.length),
    tiltDeg: null,
    flags: [],
    alarms: [],
    format: 'native',
    correlationId: null,
  }));
}

async function measureRawCopy(scratch: ScratchDatabase, deviceIds: string[], containerIds: string[]): Promise<number> {
  const text = readingsAsCopyText(benchRows(deviceIds, containerIds));
  const client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  try {
    const started = process.hrtime.bigint();
    await pipeline(Readable.from([Buffer.from(text)]), client.query(copyFrom(`COPY readings (${READING_COLUMNS.join(', ')}) FROM STDIN`)));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await client.query('TRUNCATE readings');
    log(`raw COPY: ${MESSAGES} rows in ${seconds.toFixed(2)} s`);
    return MESSAGES / seconds;
  } finally {
    await client.end();
  }
}

/** The ingest's settings for both runs: those of the run, then any INGEST_* of the environment. */
function ingestEnv(scratch: ScratchDatabase, prefix: string, extra: Record<string, string>): Record<string, string> {
  return {
    DATABASE_URL: scratch.url,
    MQTT_URL: mqttUrl,
    INGEST_TOPIC_PREFIX: prefix,
    DB_MIGRATE_ON_START: 'false',
    DB_MAINTENANCE_INTERVAL_S: '0',
    ...extra,
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('INGEST_')) as Array<[string, string]>),
  };
}

/** The backends' CPU seconds between two backendCpu() calls. */
function backendSeconds(before: Map<number, number>, after: Map<number, number>): number {
  let seconds = 0;
  for (const [pid, cpu] of after) seconds += cpu - (before.get(pid) ?? 0);
  return seconds;
}

/** The private broker's CPU per message between two samples ('' on the machine's broker, whose CPU other clients share). */
const describeBroker = (before: ReturnType<typeof sampleCpu>, after: ReturnType<typeof sampleCpu>, messages: number): string =>
  brokerPid === undefined ? '' : `; broker cpu ${(after.cpuSeconds - before.cpuSeconds).toFixed(1)} s (${(((after.cpuSeconds - before.cpuSeconds) * 1e6) / Math.max(1, messages)).toFixed(1)} us per message)`;

const describeBackends = (seconds: number, readings: number): string =>
  `; PostgreSQL backends of the run cpu ${seconds.toFixed(1)} s (${((seconds * 1e6) / Math.max(1, readings)).toFixed(1)} us per reading)`;

interface IngestStats {
  stored: number;
  duplicates: number;
  lastBatch: { committedAt: string } | null;
}

const statsOf = async (ingest: IngestProcess): Promise<IngestStats> => (await (await fetch(`${ingest.baseUrl}/stats`)).json()) as IngestStats;

async function waitHealthy(ingest: IngestProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const health = await fetch(`${ingest.baseUrl}/health`).catch(() => null);
    if (health?.ok) return;
    await sleep(100);
  }
}

/** Polls /stats until `expected` readings are stored, or nothing more is stored for 15 s (then something was lost). */
async function waitStored(ingest: IngestProcess, expected: number, untilAlso: Promise<unknown> = Promise.resolve()): Promise<IngestStats> {
  let last = await statsOf(ingest);
  const deadline = Date.now() + 600_000;
  let quietSince = Date.now();
  let previous = -1;
  while (last.stored + last.duplicates < expected && Date.now() < deadline) {
    // Every request costs the ingest CPU that would count as its own: asked twice a second (the rate is taken from the last commit's time, not from here).
    await sleep(500);
    last = await statsOf(ingest);
    if (last.stored !== previous) quietSince = Date.now();
    previous = last.stored;
    if (Date.now() - quietSince > 15_000) break;
  }
  await untilAlso;
  return last;
}

/** Readings in the table now, distinct and in all; then empties it for the next run. */
async function countAndClear(scratch: ScratchDatabase): Promise<{ lost: number; duplicated: number; distinct: number }> {
  const { rows } = await scratch.db.query<{ stored: number; distinct_readings: number }>(
    'SELECT count(*)::int AS stored, count(DISTINCT (device_id, seq))::int AS distinct_readings FROM readings',
  );
  const counts = rows[0]!;
  await scratch.db.query('TRUNCATE readings, container_state');
  return { lost: MESSAGES - counts.distinct_readings, duplicated: counts.stored - counts.distinct_readings, distinct: counts.distinct_readings };
}

interface IngestRun {
  perSecond: number;
  cpuUsPerReading: number;
  lost: number;
  duplicated: number;
  absorbed: number;
}

async function measureIngest(scratch: ScratchDatabase, devices: string[]): Promise<IngestRun> {
  const prefix = `bench-ingest-${runId}/`;
  const ingest = await spawnIngest(ingestEnv(scratch, prefix, { INGEST_CLIENT_ID: `bench-ingest-${runId}`, INGEST_SHARE_GROUP: `bench-${runId}` }));
  try {
    await waitHealthy(ingest);
    const backendsBefore = await backendCpu(scratch);
    const cpuBefore = sampleCpu(ingest.child.pid);
    const publisher = runPublisher(prefix, devices);
    const startedAt = await publisher.started;
    const last = await waitStored(ingest, MESSAGES, publisher.done);
    const cpuAfter = sampleCpu(ingest.child.pid);
    const peakMb = peakRssMb(ingest.child.pid);
    const backends = backendSeconds(backendsBefore, await backendCpu(scratch));
    const endAt = last.lastBatch ? Date.parse(last.lastBatch.committedAt) : Date.now();
    const seconds = (endAt - startedAt) / 1000;
    const metrics = await (await fetch(`${ingest.baseUrl}/metrics`)).text();
    const metric = (name: string): number => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(metrics)?.[1] ?? NaN);
    const batches = metric('vulgraad_ingest_batch_seconds_count');
    log(
      `ingest: ${last.stored} readings committed in ${seconds.toFixed(2)} s; ${batches} batches, ` +
        `${(metric('vulgraad_ingest_batch_messages_sum') / batches).toFixed(0)} messages and ` +
        `${((metric('vulgraad_ingest_batch_seconds_sum') / batches) * 1000).toFixed(1)} ms each on average; ` +
        describeCpu('ingest process', cpuBefore, cpuAfter, (Date.now() - startedAt) / 1000, { count: last.stored, unit: 'reading' }) + " (PostgreSQL's not counted)" +
        describeBackends(backends, last.stored) + `; ingest peak RSS ${peakMb.toFixed(0)} MB`,
    );
    await sleep(1000);
    const absorbed = (await statsOf(ingest)).duplicates;
    const counts = await countAndClear(scratch);
    return {
      perSecond: counts.distinct / seconds, cpuUsPerReading: ((cpuAfter.cpuSeconds - cpuBefore.cpuSeconds) * 1e6) / Math.max(1, last.stored),
      lost: counts.lost, duplicated: counts.duplicated, absorbed,
    };
  } finally {
    await ingest.kill('SIGTERM');
  }
}

/** Publishes every message while nobody reads them: they wait in the persistent sessions subscribed before. */
async function fillSessions(prefix: string, devices: string[]): Promise<void> {
  const publisher = runPublisher(prefix, devices);
  const summary = await publisher.done;
  log(`drain: ${MESSAGES} messages published in ${summary.seconds.toFixed(1)} s (${summary.perSecond}/s) and waiting at the broker`);
}

/** The bare subscriber's drain: subscribe in a persistent session, leave, let the backlog build, come back and take it all. */
async function measureRawDrain(devices: string[]): Promise<number> {
  const prefix = `bench-rawdrain-${runId}/`;
  const options = { protocolVersion: 5 as const, clientId: `bench-rawdrain-${runId}`, clean: false, properties: { sessionExpiryInterval: 3600, receiveMaximum: 65535 } };
  const first = await mqtt.connectAsync(mqttUrl, options);
  await first.subscribeAsync(`${prefix}#`, { qos: 1 });
  await first.endAsync();
  await fillSessions(prefix, devices);
  const cpuBefore = sampleCpu(process.pid);
  const brokerBefore = sampleCpu(brokerPid);
  const startedAt = Date.now();
  let received = 0;
  let lastAt = 0;
  const client = mqtt.connect(mqttUrl, options);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`raw subscriber drained ${received} of ${MESSAGES} messages`)), 600_000);
    client.on('message', () => {
      if (++received === MESSAGES) {
        lastAt = Date.now();
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const cpuAfter = sampleCpu(process.pid);
  const brokerAfter = sampleCpu(brokerPid);
  await client.endAsync();
  const seconds = (lastAt - startedAt) / 1000;
  log(
    `drain, raw subscriber: ${MESSAGES} messages in ${seconds.toFixed(2)} s from its connect; ` +
      describeCpu('subscriber (this process)', cpuBefore, cpuAfter, seconds, { count: MESSAGES, unit: 'message' }) + describeBroker(brokerBefore, brokerAfter, MESSAGES),
  );
  return MESSAGES / seconds;
}

/** The ingest's drain: it subscribes once (persistent session, no share group) and stops; the backlog builds; a new ingest process takes it. */
async function measureIngestDrain(scratch: ScratchDatabase, devices: string[]): Promise<IngestRun> {
  const prefix = `bench-drain-${runId}/`;
  const env = ingestEnv(scratch, prefix, { INGEST_CLIENT_ID: `bench-drain-${runId}`, INGEST_SHARE_GROUP: '' });
  const subscriber = await spawnIngest(env);
  for (let i = 0; i < 300 && !subscriber.logs.some((l) => l.msg === 'subscribed'); i++) await sleep(100);
  await subscriber.kill('SIGTERM');
  await fillSessions(prefix, devices);
  const ingest = await spawnIngest(env);
  try {
    // The ingest starts taking messages as soon as it is connected, before it listens on HTTP: time and CPU from the figures of then.
    const atListen = await statsOf(ingest);
    const backendsBefore = await backendCpu(scratch);
    const cpuBefore = sampleCpu(ingest.child.pid);
    const brokerBefore = sampleCpu(brokerPid);
    const listenedAt = Date.now();
    const last = await waitStored(ingest, MESSAGES);
    const cpuAfter = sampleCpu(ingest.child.pid);
    const brokerAfter = sampleCpu(brokerPid);
    const peakMb = peakRssMb(ingest.child.pid);
    const backends = backendSeconds(backendsBefore, await backendCpu(scratch));
    const wallSeconds = (Date.now() - listenedAt) / 1000;
    const connectedAt = Date.parse(String(ingest.logs.find((l) => l.msg === 'connected to broker')?.t ?? NaN));
    const endAt = last.lastBatch ? Date.parse(last.lastBatch.committedAt) : Date.now();
    const seconds = (endAt - connectedAt) / 1000;
    log(
      `drain, ingest: ${last.stored} readings committed in ${seconds.toFixed(2)} s from its connect (${atListen.stored} before it listened on HTTP); ` +
        describeCpu('ingest process after that', cpuBefore, cpuAfter, wallSeconds, {
          count: last.stored - atListen.stored, unit: 'reading',
        }) + describeBackends(backends, last.stored - atListen.stored) + describeBroker(brokerBefore, brokerAfter, last.stored - atListen.stored) + `; ingest peak RSS ${peakMb.toFixed(0)} MB (a process of its own, started for the drain)`,
    );
    await sleep(1000);
    const absorbed = (await statsOf(ingest)).duplicates;
    const counts = await countAndClear(scratch);
    return {
      perSecond: counts.distinct / seconds, cpuUsPerReading: ((cpuAfter.cpuSeconds - cpuBefore.cpuSeconds) * 1e6) / Math.max(1, last.stored - atListen.stored),
      lost: counts.lost, duplicated: counts.duplicated, absorbed,
    };
  } finally {
    await ingest.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');
  log(`ingest benchmark: ${MESSAGES} readings from ${DEVICES} devices, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, load ${load()}`);
  const scratch = await createScratchDatabase(DATABASE_URL, { prefix: 'bench_ingest', timescale: 'auto' });
  let broker: PrivateBroker | null = null;
  try {
    if (BROKER === 'private') broker = await startPrivateBroker();
    mqttUrl = broker?.url ?? MACHINE_MQTT_URL;
    brokerPid = broker?.pid;
    log(`broker: ${broker ? `Mosquitto of this run at ${mqttUrl} (max_queued_messages 0, set_tcp_nodelay true)` : `the machine's Mosquitto at ${mqttUrl}`}`);
    const containers = await new ContainersRepository(scratch.db).upsert(
      Array.from({ length: DEVICES }, (_, i) => ({
        externalRef: `bench-c${i}`, lng: 4.9, lat: 52.37, district: 'Centrum', wasteType: 'residual' as const, volumeL: 5000, depthMm: 2500,
      })),
    );
    const devices = await new DevicesRepository(scratch.db).upsert(Array.from({ length: DEVICES }, (_, i) => ({ externalRef: `bench-d${i}` })));
    const containerByRef = new Map(containers.map((c) => [c.externalRef, c.id]));
    await scratch.db.transaction((tx) =>
      new DevicesRepository(tx).bindMany(devices.map((d) => ({ deviceId: d.id, containerId: containerByRef.get(d.externalRef.replace('-d', '-c'))!, validFrom: new Date('2020-01-01T00:00:00Z') }))),
    );
    const refs = devices.map((d) => d.externalRef);

    const rawSubscriber = await measureRawSubscriber(refs);
    const rawCopy = await measureRawCopy(scratch, devices.map((d) => d.id), devices.map((d) => containerByRef.get(d.externalRef.replace('-d', '-c'))!));
    const ingest = await measureIngest(scratch, refs);
    log(`load after the paced runs ${load()}`);
    let drainRatio = '-';
    let drain: IngestRun | null = null;
    if (DRAIN) {
      const rawDrain = await measureRawDrain(refs);
      drain = await measureIngestDrain(scratch, refs);
      drainRatio = (drain.perSecond / rawDrain).toFixed(2);
      log(`drain: ingest ${Math.round(drain.perSecond)}/s, raw subscriber ${Math.round(rawDrain)}/s; ingest cpu ${drain.cpuUsPerReading.toFixed(1)} us per reading; lost ${drain.lost}, duplicated ${drain.duplicated}, absorbed ${drain.absorbed}`);
    }
    log(`load at the end ${load()}`);
    log(
      `ingest readings_per_s=${Math.round(ingest.perSecond)} raw_subscriber_per_s=${Math.round(rawSubscriber)} raw_copy_per_s=${Math.round(rawCopy)} ` +
        `ratio=${(ingest.perSecond / rawSubscriber).toFixed(2)} drain_ratio=${drainRatio} cpu_us_per_reading=${ingest.cpuUsPerReading.toFixed(1)} ` +
        `lost=${ingest.lost + (drain?.lost ?? 0)} duplicated=${ingest.duplicated + (drain?.duplicated ?? 0)} absorbed=${ingest.absorbed + (drain?.absorbed ?? 0)}`,
    );
  } finally {
    await broker?.stop();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

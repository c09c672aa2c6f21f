/**
 * npm run bench:live
 *
 * How long a reading takes to reach the browsers. A publisher sends native
 * readings over MQTT (the machine's Mosquitto, QoS 1) at a steady rate; the
 * real ingest process commits them and publishes container.state over Redis;
 * the real gateway process coalesces them and sends them over socket.io to
 * 200 connected clients, each watching one district. Latency runs from the
 * publish call to the moment a client receives a state at least as new as
 * the reading (coalescing may fold several readings into one state: each
 * folded reading counts as delivered then). Two stages are timed on their
 * own as well: publish -> container.state on Redis (MQTT + ingest), and
 * container.state on Redis -> browser (gateway + socket.io). A line of hops
 * follows a reading through the ingest's /stats/timings and the gateway's
 * /api/live/stats (measured -> received, the batch wait, commit, events on
 * Redis, arrival at the gateway, held there, at the client), with every
 * process's event-loop delay and GC pauses. The last line is the result:
 *   live rate=<readings/s> clients=<n> p50_ms=<x> p99_ms=<x> lost=<n>
 * where lost = readings whose container state never reached some client
 * watching that container (every client must end with the latest state of
 * every container it watches); after publishing stops, the clients wait as
 * long as deliveries still progress (up to 3 minutes), so a backed-up run is
 * slow, not lossy.
 *
 * The broker is Mosquitto started for the run with the settings the README
 * asks of production (no cap on queued QoS 1 messages, TCP_NODELAY);
 * BENCH_LIVE_BROKER=machine uses the machine's Mosquitto instead, whose
 * Debian defaults drop QoS 1 messages beyond 1,000 queued per client.
 *
 * `npm run bench:live -- --solving` measures while a plan is solved on the
 * same machine, as in the all-in-one or a small deployment where the planner
 * shares the cores: bench:plan's Amsterdam problem runs as a process of its
 * own, solving in the solver's process (SolverWorker) as the planner does, and
 * publishing starts when its solver does (its budget is stretched to outlast
 * the measurement); solving=yes then. The CPU the solve took is printed by the
 * threads' nice value or SCHED_IDLE: at the live work's priority, and at background priority.
 *
 * Env: BENCH_LIVE_RATE (5000), BENCH_LIVE_CLIENTS (200), BENCH_LIVE_CONTAINERS
 * (10000), BENCH_LIVE_SECONDS (20, measured), BENCH_LIVE_WARMUP_S (3),
 * GATEWAY_LIVE_FLUSH_MS (25) and INGEST_BATCH_WAIT_MS (10) for the services,
 * TEST_DATABASE_URL / TEST_MQTT_URL / TEST_REDIS_URL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { ProcessPauses } from '@vulgraad/runtime';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { generateCity } from '@vulgraad/city-model';
import { ContainersRepository, createScratchDatabase, DevicesRepository, type ScratchDatabase } from '@vulgraad/database';
import { buildNativeReading } from '@vulgraad/payloads';
import { RedisEventBus } from '@vulgraad/events';
import mqtt from 'mqtt';
import { spawnIngest, type IngestProcess } from '../../test/ingest/ingest-process';
import { startPrivateBroker, type PrivateBroker } from '../../test/ingest/private-broker';
import { describeCpu, sampleCpu } from '../ingest/proc-stat';
import { spawnService, type ServiceProcess } from './gateway-process';
import { runMain } from '../run-main';

const RATE = Number(process.env.BENCH_LIVE_RATE ?? 5000);
const CLIENTS = Number(process.env.BENCH_LIVE_CLIENTS ?? 200);
const CONTAINERS = Number(process.env.BENCH_LIVE_CONTAINERS ?? 10_000);
const SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 20);
const WARMUP_S = Number(process.env.BENCH_LIVE_WARMUP_S ?? 3);
const FLUSH_MS = process.env.GATEWAY_LIVE_FLUSH_MS ?? '25';
const BATCH_WAIT_MS = process.env.INGEST_BATCH_WAIT_MS ?? '10';
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MACHINE_MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
/** private: a Mosquitto of the benchmark's own with the settings the README asks of a production broker; machine: the machine's (Debian defaults). */
const BROKER = process.env.BENCH_LIVE_BROKER === 'machine' ? 'machine' : 'private';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_PASSWORD = 'bench-admin-password';
const SOLVING = process.argv.includes('--solving');
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

const now = (): number => performance.timeOrigin + performance.now();
const log = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface WorkerResult {
  samples: number;
  overflowSamples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  lostPairs: number;
  lostReadings: number;
  expectedPairs: number;
  messages: number;
  statesReceived: number;
  drainMs: number;
  gatewaySamples: number;
  gatewayP50: number;
  gatewayP99: number;
  /** The clients' worker thread: how late its event loop ran (ms). */
  loopDelayP99: number;
  loopDelayMax: number;
}

interface Quantiles {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

interface PausesStats {
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  gcPauses: { count: number; totalMs: number; maxMs: number };
}

const q2 = (q: Quantiles | undefined): string => (q ? `${q.p50} / ${q.p99}` : '-');
const pausesOf = (name: string, p: PausesStats | null | undefined): string =>
  p ? `${name} loop delay p99 ${p.eventLoopDelayMs.p99} max ${p.eventLoopDelayMs.max}, GC ${p.gcPauses.count} pauses ${p.gcPauses.totalMs} ms (longest ${p.gcPauses.maxMs})` : `${name} -`;

/**
 * CPU seconds of every thread of a process by the threads' scheduling class
 * (Linux; empty elsewhere): "nice <n>" for the ordinary policy, "SCHED_IDLE"
 * for threads under it; what a solve took at the live work's priority and
 * what at background priority.
 */
function cpuByNice(pid: number | undefined): Map<string, number> {
  const byNice = new Map<string, number>();
  if (pid === undefined) return byNice;
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byNice;
  }
  for (const tid of threads) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Field 41, the policy: 5 is SCHED_IDLE, under which the nice value does not count.
      const key = Number(fields[38]) === 5 ? 'SCHED_IDLE' : `nice ${Number(fields[16])}`;
      byNice.set(key, (byNice.get(key) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return byNice;
}

/** The CPU used between two cpuByNice samples, as "<s> s at <class>" phrases. */
function describeByNice(before: Map<string, number>, after: Map<string, number>): string {
  const phrases = [...after].sort(([a], [b]) => a.localeCompare(b)).map(([key, seconds]) => `${(seconds - (before.get(key) ?? 0)).toFixed(1)} s at ${key}`);
  return phrases.length === 0 ? 'no threads seen' : phrases.join(', ');
}

/** The ingest's batch durations (preparation + transaction, from its Prometheus histogram): cumulative count per upper bound in seconds. */
async function batchSecondsHistogram(baseUrl: string): Promise<Map<string, number>> {
  const text = await fetch(`${baseUrl}/metrics`).then((res) => res.text()).catch(() => '');
  const buckets = new Map<string, number>();
  for (const match of text.matchAll(/^vulgraad_ingest_batch_seconds_bucket\{le="([^"]+)"\} (\d+)/gm)) buckets.set(match[1]!, Number(match[2]));
  return buckets;
}

/** Two histogram samples as "<= 10 ms 93.1 %, ..." (the share of the batches between them at or under each bound). */
function describeBatchSeconds(before: Map<string, number>, after: Map<string, number>): string {
  const total = (after.get('+Inf') ?? 0) - (before.get('+Inf') ?? 0);
  if (total <= 0) return 'no batches seen';
  const shares = [...after]
    .filter(([le]) => le !== '+Inf')
    .map(([le, count]) => `<= ${Number(le) * 1000} ms ${((100 * (count - (before.get(le) ?? 0))) / total).toFixed(1)} %`);
  return `${total} batches; ${shares.join(', ')}`;
}

/** bench:plan in a process of its own, with a solver budget that outlasts the measurement; resolves when its solver starts. */
function startSolving(budgetS: number): { child: ChildProcess; solving: Promise<void>; solved: () => boolean; solverPid: () => number | undefined } {
  const child = spawn(process.execPath, ['-r', './tools/register.js', 'bench/plan/plan.bench.ts', `--budget=${budgetS}`, '--worker'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let solved = false;
  let solverPid: number | undefined;
  const solving = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const pid = /in the solver's process (\d+)/.exec(line)?.[1];
      if (pid) solverPid = Number(pid);
      if (line.startsWith('solve: started')) resolve();
      if (line.startsWith('timings')) solved = true;
      if (line.startsWith('plan ') || line.startsWith('solve:') || line.startsWith('timings') || line.startsWith('road graph')) log(`live: planner: ${line}`);
    });
    child.on('exit', (code) => reject(new Error(`bench:plan ended (${code}) before its solver started`)));
  });
  return { child, solving, solved: () => solved, solverPid: () => solverPid };
}

/** Registers the city: containers, one native sensor each, bound in one statement. */
async function seed(scratch: ScratchDatabase): Promise<{ ids: string[]; districts: string[]; devices: string[] }> {
  const city = generateCity({ containers: CONTAINERS, seed: 11, idPrefix: `lv${run}`, name: 'Benchdorp' });
  const containers = await new ContainersRepository(scratch.db).upsert(
    city.containers.map((c) => ({ id: c.id, externalRef: c.id, lng: c.lng, lat: c.lat, district: c.district, wasteType: c.wasteType, volumeL: c.volumeL, depthMm: c.depthMm ?? 1500 })),
  );
  const devices = await new DevicesRepository(scratch.db).upsert(containers.map((c) => ({ externalRef: `${c.id}-s`, reportingIntervalS: 600 })));
  await scratch.db.query(
    `INSERT INTO device_bindings (device_id, container_id, valid_from) SELECT d, c, now() - interval '30 days' FROM unnest($1::text[], $2::text[]) AS u (d, c)`,
    [devices.map((d) => d.id), containers.map((c) => c.id)],
  );
  return { ids: containers.map((c) => c.id), districts: containers.map((c) => c.district), devices: devices.map((d) => d.externalRef) };
}

async function main(): Promise<void> {
  log(`live: ${CONTAINERS} containers, ${CLIENTS} clients, ${RATE} readings/s for ${SECONDS} s after ${WARMUP_S} s warm-up; gateway flush ${FLUSH_MS} ms, ingest batch wait ${BATCH_WAIT_MS} ms; ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), load ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${SOLVING ? 'a plan solved beside it' : 'nothing solved beside it'}`);
  const scratch = await createScratchDatabase(DATABASE_URL, { prefix: 'benchlive', poolSize: 4 });
  let broker: PrivateBroker | null = null;
  let ingest: IngestProcess | null = null;
  let gateway: ServiceProcess | null = null;
  let worker: Worker | null = null;
  let publisher: mqtt.MqttClient | null = null;
  let planner: ReturnType<typeof startSolving> | null = null;
  try {
    const { ids, districts, devices } = await seed(scratch);
    if (BROKER === 'private') broker = await startPrivateBroker();
    const MQTT_URL = broker?.url ?? MACHINE_MQTT_URL;
    log(`live: broker ${BROKER === 'private' ? `Mosquitto of this run at ${MQTT_URL} (max_queued_messages 0, set_tcp_nodelay true)` : `the machine's Mosquitto at ${MQTT_URL}`}`);
    const topicPrefix = `bench-live-${run}/`;
    // Channels of this run's own: another run on the same Redis would otherwise feed its states to this gateway.
    const eventsPrefix = `bench-live-${run}:events:`;
    const common = { DATABASE_URL: scratch.url, REDIS_URL, EVENTS_REDIS_PREFIX: eventsPrefix, GATEWAY_SOCKET_REDIS_PREFIX: `bench-live-${run}:socket.io`, DB_MAINTENANCE_INTERVAL_S: '0', DB_POOL_SIZE: '4' };
    [ingest, gateway] = await Promise.all([
      spawnIngest({
        ...common,
        MQTT_URL,
        INGEST_TOPIC_PREFIX: topicPrefix,
        INGEST_CLIENT_ID: `bench-live-${run}`,
        INGEST_SHARE_GROUP: `bench-live-${run}`,
        INGEST_BATCH_WAIT_MS: BATCH_WAIT_MS,
      }),
      spawnService('apps/gateway/src/main.ts', 'gateway listening', {
        ...common,
        GATEWAY_PORT: '0',
        GATEWAY_JWT_SECRET: `bench-${run}-secret-0123456789`,
        GATEWAY_ADMIN_PASSWORD: ADMIN_PASSWORD,
        GATEWAY_LIVE_FLUSH_MS: FLUSH_MS,
      }),
    ]);
    const login = await fetch(`${gateway.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    const { token } = (await login.json()) as { token: string };

    const districtNames = [...new Set(districts)].sort();
    const clientDistricts = Array.from({ length: CLIENTS }, (_, i) => districtNames[i % districtNames.length]!);
    worker = new Worker(path.join(__dirname, 'clients.worker.ts'), { execArgv: process.execArgv });
    const results: Promise<WorkerResult> = new Promise<WorkerResult>((resolve, reject) => {
      worker!.on('message', (m: { type: string; error?: string } & WorkerResult) => {
        if (m.type === 'result') resolve(m);
        if (m.type === 'error') reject(new Error(m.error));
      });
      worker!.on('error', reject);
    });
    const ready = new Promise<{ connectMs: number }>((resolve, reject) => {
      worker!.on('message', (m: { type: string; connectMs: number; error?: string }) => {
        if (m.type === 'ready') resolve(m);
        if (m.type === 'error') reject(new Error(m.error));
      });
    });
    // Both promises end in the same error; the one not awaited must not end the process before the clean-up below.
    results.catch(() => undefined);
    worker.postMessage({ type: 'init', url: gateway.url, token, ids, districts, clientDistricts, warmupEndTs: Infinity });
    const { connectMs } = await ready;
    log(`live: ${CLIENTS} clients connected and joined (${districtNames.length} district rooms) in ${(connectMs / 1000).toFixed(1)} s`);

    // The first stage on its own: publish -> the ingest's committed container.state on the bus.
    // Each state's arrival on the bus also goes to the clients' worker, which times the gateway stage (bus -> browser) on its own.
    const publishedAt = new Map<string, number>();
    const stage: number[] = [];
    const indexOf = new Map(ids.map((id, i) => [id, i]));
    let tapped: number[] = [];
    const tap = new RedisEventBus(REDIS_URL, eventsPrefix);
    await tap.subscribe('container.state', (e) => {
      const arrived = now();
      const measuredAtMs = Date.parse(e.measuredAt);
      const at = publishedAt.get(`${e.containerId}|${measuredAtMs}`);
      if (at !== undefined) stage.push(arrived - at);
      const idx = indexOf.get(e.containerId);
      if (idx !== undefined) tapped.push(idx, measuredAtMs, arrived);
    });
    const tapTimer = setInterval(() => {
      if (tapped.length === 0) return;
      const batch = Float64Array.from(tapped);
      tapped = [];
      worker!.postMessage({ type: 'tapped', batch }, [batch.buffer]);
    }, 10);
    await fetch(`${ingest.baseUrl}/stats/timings/reset`, { method: 'POST' });
    const benchPauses = new ProcessPauses();
    const cpuBefore = await fetch(`${gateway.url}/api/live/stats`, { headers: { authorization: `Bearer ${token}` } }).then((res) => res.json() as Promise<{ cpuSeconds: number }>);
    await fetch(`${gateway.url}/api/live/stats/reset`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    publisher = await mqtt.connectAsync(MQTT_URL, { clientId: `bench-live-pub-${run}`, protocolVersion: 5, clean: true });
    if (SOLVING) {
      // Everything is ready: the planner loads its city and road graph now, and publishing starts with its solver.
      planner = startSolving(WARMUP_S + SECONDS + 15);
      await planner.solving;
      log(`live: the planner's solver is running; publishing starts`);
    }
    const machineBefore = { ingest: sampleCpu(ingest.child.pid), gateway: sampleCpu(gateway.child.pid), bench: sampleCpu(process.pid), planner: sampleCpu(planner?.child.pid) };
    const solveBefore = { planner: cpuByNice(planner?.child.pid), solver: cpuByNice(planner?.solverPid()) };
    const batchesBefore = await batchSecondsHistogram(ingest.baseUrl);
    const fills = new Float64Array(ids.length).map((_, i) => (i * 7) % 60);
    const seqs = new Uint32Array(ids.length);
    // The schedule starts now; the warm-up window is re-based on the real start.
    const t0 = now();
    const warmEnd = t0 + WARMUP_S * 1000;
    const end = warmEnd + SECONDS * 1000;
    worker.postMessage({ type: 'warmup', warmupEndTs: warmEnd });
    let sent = 0;
    let next = 0;
    let maxLagMs = 0;
    while (now() < end) {
      const due = Math.floor(((now() - t0) / 1000) * RATE) - sent;
      if (due > 0) {
        const batch = new Float64Array(due * 3);
        const messages: Array<{ topic: string; payload: string }> = [];
        for (let k = 0; k < due; k++) {
          const idx = next;
          next = (next + 1) % ids.length;
          fills[idx] = (fills[idx]! + 0.2) % 100;
          const measuredAtMs = Date.now();
          const reading = buildNativeReading(devices[idx]!, { ts: new Date(measuredAtMs).toISOString(), fillPct: Math.round(fills[idx]! * 10) / 10, batteryPct: 80, temperatureC: 14, seq: ++seqs[idx]! });
          messages.push({ topic: topicPrefix + reading.topic, payload: reading.payload });
          batch[k * 3] = idx;
          batch[k * 3 + 1] = measuredAtMs;
          batch[k * 3 + 2] = now();
          publishedAt.set(`${ids[idx]}|${measuredAtMs}`, batch[k * 3 + 2]!);
        }
        worker.postMessage({ type: 'published', batch }, [batch.buffer]);
        for (const m of messages) publisher.publish(m.topic, m.payload, { qos: 1 });
        sent += due;
        maxLagMs = Math.max(maxLagMs, due / (RATE / 1000));
      }
      await sleep(5);
    }
    const seconds = (now() - t0) / 1000;
    const publisherPauses = benchPauses.snapshot();
    benchPauses.stop();
    const machineAfter = { ingest: sampleCpu(ingest.child.pid), gateway: sampleCpu(gateway.child.pid), bench: sampleCpu(process.pid), planner: sampleCpu(planner?.child.pid) };
    const solveAfter = { planner: cpuByNice(planner?.child.pid), solver: cpuByNice(planner?.solverPid()) };
    if (planner) {
      log(`live: while publishing: ${describeCpu('planner (bench:plan)', machineBefore.planner, machineAfter.planner, (now() - t0) / 1000)}; its solver ${planner.solved() ? 'had finished before publishing ended' : 'was still running when publishing ended'}`);
      log(
        `live: while publishing, by the threads' priority: planner (bench:plan) ${describeByNice(solveBefore.planner, solveAfter.planner)}; ` +
          `the solver's process ${planner.solverPid() === undefined ? 'not seen (the solve ran in the planner)' : describeByNice(solveBefore.solver, solveAfter.solver)}`,
      );
    }
    log(
      `live: while publishing: ${describeCpu('ingest', machineBefore.ingest, machineAfter.ingest, seconds, { count: sent, unit: 'reading published' })}; ` +
        `${describeCpu('gateway', machineBefore.gateway, machineAfter.gateway, seconds)}; ` +
        `${describeCpu('this process (publisher and the clients\' worker)', machineBefore.bench, machineAfter.bench, seconds)}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    );
    log(`live: published ${sent} readings in ${seconds.toFixed(1)} s (${Math.round(sent / seconds)}/s; longest catch-up burst ${maxLagMs.toFixed(0)} ms of schedule)`);
    worker.postMessage({ type: 'drain', timeoutMs: 180_000 });
    await sleep(2000);
    clearInterval(tapTimer);
    await tap.close();
    stage.sort((a, b) => a - b);
    const q = (p: number): string => (stage.length === 0 ? '-' : stage[Math.min(stage.length - 1, Math.floor(stage.length * p))]!.toFixed(1));
    log(`live: ingest stage (publish -> container.state on Redis) for ${stage.length} states: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`);
    const r = await results;
    const ingestStats = await fetch(`${ingest.baseUrl}/stats`).then((res) => res.json() as Promise<Record<string, unknown>>).catch(() => null);
    log(`live: ingest /stats after the run: ${JSON.stringify(ingestStats)}`);
    log(`live: ingest batches (preparation + transaction) from the first publish to the end: ${describeBatchSeconds(batchesBefore, await batchSecondsHistogram(ingest.baseUrl))}`);
    const complaints = ingest.logs.filter((l) => l.level === 'warn' || l.level === 'error');
    if (complaints.length > 0) log(`live: ingest logged ${complaints.length} warnings/errors, first: ${JSON.stringify(complaints.slice(0, 3))}`);
    const stats = await fetch(`${gateway.url}/api/live/stats`, { headers: { authorization: `Bearer ${token}` } }).then(
      (res) => res.json() as Promise<Record<string, number> & PausesStats & { heldMs: Quantiles; stateAgeMs: Quantiles }>,
    );
    const ingestTimings = await fetch(`${ingest.baseUrl}/stats/timings`).then((res) => res.json() as Promise<PausesStats & { stagesMs: Record<string, Quantiles> }>).catch(() => null);
    const st = ingestTimings?.stagesMs;
    log(
      `live: hops, ms p50 / p99: publish -> ingest received ${q2(st?.measuredToReceived)}; from receipt: batch taken ${q2(st?.receivedToBatch)}, committed ${q2(st?.receivedToCommitted)}, ` +
        `events written to Redis ${q2(st?.receivedToPublished)}; publish -> gateway received ${q2(stats.stateAgeMs)}; held in the gateway ${q2(stats.heldMs)}; ` +
        `Redis -> client ${r.gatewayP50.toFixed(1)} / ${r.gatewayP99.toFixed(1)}; publish -> client ${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} (publish times in ms: the first hops are rounded to 1 ms)`,
    );
    log(`live: pauses while measuring: ${pausesOf('ingest', ingestTimings)}; ${pausesOf('gateway', stats)}; ${pausesOf('publisher', publisherPauses)}; clients' worker loop delay p99 ${r.loopDelayP99} max ${r.loopDelayMax}`);
    log(`live: gateway states in ${stats.statesIn}, stale ${stats.statesStale}, batches ${stats.batches}, states sent to rooms ${stats.statesOut}; cpu ${(stats.cpuSeconds - cpuBefore.cpuSeconds).toFixed(1)} s while publishing; event loop delay p50 ${stats.eventLoopDelayMs.p50} ms, p99 ${stats.eventLoopDelayMs.p99} ms, max ${stats.eventLoopDelayMs.max} ms; states held in the gateway (arrival to socket.io) p50 ${stats.heldMs.p50} ms, p99 ${stats.heldMs.p99} ms; clients got ${r.messages} messages with ${r.statesReceived} states`);
    log(`live: gateway stage (container.state on Redis -> browser) for ${r.gatewaySamples} (state, client) deliveries: p50 ${r.gatewayP50.toFixed(1)} ms, p99 ${r.gatewayP99.toFixed(1)} ms`);
    log(`live: ${r.samples} (reading, client) deliveries measured after warm-up; p50 ${r.p50.toFixed(1)} ms, p90 ${r.p90.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms; lost pairs ${r.lostPairs} of ${r.expectedPairs}; the last deliveries came ${(r.drainMs / 1000).toFixed(1)} s after publishing stopped`);
    log(`live rate=${Math.round(sent / seconds)} clients=${CLIENTS} p50_ms=${r.p50.toFixed(1)} p99_ms=${r.p99.toFixed(1)} lost=${r.lostReadings} solving=${SOLVING ? 'yes' : 'no'}`);
  } finally {
    planner?.child.kill('SIGKILL');
    await publisher?.endAsync().catch(() => undefined);
    await worker?.terminate();
    await Promise.allSettled([ingest?.kill(), gateway?.kill()]);
    await broker?.stop();
    await scratch.drop();
  }
}

runMain(main);

/**
 * npm run bench:fleet-live
 *
 * The day as it happens, under load: 500 trucks each publish their position
 * every second over MQTT (`vulgraad/v1/vehicles/{id}/position`) beside 5,000
 * sensor readings a second; the real ingest process stores both and
 * publishes them over Redis (a position as soon as it is read, a reading's
 * state after its commit); the real gateway process tracks every truck's
 * route (progress, ETAs) and sends positions to the district rooms (in
 * lists, every GATEWAY_POSITION_FLUSH_MS), where 200 socket.io clients (in
 * a worker thread) receive them. Latency runs from
 * the publish call to the moment a client receives the position. The last
 * line is the result:
 *   fleetlive trucks=<n> positions_per_s=<x> readings_per_s=<x> clients=<n> p99_ms=<x> lost=<n>
 * where lost = (position, client) pairs published after warm-up that a
 * client watching that truck's district never received (clients wait while
 * positions are still stored or delivered, up to three minutes, so a
 * backed-up run is slow, not lossy); p99 is taken over every pair expected,
 * a lost one counting as later than any delivered (inf when more than 1 % are lost).
 *
 * Reuses bench:live's parts: the private Mosquitto with production
 * settings, the ingest and gateway as processes of their own.
 *
 * Env: BENCH_FLEET_TRUCKS (500), BENCH_FLEET_READINGS (5000),
 * BENCH_FLEET_CLIENTS (200), BENCH_FLEET_CONTAINERS (10000),
 * BENCH_FLEET_SECONDS (20, measured), BENCH_FLEET_WARMUP_S (3),
 * TEST_DATABASE_URL / TEST_REDIS_URL; the gateway's GATEWAY_POSITION_FLUSH_MS
 * is taken from the environment (the gateway's default when unset).
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { generateCity } from '@vulgraad/city-model';
import { LIVE_ROOMS, type Plan, type PlanStop } from '@vulgraad/contracts';
import { ContainersRepository, createScratchDatabase, DevicesRepository, type ScratchDatabase } from '@vulgraad/database';
import { buildNativeReading, vehiclePositionTopic } from '@vulgraad/payloads';
import { PlansRepository } from '@vulgraad/planning';
import { localDateOf } from '@vulgraad/time';
import mqtt from 'mqtt';
import { spawnIngest, type IngestProcess } from '../../test/ingest/ingest-process';
import { startPrivateBroker, type PrivateBroker } from '../../test/ingest/private-broker';
import { describeCpu, sampleCpu } from '../ingest/proc-stat';
import { spawnService, type ServiceProcess } from '../live/gateway-process';
import { runMain } from '../run-main';

const TRUCKS = Number(process.env.BENCH_FLEET_TRUCKS ?? 500);
const READINGS = Number(process.env.BENCH_FLEET_READINGS ?? 5000);
const CLIENTS = Number(process.env.BENCH_FLEET_CLIENTS ?? 200);
const CONTAINERS = Number(process.env.BENCH_FLEET_CONTAINERS ?? 10_000);
const SECONDS = Number(process.env.BENCH_FLEET_SECONDS ?? 20);
const WARMUP_S = Number(process.env.BENCH_FLEET_WARMUP_S ?? 3);
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_PASSWORD = 'bench-admin-password';
const TIME_ZONE = 'Europe/Amsterdam';
const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface GatewayStats {
  positionsIn: number;
  positionsRepeated: number;
  positionEmits: number;
  positionAgeMs: { p50: number; p99: number; max: number };
  eventLoopDelayMs: { p99: number; max: number };
  gcPauses: { count: number; totalMs: number; maxMs: number };
}

/** The city, its sensors, the trucks, and today's plan: each truck empties two containers of one district. */
async function seed(scratch: ScratchDatabase): Promise<{ devices: string[]; truckDistricts: string[]; districts: string[] }> {
  const city = generateCity({ containers: CONTAINERS, seed: 17, idPrefix: `fl${run}`, name: 'Benchdorp' });
  const containers = await new ContainersRepository(scratch.db).upsert(
    city.containers.map((c) => ({ id: c.id, externalRef: c.id, lng: c.lng, lat: c.lat, district: c.district, wasteType: c.wasteType, volumeL: c.volumeL, depthMm: c.depthMm ?? 1500 })),
  );
  const devices = await new DevicesRepository(scratch.db).upsert(containers.map((c) => ({ externalRef: `${c.id}-s`, reportingIntervalS: 600 })));
  await scratch.db.query(
    `INSERT INTO device_bindings (device_id, container_id, valid_from) SELECT d, c, now() - interval '30 days' FROM unnest($1::text[], $2::text[]) AS u (d, c)`,
    [devices.map((d) => d.id), containers.map((c) => c.id)],
  );
  await scratch.db.query(`INSERT INTO depots (id, name, lng, lat) VALUES ('depot-bench', 'Depot', $1, $2)`, [containers[0]!.lng, containers[0]!.lat]);
  const truckIds = Array.from({ length: TRUCKS }, (_, i) => `truck-${i}`);
  await scratch.db.query(
    `INSERT INTO vehicles (id, name, depot_id, capacity_l, capacity_kg, fractions) SELECT id, id, 'depot-bench', 20000, 10000, '{residual,paper,glass,plastic,organic,textile}' FROM unnest($1::text[]) AS id`,
    [truckIds],
  );
  const shiftDate = localDateOf(Date.now(), TIME_ZONE);
  const at = (min: number): string => new Date(Date.now() + min * 60_000).toISOString();
  const stop = (seq: number, c: (typeof containers)[number] | null, min: number): PlanStop => ({
    seq, kind: c ? 'container' : seq === 0 ? 'depot_start' : 'depot_end', containerId: c?.id ?? null, disposalSiteId: null, lng: c?.lng ?? containers[0]!.lng, lat: c?.lat ?? containers[0]!.lat,
    arriveAt: at(min), departAt: at(min + 2), loadAfterL: 0, loadAfterKg: 0, why: c ? { category: 'must', fillNowPct: 80, predictedFillAtArrivalPct: 90, overflowRisk: 0.5, plannerDecision: null, fromHistoryOnly: false } : null, doneAt: null,
  });
  const districts = [...new Set(containers.map((c) => c.district))].sort();
  const truckDistricts: string[] = [];
  const routes: Plan['routes'] = truckIds.map((vehicleId, i) => {
    const district = districts[i % districts.length]!;
    const own = containers.filter((c) => c.district === district);
    const a = own[(i * 2) % own.length]!;
    const b = own[(i * 2 + 1) % own.length]!;
    truckDistricts.push(district);
    return { id: 'draft', vehicleId, startAt: at(0), endAt: at(120), distanceM: 10_000, durationS: 7200, geometry: null, districts: [district], stops: [stop(0, null, 0), stop(1, a, 30), stop(2, b, 60), stop(3, null, 120)] };
  });
  await new PlansRepository(scratch.db).publish({
    id: 'draft', district: 'fleet', districts, fraction: 'residual', shiftDate, version: 0, status: 'published', trigger: 'bench', createdAt: new Date().toISOString(),
    solveSeconds: 0, distanceM: 0, durationS: 0, routes, unassigned: [],
  });
  return { devices: devices.map((d) => d.externalRef), truckDistricts, districts };
}

async function main(): Promise<void> {
  log(`fleetlive: ${TRUCKS} trucks every second, ${READINGS} readings/s, ${CLIENTS} clients, ${CONTAINERS} containers, ${SECONDS} s measured after ${WARMUP_S} s warm-up; GATEWAY_POSITION_FLUSH_MS ${process.env.GATEWAY_POSITION_FLUSH_MS ?? 'unset'}; ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const scratch = await createScratchDatabase(DATABASE_URL, { prefix: 'benchfleetlive', poolSize: 4 });
  let broker: PrivateBroker | null = null;
  let ingest: IngestProcess | null = null;
  let gateway: ServiceProcess | null = null;
  let worker: Worker | null = null;
  let publisher: mqtt.MqttClient | null = null;
  try {
    const { devices, truckDistricts, districts } = await seed(scratch);
    broker = await startPrivateBroker();
    log(`fleetlive: broker Mosquitto of this run at ${broker.url}; plan of today with ${TRUCKS} routes over ${districts.length} districts`);
    const topicPrefix = `bench-fleet-${run}/`;
    // Channels of this run's own: another run on the same Redis would otherwise feed its events to this gateway.
    const common = { DATABASE_URL: scratch.url, REDIS_URL, EVENTS_REDIS_PREFIX: `bench-fleet-${run}:events:`, GATEWAY_SOCKET_REDIS_PREFIX: `bench-fleet-${run}:socket.io`, DB_MAINTENANCE_INTERVAL_S: '0', DB_POOL_SIZE: '4' };
    [ingest, gateway] = await Promise.all([
      spawnIngest({ ...common, MQTT_URL: broker.url, INGEST_TOPIC_PREFIX: topicPrefix, INGEST_CLIENT_ID: `bench-fleet-${run}`, INGEST_SHARE_GROUP: `bench-fleet-${run}`, INGEST_BATCH_WAIT_MS: '10' }),
      spawnService('apps/gateway/src/main.ts', 'gateway listening', {
        ...common, GATEWAY_PORT: '0', GATEWAY_JWT_SECRET: `bench-${run}-secret-0123456789`, GATEWAY_ADMIN_PASSWORD: ADMIN_PASSWORD, GATEWAY_LIVE_FLUSH_MS: '25',
      }),
    ]);
    const login = await fetch(`${gateway.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    const { token } = (await login.json()) as { token: string };
    const gatewayStats = (): Promise<GatewayStats> => fetch(`${gateway!.url}/api/live/stats`, { headers: { authorization: `Bearer ${token}` } }).then((res) => res.json() as Promise<GatewayStats>);

    const clientDistricts = Array.from({ length: CLIENTS }, (_, i) => districts[i % districts.length]!);
    worker = new Worker(path.join(__dirname, 'clients.worker.ts'), { execArgv: process.execArgv });
    const messages = new Map<string, Array<(m: Record<string, unknown>) => void>>();
    const expect = <T>(type: string): Promise<T> => new Promise((resolve) => messages.set(type, [...(messages.get(type) ?? []), resolve as (m: Record<string, unknown>) => void]));
    const failed = new Promise<never>((_, reject) => {
      worker!.on('message', (m: Record<string, unknown>) => {
        if (m.type === 'error') reject(new Error(String(m.error)));
        for (const resolve of messages.get(String(m.type)) ?? []) resolve(m);
      });
      worker!.on('error', reject);
    });
    failed.catch(() => undefined);
    const ready = expect<{ connectMs: number }>('ready');
    worker.postMessage({ type: 'init', url: gateway.url, token, rooms: clientDistricts.map((d) => LIVE_ROOMS.district(d)), warmupEndTs: Infinity });
    const { connectMs } = await Promise.race([ready, failed]);
    log(`fleetlive: ${CLIENTS} clients connected and joined (${districts.length} district rooms) in ${(connectMs / 1000).toFixed(1)} s`);

    publisher = await mqtt.connectAsync(broker.url, { clientId: `bench-fleet-pub-${run}`, protocolVersion: 5, clean: true });
    const machineBefore = { ingest: sampleCpu(ingest.child.pid), gateway: sampleCpu(gateway.child.pid), bench: sampleCpu(process.pid) };
    const t0 = Date.now();
    const warmEnd = t0 + WARMUP_S * 1000;
    const end = warmEnd + SECONDS * 1000;
    worker.postMessage({ type: 'warmup', warmupEndTs: warmEnd });
    const fills = new Float64Array(devices.length).map((_, i) => (i * 7) % 60);
    const seqs = new Uint32Array(devices.length);
    const afterWarmup = new Uint32Array(TRUCKS);
    let readingsSent = 0;
    let positionsSent = 0;
    let nextDevice = 0;
    let lastPositionAt = 0;
    let statsReset: Promise<unknown> | null = null;
    while (Date.now() < end) {
      if (!statsReset && Date.now() >= warmEnd) statsReset = fetch(`${gateway.url}/api/live/stats/reset`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
      const elapsedS = (Date.now() - t0) / 1000;
      // Trucks: each publishes once per second, spread over the second; a position's time is its publish time (ms), which the clients time against.
      const positionsDue = Math.floor(elapsedS * TRUCKS) - positionsSent;
      for (let k = 0; k < positionsDue; k++) {
        const truck = positionsSent % TRUCKS;
        let atMs = Date.now();
        if (atMs <= lastPositionAt) atMs = lastPositionAt + 1;
        lastPositionAt = atMs;
        const body = JSON.stringify({ time: new Date(atMs).toISOString(), lat: 52.35 + (truck % 50) * 0.001, lng: 4.85 + Math.floor(truck / 50) * 0.001, speed: 25, heading: 90 });
        publisher.publish(`${topicPrefix}${vehiclePositionTopic(`truck-${truck}`)}`, body, { qos: 1 });
        if (atMs >= warmEnd) afterWarmup[truck]!++;
        positionsSent++;
      }
      const readingsDue = Math.floor(elapsedS * READINGS) - readingsSent;
      for (let k = 0; k < readingsDue; k++) {
        const idx = nextDevice;
        nextDevice = (nextDevice + 1) % devices.length;
        fills[idx] = (fills[idx]! + 0.2) % 100;
        const reading = buildNativeReading(devices[idx]!, { ts: new Date().toISOString(), fillPct: Math.round(fills[idx]! * 10) / 10, batteryPct: 80, temperatureC: 14, seq: ++seqs[idx]! });
        publisher.publish(topicPrefix + reading.topic, reading.payload, { qos: 1 });
        readingsSent++;
      }
      await sleep(5);
    }
    const seconds = (Date.now() - t0) / 1000;
    const machineAfter = { ingest: sampleCpu(ingest.child.pid), gateway: sampleCpu(gateway.child.pid), bench: sampleCpu(process.pid) };
    log(
      `fleetlive: while publishing: ${describeCpu('ingest', machineBefore.ingest, machineAfter.ingest, seconds)}; ${describeCpu('gateway', machineBefore.gateway, machineAfter.gateway, seconds)}; ` +
        `${describeCpu('this process (publisher and the clients\' worker)', machineBefore.bench, machineAfter.bench, seconds)}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    );
    log(`fleetlive: published ${positionsSent} positions and ${readingsSent} readings in ${seconds.toFixed(1)} s`);
    await statsReset;
    const g = await gatewayStats();
    log(
      `fleetlive: gateway after warm-up: positions handed to socket.io at age p50 ${g.positionAgeMs.p50} ms, p99 ${g.positionAgeMs.p99} ms, max ${g.positionAgeMs.max} ms (publish to emit); ` +
        `event loop delay p99 ${g.eventLoopDelayMs.p99} ms, max ${g.eventLoopDelayMs.max} ms; GC ${g.gcPauses.count} pauses, ${g.gcPauses.totalMs} ms in all, longest ${g.gcPauses.maxMs} ms; ` +
        `since its start ${g.positionsIn} positions in, ${g.positionsRepeated} repeated (same truck and time) within a window, ${g.positionEmits} positions emits`,
    );
    // Wait while positions are still stored or delivered (a backed-up run is slow, not lossy): until 15 s pass without either, at most three minutes.
    const stored = async (): Promise<number> => Number((await scratch.db.query<{ n: string }>('SELECT count(*) AS n FROM vehicle_positions')).rows[0]?.n ?? 0);
    const delivered = async (): Promise<number> => {
      const reply = expect<{ samples: number }>('count');
      worker!.postMessage({ type: 'count' });
      return (await Promise.race([reply, failed])).samples;
    };
    const drainStart = Date.now();
    let previous = '';
    let still = 0;
    while (Date.now() - drainStart < 180_000) {
      await sleep(1000);
      const seen = `${await stored()}|${await delivered()}`;
      still = seen === previous ? still + 1 : 0;
      previous = seen;
      if (still >= 15) break;
    }
    log(`fleetlive: the last positions were stored or delivered ${((Date.now() - drainStart) / 1000 - still).toFixed(0)} s after publishing stopped`);
    // CPU until everything published was handled, whatever the machine's load: a cost per message, not a rate.
    const drained = { ingest: sampleCpu(ingest.child.pid), gateway: sampleCpu(gateway.child.pid), bench: sampleCpu(process.pid) };
    const perMessage = (before: { cpuSeconds: number }, after: { cpuSeconds: number }): string =>
      `${(after.cpuSeconds - before.cpuSeconds).toFixed(1)} s, ${(((after.cpuSeconds - before.cpuSeconds) * 1e6) / (positionsSent + readingsSent)).toFixed(1)} us per message (position or reading)`;
    log(
      `fleetlive: cpu from the first publish until drained: gateway ${perMessage(machineBefore.gateway, drained.gateway)}; ingest ${perMessage(machineBefore.ingest, drained.ingest)}; ` +
        `this process ${perMessage(machineBefore.bench, drained.bench)}`,
    );
    const expected = clientDistricts.map((district) => {
      const list: Array<[string, number]> = [];
      for (let t = 0; t < TRUCKS; t++) if (truckDistricts[t] === district) list.push([`truck-${t}`, afterWarmup[t]!]);
      return list;
    });
    const result = expect<{
      samples: number; p50: number; p99: number; max: number; lost: number; expectedPairs: number;
      thread: { busyShare: number; loopDelayP99Ms: number; loopDelayMaxMs: number; messagesOf: Record<string, number>; positionsReceived: number };
    }>('result');
    worker.postMessage({ type: 'result', expected });
    const r = await Promise.race([result, failed]);
    log(`fleetlive: stored ${await stored()} of ${positionsSent} positions; ${r.samples} (position, client) deliveries after warm-up of ${r.expectedPairs} expected: p50 ${r.p50} ms, p99 ${r.p99} ms (over every pair expected), max ${r.max} ms`);
    // The first hop on its own: a stall before the ingest read a position (publisher, broker, the ingest's socket) is not one of the ingest, Redis or the gateway.
    const receipt = (
      await scratch.db.query<{ p50: number; p99: number; max: number }>(
        `SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY age) AS p50, percentile_disc(0.99) WITHIN GROUP (ORDER BY age) AS p99, max(age) AS max
         FROM (SELECT extract(epoch FROM received_at - measured_at) * 1000 AS age FROM vehicle_positions WHERE measured_at >= $1) AS after_warmup`,
        [new Date(warmEnd)],
      )
    ).rows[0];
    if (receipt) {
      log(`fleetlive: positions read by the ingest at age p50 ${Math.round(receipt.p50)} ms, p99 ${Math.round(receipt.p99)} ms, max ${Math.round(receipt.max)} ms (publish to receipt: the publisher's socket, the broker, the ingest's socket)`);
    }
    const perClientS = (n: number | undefined): string => ((n ?? 0) / CLIENTS / SECONDS).toFixed(0);
    log(
      `fleetlive: the clients' thread was busy ${(r.thread.busyShare * 100).toFixed(0)} % of the time after warm-up, its loop ran late by p99 ${r.thread.loopDelayP99Ms.toFixed(0)} ms, max ${r.thread.loopDelayMaxMs.toFixed(0)} ms; ` +
        `each client got per second ${perClientS(r.thread.messagesOf.positions)} positions (carrying ${perClientS(r.thread.positionsReceived)} positions), ${perClientS(r.thread.messagesOf.containers)} containers and ${perClientS(r.thread.messagesOf.progress)} progress messages`,
    );
    const ms = (x: number): string => (Number.isFinite(x) ? String(x) : 'inf');
    log(`fleetlive trucks=${TRUCKS} positions_per_s=${Math.round(positionsSent / seconds)} readings_per_s=${Math.round(readingsSent / seconds)} clients=${CLIENTS} p99_ms=${ms(r.p99)} lost=${r.lost}`);
  } finally {
    await publisher?.endAsync().catch(() => undefined);
    await worker?.terminate();
    await Promise.allSettled([ingest?.kill(), gateway?.kill()]);
    await broker?.stop();
    await scratch.drop();
  }
}

runMain(main);

/**
 * npm run bench:ingest-tap
 *
 * The ingest's own CPU per reading, in this process, without a broker:
 * MQTT 5 QoS 1 PUBLISH packets, built beforehand as the benchmark's
 * publisher sends them (native readings of 1,000 sensors), are fed in
 * socket-sized chunks through the PublishTap into the pipeline, which writes
 * them to the machine's PostgreSQL and publishes the states on Redis as the
 * ingest does (batch size 5,000, two writers, batch wait 50 ms). At most
 * BENCH_TAP_WINDOW messages are in flight, as the broker's receive maximum
 * holds them; a message counts once its ack() came (after its commit). Each
 * round is a fresh set of readings; the first only warms the directory and
 * the code. Per round:
 *   ingest-tap round=<n> readings=<n> cpu_us_per_reading=<x> gc=<n> gc_ms=<x> load=<1 min>
 * then the median of the rounds:
 *   ingest-tap cpu_us_per_reading=<median> min=<x> max=<x> rounds=<n>
 * CPU is process.cpuUsage() of this process (the pipeline, its PostgreSQL
 * and Redis clients); the broker's socket, mqtt.js's keep-alive and the HTTP
 * server of the ingest process are not in it. On a shared machine compare
 * variants by interleaved runs.
 *
 * With `node --expose-gc --trace-gc` each round starts collected and after a
 * line `ingest-tap start round=<n>`: the heap's growth between the
 * collections from there to the round's line is what the round allocated.
 *
 * Env: BENCH_TAP_MESSAGES (per round, 100000), BENCH_TAP_ROUNDS (4),
 * BENCH_TAP_WINDOW (12000), TEST_DATABASE_URL / TEST_REDIS_URL.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { PassThrough } from 'node:stream';
import { PerformanceObserver } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { systemClock } from '@vulgraad/contracts';
import { createScratchDatabase } from '@vulgraad/database';
import { RedisEventBus } from '@vulgraad/events';
import { decodeUplink, DEFAULT_QUALITY_THRESHOLDS } from '@vulgraad/payloads';
import { IngestMetrics } from '../../apps/ingest/src/ingest.metrics';
import { type InboundMessage, IngestPipeline } from '../../apps/ingest/src/ingest.pipeline';
import { PublishTap } from '../../apps/ingest/src/publish-tap';
import { runMain } from '../run-main';
import { seedSensorGrid } from './scratch-sensors';

const MESSAGES = Number(process.env.BENCH_TAP_MESSAGES ?? 100_000);
const ROUNDS = Number(process.env.BENCH_TAP_ROUNDS ?? 4);
const WINDOW = Number(process.env.BENCH_TAP_WINDOW ?? 12_000);
const SENSORS = 1000;
const CHUNK = 65_536;
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

const log = (line: string): void => void process.stdout.write(`${line}\n`);

/** One QoS 1 PUBLISH of MQTT 5 without properties: header, remaining length, topic, packet id, property length 0, payload. */
function publishPacket(topic: string, messageId: number, payload: string): Buffer {
  const topicBytes = Buffer.from(topic);
  const payloadBytes = Buffer.from(payload);
  const remaining = 2 + topicBytes.length + 2 + 1 + payloadBytes.length;
  const lengthBytes: number[] = [];
  let n = remaining;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    lengthBytes.push(b);
  } while (n > 0);
  const head = Buffer.from([0x32, ...lengthBytes, topicBytes.length >> 8, topicBytes.length & 0xff]);
  return Buffer.concat([head, topicBytes, Buffer.from([messageId >> 8, messageId & 0xff, 0]), payloadBytes]);
}

/** The round's packets in chunks of about CHUNK bytes (a packet may straddle two, as on a socket), with the messages each ends. */
function buildRound(devices: string[], round: number): Array<{ bytes: Buffer; messages: number }> {
  const base = Date.now() - 86_400_000 + round * MESSAGES * 10;
  const packets: Buffer[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const device = i % devices.length;
    const seq = round * MESSAGES + Math.floor(i / devices.length);
    const payload = `{"v":1,"ts":"${new Date(base + i * 10).toISOString()}","seq":${seq},"distanceMm":${500 + (i % 1500)},"temperatureC":14.5,"batteryPct":87}`;
    packets.push(publishPacket(`vulgraad/v1/devices/${devices[device]}/readings`, (i % 65_535) + 1, payload));
  }
  const all = Buffer.concat(packets);
  const ends: number[] = [];
  let at = 0;
  for (const p of packets) ends.push((at += p.length));
  const chunks: Array<{ bytes: Buffer; messages: number }> = [];
  let packet = 0;
  for (let start = 0; start < all.length; start += CHUNK) {
    const end = Math.min(all.length, start + CHUNK);
    let complete = 0;
    while (packet < ends.length && (ends[packet] as number) <= end) {
      packet++;
      complete++;
    }
    chunks.push({ bytes: Buffer.from(all.subarray(start, end)), messages: complete });
  }
  return chunks;
}

async function main(): Promise<void> {
  Logger.overrideLogger(['warn', 'error']);
  const scratch = await createScratchDatabase(DATABASE_URL, { prefix: 'benchtap', poolSize: 4 });
  const bus = new RedisEventBus(REDIS_URL, `bench-tap-${run}:events:`);
  let gcCount = 0;
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcCount++;
      gcMs += entry.duration;
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  try {
    const devices = await seedSensorGrid(scratch, SENSORS, `it${run}`);
    const pipeline = new IngestPipeline(scratch.db, bus, systemClock, { decode: decodeUplink }, new IngestMetrics(), {
      batchSize: 5000, batchWaitMs: 50, writers: 2, maxBuffered: 20_000, maxBufferedBytes: 67_108_864, writeStrategy: 'copy', maxPayloadBytes: 16_384,
      rejectKeepBytes: 4096, cacheTtlS: 300, thresholds: DEFAULT_QUALITY_THRESHOLDS,
    });
    let acked = 0;
    let receivedAt: Date | null = null;
    const ack = (): void => {
      acked++;
    };
    const tap = new PublishTap(new PassThrough(), 5, (topic, messageId, payload) => {
      // As the MQTT client: one time of receipt per read from the socket, one message object each.
      receivedAt ??= new Date();
      const message: InboundMessage = { topic, brokerTopic: topic, payload, receivedAt, ack };
      void messageId;
      pipeline.accept(message);
    });
    const figures: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const chunks = buildRound(devices, round);
      acked = 0;
      let fed = 0;
      // With --expose-gc, the round's building is collected before it starts, and a line marks the start for --trace-gc (bytes allocated per reading).
      const collect = (globalThis as { gc?: () => void }).gc;
      if (collect) {
        collect();
        log(`ingest-tap start round=${round}`);
      }
      const gcBefore = [gcCount, gcMs];
      const before = process.cpuUsage();
      for (const chunk of chunks) {
        while (fed - acked + chunk.messages > WINDOW) await new Promise((resolve) => setImmediate(resolve));
        receivedAt = null;
        tap.feed(chunk.bytes);
        fed += chunk.messages;
        // A socket hands over one chunk per turn of the event loop.
        await new Promise((resolve) => setImmediate(resolve));
      }
      while (acked < MESSAGES) await new Promise((resolve) => setTimeout(resolve, 1));
      const used = process.cpuUsage(before);
      const us = (used.user + used.system) / MESSAGES;
      if (round === 0) continue;
      figures.push(us);
      log(
        `ingest-tap round=${round} readings=${MESSAGES} cpu_us_per_reading=${us.toFixed(2)} gc=${gcCount - (gcBefore[0] as number)} ` +
          `gc_ms=${(gcMs - (gcBefore[1] as number)).toFixed(0)} load=${loadavg()[0]!.toFixed(1)}`,
      );
    }
    await pipeline.drain(10_000);
    const sorted = [...figures].sort((a, b) => a - b);
    const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
    log(`ingest-tap cpu_us_per_reading=${median.toFixed(2)} min=${sorted[0]!.toFixed(2)} max=${sorted.at(-1)!.toFixed(2)} rounds=${sorted.length}`);
    const { rows } = await scratch.db.query<{ n: number }>('SELECT count(*)::int AS n FROM readings');
    if (rows[0]!.n !== MESSAGES * (ROUNDS + 1)) throw new Error(`stored ${rows[0]!.n} readings, expected ${MESSAGES * (ROUNDS + 1)}`);
  } finally {
    gc.disconnect();
    await bus.close();
    await scratch.drop();
  }
}

runMain(main);

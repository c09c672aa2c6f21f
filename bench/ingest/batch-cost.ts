/**
 * npm run bench:ingest-batch
 *
 * The ingest pipeline's CPU per reading by batch size, in this process,
 * against the machine's PostgreSQL and Redis: batches of a fixed size are
 * handed to the pipeline one after the other, after a first pass over
 * every sensor (the device directory warm) (each waits for the previous
 * one's acknowledgements and events), so the batch size is what the run
 * says, not what the machine's load makes of it. At a live pace (5,000
 * readings/s, batches of a few dozen) a batch's fixed costs (its statements'
 * round trips, its timer, its events) weigh; at the drain speed they do not.
 * MQTT is left out (the tap's cost is per message, the same at any batch
 * size). One line per batch size:
 *   ingest-batch size=<n> batches=<n> cpu_us_per_reading=<x> cpu_us_per_batch=<x> system_us_per_batch=<x> pg_us_per_reading=<x>
 * CPU is this process's (user + system) while the batches ran; pg_us_per_reading
 * the PostgreSQL backends' serving the scratch database.
 *
 * Then the same pipeline as the ingest runs it (batch size 5,000, batch wait
 * INGEST_BATCH_WAIT_MS, default 10 as in bench:live), fed at a steady
 * BENCH_BATCH_RATE (5000) readings/s for BENCH_BATCH_SECONDS (10): the batches
 * its timers make of that pace, and their cost:
 *   ingest-batch paced rate=<n> batches=<n> readings_per_batch=<x> cpu_us_per_reading=<x> pg_us_per_reading=<x>
 *
 * Env: BENCH_BATCH_SIZES (10,50,200), BENCH_BATCH_READINGS (readings per size,
 * 20000), BENCH_LIVE_CONTAINERS (10000), TEST_DATABASE_URL / TEST_REDIS_URL.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { Logger } from '@nestjs/common';
import { systemClock } from '@vulgraad/contracts';
import { createScratchDatabase } from '@vulgraad/database';
import { RedisEventBus } from '@vulgraad/events';
import { buildNativeReading, decodeUplink, DEFAULT_QUALITY_THRESHOLDS } from '@vulgraad/payloads';
import { IngestMetrics } from '../../apps/ingest/src/ingest.metrics';
import { type InboundMessage, IngestPipeline } from '../../apps/ingest/src/ingest.pipeline';
import { sampleCpu } from './proc-stat';
import { runMain } from '../run-main';
import { backendCpu, seedSensorGrid } from './scratch-sensors';

const SIZES = (process.env.BENCH_BATCH_SIZES ?? '10,50,200').split(',').map(Number);
const READINGS = Number(process.env.BENCH_BATCH_READINGS ?? 20_000);
const CONTAINERS = Number(process.env.BENCH_LIVE_CONTAINERS ?? 10_000);
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RATE = Number(process.env.BENCH_BATCH_RATE ?? 5000);
const PACED_SECONDS = Number(process.env.BENCH_BATCH_SECONDS ?? 10);
const BATCH_WAIT_MS = Number(process.env.INGEST_BATCH_WAIT_MS ?? 10);
const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

async function main(): Promise<void> {
  Logger.overrideLogger(['warn', 'error']);
  log(`ingest-batch: ${CONTAINERS} containers, ${READINGS} readings per batch size; ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), load ${load()}`);
  const scratch = await createScratchDatabase(DATABASE_URL, { prefix: 'benchbatch', poolSize: 4 });
  // Channels of this run's own: a service of another run on the same Redis would otherwise get these states.
  const bus = new RedisEventBus(REDIS_URL, `bench-batch-${run}:events:`);
  try {
    const devices = await seedSensorGrid(scratch, CONTAINERS, `ib${run}`);
    const seqs = new Uint32Array(devices.length);
    let next = 0;
    const messages = (count: number, acked: () => void): InboundMessage[] =>
      Array.from({ length: count }, () => {
        const idx = next;
        next = (next + 1) % devices.length;
        const reading = buildNativeReading(devices[idx]!, { ts: new Date().toISOString(), fillPct: (seqs[idx]! * 3) % 100, batteryPct: 80, temperatureC: 14, seq: ++seqs[idx]! });
        return { topic: reading.topic, payload: Buffer.from(reading.payload), receivedAt: new Date(), ack: acked };
      });
    for (const [round, size] of [SIZES[0]!, ...SIZES].entries()) {
      const warmUp = round === 0;
      const pipeline = new IngestPipeline(scratch.db, bus, systemClock, { decode: decodeUplink }, new IngestMetrics(), {
        batchSize: size, batchWaitMs: 1000, writers: 2, maxBuffered: 20_000, writeStrategy: 'copy', maxPayloadBytes: 16384, rejectKeepBytes: 4096, cacheTtlS: 30,
        thresholds: DEFAULT_QUALITY_THRESHOLDS,
      });
      const batches = Math.max(1, Math.floor((warmUp ? CONTAINERS : READINGS) / size));
      const pgBefore = await backendCpu(scratch, true);
      const before = sampleCpu(process.pid);
      for (let b = 0; b < batches; b++) {
        let left = size;
        let done: () => void = () => undefined;
        const allAcked = new Promise<void>((resolve) => (done = resolve));
        // A full batch starts at once (batchSize), as at a live pace where the wait ends it.
        for (const m of messages(size, () => --left === 0 && done())) pipeline.accept(m);
        await allAcked;
      }
      await pipeline.drain(10_000);
      const after = sampleCpu(process.pid);
      const pgAfter = await backendCpu(scratch, true);
      let pg = 0;
      for (const [pid, cpu] of pgAfter) pg += cpu - (pgBefore.get(pid) ?? 0);
      const cpu = after.cpuSeconds - before.cpuSeconds;
      const readings = batches * size;
      if (warmUp) continue;
      log(
        `ingest-batch size=${size} batches=${batches} cpu_us_per_reading=${((cpu * 1e6) / readings).toFixed(1)} cpu_us_per_batch=${((cpu * 1e6) / batches).toFixed(0)} ` +
          `system_us_per_batch=${(((after.systemSeconds - before.systemSeconds) * 1e6) / batches).toFixed(0)} ` +
          `pg_us_per_reading=${((pg * 1e6) / readings).toFixed(1)} load=${load()}`,
      );
    }
    // At a steady pace, the batches the pipeline's own timers make.
    const metrics = new IngestMetrics();
    const pipeline = new IngestPipeline(scratch.db, bus, systemClock, { decode: decodeUplink }, metrics, {
      batchSize: 5000, batchWaitMs: BATCH_WAIT_MS, writers: 2, maxBuffered: 20_000, writeStrategy: 'copy', maxPayloadBytes: 16384, rejectKeepBytes: 4096, cacheTtlS: 30,
      thresholds: DEFAULT_QUALITY_THRESHOLDS,
    });
    let acked = 0;
    const pgBefore = await backendCpu(scratch, true);
    const before = sampleCpu(process.pid);
    const t0 = Date.now();
    let sent = 0;
    while (Date.now() - t0 < PACED_SECONDS * 1000) {
      const due = Math.floor(((Date.now() - t0) / 1000) * RATE) - sent;
      for (const m of messages(Math.max(0, due), () => acked++)) pipeline.accept(m);
      sent += Math.max(0, due);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    while (acked < sent) await new Promise((resolve) => setTimeout(resolve, 5));
    await pipeline.drain(10_000);
    const after = sampleCpu(process.pid);
    const pgAfter = await backendCpu(scratch, true);
    let pg = 0;
    for (const [pid, cpu] of pgAfter) pg += cpu - (pgBefore.get(pid) ?? 0);
    const batches = Number(metrics.snapshot().batches);
    log(
      `ingest-batch paced rate=${Math.round(sent / PACED_SECONDS)} batches=${batches} readings_per_batch=${(sent / Math.max(1, batches)).toFixed(1)} ` +
        `cpu_us_per_reading=${(((after.cpuSeconds - before.cpuSeconds) * 1e6) / sent).toFixed(1)} pg_us_per_reading=${((pg * 1e6) / sent).toFixed(1)} load=${load()}`,
    );
  } finally {
    await bus.close();
    await scratch.drop();
  }
}

runMain(main);

/**
 * npm run bench:writer
 *
 * The ingest's batch writer on its own, without MQTT: batches of native
 * readings handed to IngestPipeline.accept as the MQTT client does, parsed,
 * resolved, flagged and committed, timed until every one is acknowledged,
 * for each write strategy, on the machine's PostgreSQL and on the embedded
 * PGlite with TimescaleDB. A tenth of the second half of the batches are
 * readings already stored (a broker redelivery), so the fallback is measured
 * too. Prints readings per second per strategy and database, and the CPU
 * this process spent per reading (for PGlite that includes the database).
 *
 * Env: BENCH_WRITER_BATCHES (default 20), BENCH_WRITER_BATCH (5000),
 * BENCH_WRITER_DEVICES (1000, one container each), BENCH_WRITER_STRATEGIES
 * (copy,staging,unnest), BENCH_WRITER_DATABASES (postgres,pglite), TEST_DATABASE_URL.
 */
import { Logger } from '@nestjs/common';
import { systemClock } from '@vulgraad/contracts';
import {
  ContainersRepository, createDatabase, createScratchDatabase, type Database, DevicesRepository, migrate, type ReadingWriteStrategy,
} from '@vulgraad/database';
import { InProcessEventBus } from '@vulgraad/events';
import { decodeUplink, DEFAULT_QUALITY_THRESHOLDS } from '@vulgraad/payloads';
import { IngestMetrics } from '../../apps/ingest/src/ingest.metrics';
import { type InboundMessage, IngestPipeline } from '../../apps/ingest/src/ingest.pipeline';

const BATCHES = Number(process.env.BENCH_WRITER_BATCHES ?? 20);
const BATCH = Number(process.env.BENCH_WRITER_BATCH ?? 5000);
const DEVICES = Number(process.env.BENCH_WRITER_DEVICES ?? 1000);
const STRATEGIES = (process.env.BENCH_WRITER_STRATEGIES ?? 'copy,staging,unnest').split(',') as ReadingWriteStrategy[];
const DATABASES = (process.env.BENCH_WRITER_DATABASES ?? 'postgres,pglite').split(',');
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function seed(db: Database, label: string): Promise<string[]> {
  const containers = await new ContainersRepository(db).upsert(
    Array.from({ length: DEVICES }, (_, i) => ({ externalRef: `${label}-c${i}`, lng: 4.9, lat: 52.37, district: 'C', wasteType: 'residual' as const, volumeL: 5000, depthMm: 2500 })),
  );
  const devices = await new DevicesRepository(db).upsert(Array.from({ length: DEVICES }, (_, i) => ({ externalRef: `${label}-d${i}` })));
  const byRef = new Map(containers.map((c) => [c.externalRef, c.id]));
  await db.transaction((tx) =>
    new DevicesRepository(tx).bindMany(devices.map((d) => ({ deviceId: d.id, containerId: byRef.get(d.externalRef.replace('-d', '-c'))!, validFrom: new Date('2020-01-01') }))),
  );
  return devices.map((d) => d.externalRef);
}

async function measure(db: Database, strategy: ReadingWriteStrategy, refs: string[]): Promise<{ perSecond: number; cpuUsPerReading: number }> {
  const pipeline = new IngestPipeline(db, new InProcessEventBus(), systemClock, { decode: decodeUplink }, new IngestMetrics(), {
    batchSize: BATCH, batchWaitMs: 50, writers: 1, maxBuffered: BATCH * 4, writeStrategy: strategy, maxPayloadBytes: 16384, rejectKeepBytes: 4096,
    cacheTtlS: 300, thresholds: DEFAULT_QUALITY_THRESHOLDS,
  });
  const base = Date.now() - 30 * 86_400_000;
  let acked = 0;
  let onAck: () => void = () => undefined;
  const message = (i: number): InboundMessage => {
    const payload = Buffer.from(`{"v":1,"ts":"${new Date(base + i * 100).toISOString()}","seq":${Math.floor(i / refs.length)},"distanceMm":${500 + (i % 1500)},"temperatureC":14.5,"batteryPct":87}`);
    return { topic: `vulgraad/v1/devices/${refs[i % refs.length]}/readings`, payload, receivedAt: new Date(), ack: () => { acked++; onAck(); } };
  };
  /** Hands the batch to the pipeline as the MQTT client would and waits until every message is acknowledged (committed). */
  const write = (batch: InboundMessage[]): Promise<void> => {
    const target = acked + batch.length;
    const done = new Promise<void>((resolve) => (onAck = () => acked >= target && resolve()));
    for (const m of batch) pipeline.accept(m);
    return done;
  };
  // Warm the registry cache, then time.
  await write([message(0)]);
  let next = 1;
  let rows = 0;
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  for (let b = 0; b < BATCHES; b++) {
    const batch = Array.from({ length: BATCH }, () => message(next++));
    // In the second half, a tenth of each batch comes again (redelivery after a restart).
    if (b >= BATCHES / 2) for (let k = 0; k < BATCH / 10; k++) batch[k] = message(next - BATCH * 2 + k);
    rows += batch.length;
    await write(batch);
  }
  const perSecond = rows / (Number(process.hrtime.bigint() - started) / 1e9);
  const cpu = process.cpuUsage(cpuBefore);
  await pipeline.drain(1000);
  return { perSecond, cpuUsPerReading: (cpu.user + cpu.system) / rows };
}

async function main(): Promise<void> {
  // The pipeline's per-batch debug lines would drown the figures.
  Logger.overrideLogger(['warn', 'error']);
  process.stdout.write(`writer benchmark: ${BATCHES} batches of ${BATCH} native readings, ${DEVICES} devices\n`);
  for (const strategy of DATABASES.includes('postgres') ? STRATEGIES : []) {
    const scratch = await createScratchDatabase(DATABASE_URL, { prefix: `bench_writer_${strategy}` });
    try {
      const { perSecond, cpuUsPerReading } = await measure(scratch.db, strategy, await seed(scratch.db, 'w'));
      process.stdout.write(`postgres ${strategy} readings_per_s=${Math.round(perSecond)} node_cpu_us_per_reading=${cpuUsPerReading.toFixed(1)}\n`);
    } finally {
      await scratch.drop();
    }
  }
  for (const strategy of DATABASES.includes('pglite') ? STRATEGIES : []) {
    const db = await createDatabase({ databaseUrl: null, pgliteDataDir: 'memory://' });
    try {
      await migrate(db);
      const { perSecond, cpuUsPerReading } = await measure(db, strategy, await seed(db, 'w'));
      process.stdout.write(`pglite-timescale ${strategy} readings_per_s=${Math.round(perSecond)} node_cpu_us_per_reading=${cpuUsPerReading.toFixed(1)}\n`);
    } finally {
      await db.close();
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`writer benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

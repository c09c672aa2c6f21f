import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { seedDevices, uniqueName } from '../ingest/harness';
import { type AppProcess, sleep, spawnApp, waitFor } from './support/app-process';
import { canRunPrivatePostgres, type PrivateService, startPrivateMosquitto, startPrivatePostgres } from './support/private-services';
import { countReadings, type ReadingStream, startReadingStream } from './support/reading-stream';
import { recordScenario } from './support/scenario-record';

const DEVICES = 100;
const PER_DEVICE = 400;
const TOTAL = DEVICES * PER_DEVICE;
const OUTAGE_MS = 30_000;
const RECEIVE_MAXIMUM = 1000;
const MAX_BUFFERED = 3000;

// Needs PostgreSQL's server programs to run a cluster of the test's own (the machine's is never stopped).
const maybe = canRunPrivatePostgres() ? describe : describe.skip;

// PostgreSQL goes away for 30 s in the middle of a QoS 1 stream and comes back.
// The ingest keeps what it holds unacknowledged, stops reading when its buffer
// is full (MQTT 5 Receive Maximum, then INGEST_MAX_BUFFERED), the broker keeps
// the rest, and once the database answers again every reading is stored once.
maybe('fault: PostgreSQL stopped for 30 s during a stream', () => {
  let postgres: PrivateService;
  let scratch: ScratchDatabase;
  let broker: PrivateService;
  let stream: ReadingStream | undefined;
  let ingest: AppProcess | undefined;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    scratch = await createScratchDatabase(postgres.url, { prefix: 'faults_pg' });
    broker = await startPrivateMosquitto();
  }, 120_000);
  afterAll(async () => {
    await stream?.close();
    await ingest?.kill('SIGKILL');
    await broker?.destroy();
    await scratch?.drop().catch(() => undefined);
    await postgres?.destroy();
  }, 60_000);

  it('loses nothing, holds a bounded buffer and reports itself unhealthy meanwhile', async () => {
    const devices = await seedDevices(scratch.db, 'pg', DEVICES);
    const running = await spawnApp('ingest', {
      DATABASE_URL: scratch.url,
      MQTT_URL: broker.url,
      INGEST_CLIENT_ID: uniqueName('ingest-pg'),
      INGEST_SHARE_GROUP: uniqueName('group'),
      INGEST_BATCH_SIZE: '500',
      INGEST_RECEIVE_MAXIMUM: String(RECEIVE_MAXIMUM),
      INGEST_MAX_BUFFERED: String(MAX_BUFFERED),
      DB_POOL_SIZE: '4',
      DB_MAINTENANCE_INTERVAL_S: '0',
      DB_MIGRATE_ON_START: 'false',
    });
    ingest = running;
    await waitFor(async () => (await fetch(`${running.baseUrl}/health`)).ok, 30_000, 'ingest subscribed');

    stream = await startReadingStream({ brokerUrl: broker.url, clientId: uniqueName('pg-pub'), devices, perDevice: PER_DEVICE, pauseMs: 100 });
    await waitFor(async () => (await countReadings(scratch.db, TOTAL)).distinct >= TOTAL / 10, 60_000, 'a tenth of the stream stored');
    const rssBeforeMb = running.rssMb();
    const storedBeforeOutage = (await countReadings(scratch.db, TOTAL)).distinct;

    await postgres.stop();
    const outageStarted = Date.now();
    let maxBuffered = 0;
    let maxRssMb = rssBeforeMb;
    let unhealthySeen = false;
    const publishedAtStop = stream.published;
    // A failed request says why: the ingest's exit and the end of what it wrote.
    const gone = async (error: unknown): Promise<never> => {
      const exit = await Promise.race([running.exited, sleep(500).then(() => 'still running')]);
      throw new Error(`the ingest stopped answering (${String(error)}; exit: ${String(exit)}):\n${running.output().slice(-4000)}`);
    };
    while (Date.now() - outageStarted < OUTAGE_MS) {
      const stats = (await (await fetch(`${running.baseUrl}/stats`).catch(gone)).json()) as { buffered: number };
      maxBuffered = Math.max(maxBuffered, stats.buffered);
      maxRssMb = Math.max(maxRssMb, running.rssMb());
      if ((await fetch(`${running.baseUrl}/health`).catch(gone)).status === 503) unhealthySeen = true;
      await sleep(1000);
    }
    const publishedDuringOutage = stream.published - publishedAtStop;
    await postgres.start();

    await stream.done;
    await waitFor(async () => (await countReadings(scratch.db, TOTAL)).distinct >= TOTAL, 180_000, `all ${TOTAL} readings stored`);
    await sleep(1500);
    const counts = await countReadings(scratch.db, TOTAL);
    recordScenario({
      scenario: 'PostgreSQL stopped 30 s',
      lost: counts.lost,
      duplicated: counts.duplicated,
      details: { total: TOTAL, storedBeforeOutage, publishedDuringOutage, maxBuffered, rssBeforeMb, maxRssMb },
    });

    // The outage really fell in the middle of the stream.
    expect(storedBeforeOutage).toBeLessThan(TOTAL);
    expect(publishedDuringOutage).toBeGreaterThan(RECEIVE_MAXIMUM);
    expect(unhealthySeen).toBe(true);
    // Back-pressure: never more held than the broker may have in flight, however much queued at the broker meanwhile.
    expect(maxBuffered).toBeLessThanOrEqual(Math.min(RECEIVE_MAXIMUM, MAX_BUFFERED));
    expect(maxRssMb - rssBeforeMb).toBeLessThan(100);
    expect(counts).toEqual({ rows: TOTAL, distinct: TOTAL, lost: 0, duplicated: 0 });
    expect((await fetch(`${running.baseUrl}/health`)).ok).toBe(true);
  }, 300_000);
});

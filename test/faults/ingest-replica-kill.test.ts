import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { seedDevices, uniqueName } from '../ingest/harness';
import { type AppProcess, spawnApp, waitFor } from './support/app-process';
import { type PrivateService, startPrivateMosquitto } from './support/private-services';
import { countReadings, type ReadingStream, startReadingStream } from './support/reading-stream';
import { recordScenario } from './support/scenario-record';
import { testPostgresUrl } from '../support/services';

const DEVICES = 200;
const PER_DEVICE = 100;
const TOTAL = DEVICES * PER_DEVICE;

// Two ingest processes on one MQTT 5 shared subscription split a QoS 1 stream;
// one is killed with SIGKILL in the middle and started again under its client id.
// Between them, the surviving replica and the restarted one store every reading exactly once.
describe('fault: kill -9 of one of two ingest replicas during a QoS 1 stream', () => {
  let scratch: ScratchDatabase;
  let broker: PrivateService;
  let stream: ReadingStream | undefined;
  const processes: AppProcess[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'faults_kill' });
    broker = await startPrivateMosquitto();
  }, 60_000);
  afterAll(async () => {
    await stream?.close();
    for (const p of processes) await p.kill('SIGKILL');
    await broker?.destroy();
    await scratch?.drop();
  }, 60_000);

  it('stores every reading exactly once between the survivor and the restarted replica', async () => {
    const devices = await seedDevices(scratch.db, 'kill', DEVICES);
    const group = uniqueName('group');
    const env = (replica: string): Record<string, string> => ({
      DATABASE_URL: scratch.url,
      MQTT_URL: broker.url,
      INGEST_CLIENT_ID: `${group}-${replica}`,
      INGEST_SHARE_GROUP: group,
      INGEST_BATCH_SIZE: '500',
      DB_MAINTENANCE_INTERVAL_S: '0',
      DB_MIGRATE_ON_START: 'false',
    });
    const [a, b] = await Promise.all([spawnApp('ingest', env('a'), { label: 'ingest-a' }), spawnApp('ingest', env('b'), { label: 'ingest-b' })]);
    processes.push(a, b);
    for (const p of [a, b]) await waitFor(async () => (await fetch(`${p.baseUrl}/health`)).ok, 30_000, `${p.name} subscribed`);

    stream = await startReadingStream({ brokerUrl: broker.url, clientId: uniqueName('kill-pub'), devices, perDevice: PER_DEVICE, pauseMs: 40 });
    const storedBy = async (p: AppProcess): Promise<number> => ((await (await fetch(`${p.baseUrl}/stats`)).json()) as { stored: number }).stored;
    await waitFor(async () => (await countReadings(scratch.db, TOTAL)).distinct >= TOTAL / 4, 90_000, 'a quarter of the stream stored');
    const storedByAAtKill = await storedBy(a);
    await a.kill('SIGKILL');
    const publishedAtKill = stream.published;

    const restarted = await spawnApp('ingest', env('a'), { label: 'ingest-a-restarted' });
    processes.push(restarted);
    await stream.done;
    await waitFor(async () => (await countReadings(scratch.db, TOTAL)).distinct >= TOTAL, 120_000, `all ${TOTAL} readings stored`);
    // Late redeliveries of what the killed replica held must be absorbed, not stored again.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const counts = await countReadings(scratch.db, TOTAL);
    const storedByB = await storedBy(b);
    const storedByRestarted = await storedBy(restarted);
    recordScenario({
      scenario: 'ingest replica kill -9',
      lost: counts.lost,
      duplicated: counts.duplicated,
      details: { total: TOTAL, publishedAtKill, storedByAAtKill, storedByB, storedByRestarted },
    });

    expect(publishedAtKill).toBeLessThan(TOTAL);
    // Both replicas took part in the split before the crash, and the restarted one took over its share.
    expect(storedByAAtKill).toBeGreaterThan(0);
    expect(storedByB).toBeGreaterThan(0);
    expect(storedByRestarted).toBeGreaterThan(0);
    expect(counts).toEqual({ rows: TOTAL, distinct: TOTAL, lost: 0, duplicated: 0 });
    expect(restarted.logs.some((l) => l.msg === 'connected to broker' && l.sessionPresent === true)).toBe(true);
  }, 300_000);
});

import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import mqtt, { type MqttClient } from 'mqtt';
import { testPostgresUrl } from '../support/services';
import { seedDevices, uniqueName, waitFor } from './harness';
import { type IngestProcess, spawnIngest } from './ingest-process';
import { type PrivateBroker, startPrivateBroker } from './private-broker';

const DEVICES = 200;
const PER_DEVICE = 100;
const TOTAL = DEVICES * PER_DEVICE;

// kill -9 of the ingest process in the middle of a QoS 1 stream of 20,000
// readings, then a restart under the same client id: the broker redelivers
// what was never acknowledged, and every reading ends up stored exactly once.
describe('ingest: crash in the middle of a QoS 1 stream', () => {
  let scratch: ScratchDatabase;
  let broker: PrivateBroker;
  let publisher: MqttClient | undefined;
  const processes: IngestProcess[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'ingest_crash' });
    broker = await startPrivateBroker();
  }, 60_000);
  afterAll(async () => {
    await publisher?.endAsync().catch(() => undefined);
    for (const p of processes) await p.kill('SIGKILL');
    await broker?.stop();
    await scratch?.drop();
  }, 60_000);

  const count = async (): Promise<number> => (await scratch.db.query<{ n: number }>('SELECT count(*)::int AS n FROM readings')).rows[0]!.n;

  it('stores every reading exactly once after kill -9 and restart', async () => {
    const devices = await seedDevices(scratch.db, 'crash', DEVICES);
    const env = {
      DATABASE_URL: scratch.url,
      MQTT_URL: broker.url,
      INGEST_CLIENT_ID: uniqueName('ingest-crash'),
      INGEST_BATCH_SIZE: '500',
      DB_MAINTENANCE_INTERVAL_S: '0',
      DB_MIGRATE_ON_START: 'false',
    };
    const first = await spawnIngest(env);
    processes.push(first);
    await waitFor(async () => (await fetch(`${first.baseUrl}/health`)).ok, 20_000, 'first ingest subscribed');

    publisher = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: uniqueName('crash-pub'), reconnectPeriod: 0 });
    const start = Date.now() - TOTAL * 1000;
    let published = 0;
    const publishing = (async () => {
      for (let seq = 0; seq < PER_DEVICE; seq++) {
        await Promise.all(
          devices.map((d, i) =>
            publisher!.publishAsync(
              `vulgraad/v1/devices/${d.externalRef}/readings`,
              JSON.stringify({ v: 1, ts: new Date(start + (seq * DEVICES + i) * 1000).toISOString(), seq, distanceMm: 2500 - ((seq * 20) % 2400), batteryPct: 80 }),
              { qos: 1 },
            ),
          ),
        );
        published += DEVICES;
        // Spread the stream over a few seconds so that the crash lands in its middle.
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();

    await waitFor(async () => (await count()) >= TOTAL / 5, 60_000, 'a fifth of the stream stored');
    await first.kill('SIGKILL');
    const storedAtCrash = await count();
    expect(storedAtCrash).toBeLessThan(TOTAL);
    expect(published).toBeLessThan(TOTAL);

    const second = await spawnIngest(env);
    processes.push(second);
    await publishing;
    await waitFor(async () => (await count()) >= TOTAL, 120_000, `all ${TOTAL} readings stored`);
    // Let any late redelivery arrive before counting.
    await waitFor(async () => second.logs.some((l) => l.msg === 'connected to broker' && l.sessionPresent === true), 5000, 'the restarted ingest resumed its session');
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const { rows } = await scratch.db.query<{ rows: number; distinct_readings: number; devices: number; min_seq: number; max_seq: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT (device_id, seq))::int AS distinct_readings, count(DISTINCT device_id)::int AS devices,
              min(seq)::int AS min_seq, max(seq)::int AS max_seq FROM readings`,
    );
    expect(rows[0]).toEqual({ rows: TOTAL, distinct_readings: TOTAL, devices: DEVICES, min_seq: 0, max_seq: PER_DEVICE - 1 });
    const rejected = await scratch.db.query<{ n: number }>('SELECT count(*)::int AS n FROM rejected_messages');
    expect(rejected.rows[0]!.n).toBe(0);
  }, 240_000);
});

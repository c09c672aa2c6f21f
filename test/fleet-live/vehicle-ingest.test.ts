import type { TruckPosition, VehicleLift } from '@vulgraad/contracts';
import { createScratchDatabase, RejectedMessagesRepository, type ScratchDatabase } from '@vulgraad/database';
import { buildNativeReading, vehicleLiftTopic, vehiclePositionTopic } from '@vulgraad/payloads';
import { RedisEventBus } from '@vulgraad/events';
import type { MqttClient } from 'mqtt';
import pg from 'pg';
import { IngestPipeline } from '../../apps/ingest/src/ingest.pipeline';
import { connectPublisher, seedDevices, startIngest, uniqueName, waitFor, type RunningIngest } from '../ingest/harness';
import { testPostgresUrl, testRedisUrl } from '../support/services';
import { seedTrucks } from './trucks';

jest.setTimeout(60_000);

describe('trucks reporting over MQTT', () => {
  let scratch: ScratchDatabase;
  let ingest: RunningIngest;
  let publisher: MqttClient;
  const positions: TruckPosition[] = [];
  const lifts: VehicleLift[] = [];
  const send = async (topic: string, body: unknown): Promise<void> => {
    await publisher.publishAsync(`${ingest.prefix}${topic}`, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 });
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'vehingest' });
    await seedTrucks(scratch.db, [{ id: 'truck-7', fractions: ['residual'] }]);
    await scratch.db.query(`INSERT INTO containers (id, lng, lat, district, waste_type, volume_l, rfid_tag) VALUES ('c-rfid', 4.9, 52.37, 'Centrum', 'residual', 5000, 'E200-0001')`);
    ingest = await startIngest(scratch.url);
    await ingest.bus.subscribe('vehicle.position', (p) => void positions.push(p));
    await ingest.bus.subscribe('vehicle.lift', (l) => void lifts.push(l));
    publisher = await connectPublisher();
  });
  afterAll(async () => {
    await publisher?.endAsync();
    await ingest?.close();
    await scratch?.drop();
  });

  it('stores a position once (a redelivery is absorbed) and publishes each as soon as it is read', async () => {
    const at = new Date(Date.now() - 5000).toISOString();
    await send(vehiclePositionTopic('truck-7'), { time: at, lat: 52.371, lng: 4.901, speed: 23.5, heading: 182 });
    await send(vehiclePositionTopic('truck-7'), { time: at, lat: 52.371, lng: 4.901, speed: 23.5, heading: 182 });
    await waitFor(() => positions.length >= 2, 10_000, 'both positions published');
    // Published on reading, stored after: the write may still be on its way.
    await waitFor(async () => (await scratch.db.query('SELECT 1 FROM vehicle_positions')).rows.length === 1, 10_000, 'the position stored');
    const { rows } = await scratch.db.query<{ vehicle_id: string; lat: number; speed_kmh: number; heading: number }>('SELECT vehicle_id, lat, speed_kmh, heading FROM vehicle_positions');
    expect(rows).toEqual([{ vehicle_id: 'truck-7', lat: 52.371, speed_kmh: 23.5, heading: 182 }]);
    expect(positions[0]).toEqual({ vehicleId: 'truck-7', at, lat: 52.371, lng: 4.901, speedKmh: 23.5, heading: 182 });
  });

  it('keeps bad messages as rejected with a reason and never stores them as positions', async () => {
    await send(vehiclePositionTopic('truck-7'), '{"time": ');
    await send(vehiclePositionTopic('truck-7'), { time: new Date().toISOString(), lat: 123, lng: 4.9 });
    await send(vehiclePositionTopic('truck-7'), { lat: 52.3, lng: 4.9 });
    await send(vehiclePositionTopic('truck-unknown'), { time: new Date().toISOString(), lat: 52.3, lng: 4.9 });
    await send('vulgraad/v1/vehicles/truck-7/odometer', { time: new Date().toISOString(), km: 12 });
    await send(vehiclePositionTopic('truck-7'), { time: new Date(Date.now() + 3_600_000).toISOString(), lat: 52.3, lng: 4.9 });
    const rejected = new RejectedMessagesRepository(scratch.db);
    await waitFor(async () => (await rejected.recent()).length >= 6, 10_000, 'six rejected messages');
    const reasons = (await rejected.recent()).map((r) => [r.reason, r.deviceRef, r.format]).sort();
    expect(reasons).toEqual(
      [
        ['malformed_json', 'truck-7', 'vehicle'],
        ['out_of_range', 'truck-7', 'vehicle'],
        ['missing_field', 'truck-7', 'vehicle'],
        ['unknown_vehicle', 'truck-unknown', 'vehicle'],
        ['unknown_topic', 'truck-7', 'vehicle'],
        ['future_time', 'truck-7', 'vehicle'],
      ].sort(),
    );
    expect((await rejected.recent()).find((r) => r.reason === 'out_of_range')?.detail).toMatch(/lat must be within -90..90, got 123/);
    expect((await scratch.db.query('SELECT 1 FROM vehicle_positions')).rows).toHaveLength(1);
  });

  it('stores a lift by container id or RFID tag (resolved from the registry) and publishes it', async () => {
    await send(vehicleLiftTopic('truck-7'), { time: new Date().toISOString(), rfid: 'E200-0001', lat: 52.37, lng: 4.9 });
    await send(vehicleLiftTopic('truck-7'), { time: new Date().toISOString(), containerId: 'c-other' });
    await waitFor(() => lifts.length >= 2, 10_000, 'two lifts published');
    expect(lifts.map((l) => [l.containerId, l.rfidTag]).sort()).toEqual([['c-other', null], ['c-rfid', 'E200-0001']]);
    const { rows } = await scratch.db.query<{ container_id: string }>('SELECT container_id FROM vehicle_lifts ORDER BY container_id');
    expect(rows.map((r) => r.container_id)).toEqual(['c-other', 'c-rfid']);
  });
});

// The live map is not the record: a truck's position goes out on the bus as soon as the ingest has
// read it, whatever its write is doing, and is acknowledged to the broker only after its commit. One
// never stored comes again from the broker (persistent session), is stored once and published again.
describe('a truck position while its write is held', () => {
  let scratch: ScratchDatabase;
  let ingest: RunningIngest | null = null;
  let publisher: MqttClient;
  let holder: pg.Client;
  const seen: TruckPosition[] = [];
  // Events over Redis, on channels of this test's own: a listener of its own hears both ingest processes, the second from its first message on.
  const env = {
    INGEST_TOPIC_PREFIX: `${uniqueName('held')}/`, INGEST_CLIENT_ID: uniqueName('held-ingest'), INGEST_SHARE_GROUP: uniqueName('held-group'),
    REDIS_URL: testRedisUrl(), EVENTS_REDIS_PREFIX: `${uniqueName('held')}:events:`,
  };
  const listener = new RedisEventBus(env.REDIS_URL, env.EVENTS_REDIS_PREFIX);
  const start = (): Promise<RunningIngest> => startIngest(scratch.url, env);
  const stored = async (at: string): Promise<number> =>
    (await scratch.db.query('SELECT 1 FROM vehicle_positions WHERE vehicle_id = $1 AND measured_at = $2', ['truck-8', new Date(at)])).rows.length;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'vehheld' });
    await seedTrucks(scratch.db, [{ id: 'truck-8', fractions: ['residual'] }]);
    holder = new pg.Client({ connectionString: scratch.url });
    await holder.connect();
    await listener.subscribe('vehicle.position', (p) => void seen.push(p));
    publisher = await connectPublisher();
  });
  afterAll(async () => {
    await listener.close();
    await holder?.end().catch(() => undefined);
    await publisher?.endAsync();
    await ingest?.close();
    await scratch?.drop();
  });

  it('reaches the bus before its commit; one not stored comes again, is stored once and published again', async () => {
    const at = new Date(Date.now() - 2000).toISOString();
    /** The ingest's INSERT of positions waiting for the lock (seen in pg_locks: a statement with parameters waits before pg_stat_activity shows it). */
    const heldWrite = async (what: string): Promise<unknown[]> =>
      (await holder.query(`SELECT ${what} FROM pg_locks WHERE relation = 'vehicle_positions'::regclass AND mode = 'RowExclusiveLock' AND NOT granted`)).rows;
    ingest = await start();
    // Holds every write of positions: the ingest's INSERT waits for this lock.
    await holder.query('BEGIN');
    try {
      await holder.query('LOCK TABLE vehicle_positions IN SHARE MODE');
      await publisher.publishAsync(`${env.INGEST_TOPIC_PREFIX}${vehiclePositionTopic('truck-8')}`, JSON.stringify({ time: at, lat: 52.36, lng: 4.89, speed: 12, heading: 45 }), { qos: 1 });
      await waitFor(() => seen.some((p) => p.at === at), 10_000, 'the position on the bus while its write waits');
      await waitFor(async () => (await heldWrite('pid')).length === 1, 10_000, 'the ingest\'s write waiting for the lock');
      expect(await stored(at)).toBe(0);
      // The write fails (its connection ended): nothing is acknowledged, and the broker keeps the message for the session.
      await heldWrite('pg_terminate_backend(pid)');
    } finally {
      await holder.query('ROLLBACK');
    }
    await ingest.close();
    ingest = null;
    expect(await stored(at)).toBe(0);

    // The same session again: the broker delivers the position once more.
    ingest = await start();
    await waitFor(async () => (await stored(at)) === 1, 15_000, 'the redelivered position stored');
    await waitFor(() => seen.filter((p) => p.at === at).length >= 2, 10_000, 'the redelivered position published again');
    const { rows } = await scratch.db.query<{ n: number }>('SELECT count(*)::int AS n FROM vehicle_positions');
    expect(rows[0]!.n).toBe(1);
    expect(seen.filter((p) => p.at === at)).toEqual([
      { vehicleId: 'truck-8', at, lat: 52.36, lng: 4.89, speedKmh: 12, heading: 45 },
      { vehicleId: 'truck-8', at, lat: 52.36, lng: 4.89, speedKmh: 12, heading: 45 },
    ]);
  });

  it('is not held behind readings the ingest has stopped reading (the trucks have a session of their own)', async () => {
    await ingest?.close();
    // A tiny buffer: a few readings whose write waits are enough to make the readings' session stop reading.
    ingest = await startIngest(scratch.url, { ...env, INGEST_MAX_BUFFERED: '4', INGEST_BATCH_SIZE: '2' });
    const [device] = await seedDevices(scratch.db, 'held', 1);
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE readings IN SHARE MODE');
    try {
      for (let i = 0; i < 20; i++) {
        const reading = buildNativeReading(device!.externalRef, { ts: new Date(Date.now() - 60_000 + i * 1000).toISOString(), fillPct: 40 + i, seq: i + 1 });
        await publisher.publishAsync(`${env.INGEST_TOPIC_PREFIX}${reading.topic}`, reading.payload, { qos: 1 });
      }
      const pipeline = ingest.app.get(IngestPipeline);
      await waitFor(() => pipeline.buffered >= 4, 10_000, 'the readings\' session stopped reading, its buffer full of readings whose write waits');
      const at = new Date(Date.now() - 1000).toISOString();
      await publisher.publishAsync(`${env.INGEST_TOPIC_PREFIX}${vehiclePositionTopic('truck-8')}`, JSON.stringify({ time: at, lat: 52.361, lng: 4.891 }), { qos: 1 });
      await waitFor(async () => (await stored(at)) === 1, 10_000, 'the position stored while the readings wait');
      expect(seen.some((p) => p.at === at)).toBe(true);
      expect((await scratch.db.query('SELECT 1 FROM readings')).rows).toHaveLength(0);
    } finally {
      await holder.query('ROLLBACK');
    }
    await waitFor(async () => (await scratch.db.query('SELECT 1 FROM readings')).rows.length === 20, 15_000, 'the readings stored once the lock is gone');
  });
});

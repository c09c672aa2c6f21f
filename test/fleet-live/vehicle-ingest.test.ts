import type { TruckPosition, VehicleLift } from '@vulgraad/contracts';
import { createScratchDatabase, RejectedMessagesRepository, type ScratchDatabase } from '@vulgraad/database';
import { vehicleLiftTopic, vehiclePositionTopic } from '@vulgraad/payloads';
import type { MqttClient } from 'mqtt';
import { connectPublisher, startIngest, waitFor, type RunningIngest } from '../ingest/harness';
import { testPostgresUrl } from '../support/services';
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

  it('stores a position once (a redelivery is absorbed) and publishes it after the commit', async () => {
    const at = new Date(Date.now() - 5000).toISOString();
    await send(vehiclePositionTopic('truck-7'), { time: at, lat: 52.371, lng: 4.901, speed: 23.5, heading: 182 });
    await send(vehiclePositionTopic('truck-7'), { time: at, lat: 52.371, lng: 4.901, speed: 23.5, heading: 182 });
    await waitFor(() => positions.length >= 2, 10_000, 'both positions published');
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

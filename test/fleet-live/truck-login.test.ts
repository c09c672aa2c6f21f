import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { vehiclePositionTopic } from '@vulgraad/payloads';
import { generateSecret, hashSecret, MqttAccountsRepository } from '@vulgraad/security';
import mqtt, { type MqttClient } from 'mqtt';
import { type AllInOneProcess, startAllInOneProcess } from '../all-in-one/support/all-in-one-process';
import { uniqueName, waitFor } from '../ingest/harness';
import { testPostgresUrl } from '../support/services';
import { seedTrucks } from './trucks';

jest.setTimeout(120_000);

// A truck's telematics on `npm start`'s embedded broker, as a device: its own id and secret, its own topics only.
describe('a truck logging in to the broker', () => {
  let scratch: ScratchDatabase;
  let system: AllInOneProcess | null = null;
  let brokerUrl = '';
  let secret = '';
  const clients: MqttClient[] = [];
  const connect = async (username: string, password: string, clientId = username): Promise<MqttClient> => {
    const client = await mqtt.connectAsync(brokerUrl, { protocolVersion: 4, clientId, username, password, reconnectPeriod: 0, connectTimeout: 5000 });
    clients.push(client);
    return client;
  };
  const stored = async (vehicleId: string): Promise<number> =>
    (await scratch.db.query<{ n: number }>('SELECT count(*)::int AS n FROM vehicle_positions WHERE vehicle_id = $1', [vehicleId])).rows[0]?.n ?? 0;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'truck_login' });
    await seedTrucks(scratch.db, [{ id: 'truck-a', fractions: ['residual'] }, { id: 'truck-b', fractions: ['paper'] }]);
    secret = generateSecret();
    expect(await new MqttAccountsRepository(scratch.db).setVehicleSecret('truck-a', hashSecret(secret))).toBe('truck-a');
    expect(await new MqttAccountsRepository(scratch.db).setVehicleSecret('no-such-truck', hashSecret(secret))).toBeNull();
    system = await startAllInOneProcess({
      DATABASE_URL: scratch.url, MQTT_URL: '', MQTT_USERNAME: '', MQTT_PASSWORD: '', REDIS_URL: '', EMBEDDED_MQTT_PORT: '0', GATEWAY_PORT: '0',
      DEMO_SIMULATOR: 'false', INGEST_CLIENT_ID: uniqueName('aio-truck'), INGEST_BATCH_WAIT_MS: '20', DB_MAINTENANCE_INTERVAL_S: '0', LOG_LEVEL: 'warn', LOG_JSON: 'true',
    });
    brokerUrl = /MQTT\s+(mqtt:\/\/\S+)/.exec(system.output())![1]!;
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    system?.kill();
    await scratch?.drop();
  });

  it('stores the position a truck publishes with its own login', async () => {
    const truck = await connect('truck-a', secret);
    await truck.publishAsync(vehiclePositionTopic('truck-a'), JSON.stringify({ time: new Date().toISOString(), lat: 52.37, lng: 4.9, speed: 18, heading: 10 }), { qos: 1 });
    await waitFor(async () => (await stored('truck-a')) === 1, 20_000, 'the position stored');
  });

  it('refuses a wrong secret, another truck\'s client id, and a truck writing for another truck', async () => {
    await expect(connect('truck-a', 'not-the-secret')).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(connect('truck-b', secret)).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(connect('truck-a', secret, 'truck-b')).rejects.toThrow(/Identifier rejected|Not authorized|Bad/i);
    const truck = await connect('truck-a', secret);
    const closed = new Promise<void>((resolve) => truck.once('close', () => resolve()));
    truck.publish(vehiclePositionTopic('truck-b'), JSON.stringify({ time: new Date().toISOString(), lat: 52.37, lng: 4.9 }), { qos: 1 });
    await closed;
    await new Promise((r) => setTimeout(r, 500));
    expect(await stored('truck-b')).toBe(0);
  });
});

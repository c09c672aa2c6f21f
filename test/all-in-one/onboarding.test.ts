import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { buildNativeReading, buildTtnV3Uplink } from '@vulgraad/payloads';
import mqtt from 'mqtt';
import { call, login } from '../gateway/support/gateway-app';
import { uniqueName, waitFor } from '../ingest/harness';
import { testPostgresUrl } from '../support/services';
import { type AllInOneProcess, startAllInOneProcess } from './support/all-in-one-process';

jest.setTimeout(180_000);

const ADMIN_PASSWORD = 'onboarding-admin-password';

// `npm start` without the demo: a city's container, sensor and network server are
// registered through the API while it runs; the embedded broker takes the new
// logins at once, and the HTTP doors of the same process take the same secrets.
describe('onboarding through the API of the running all-in-one', () => {
  let scratch: ScratchDatabase;
  let system: AllInOneProcess | null = null;
  let api = '';
  let brokerUrl = '';
  let token = '';

  const storedFor = async (deviceId: string): Promise<number> =>
    (await scratch.db.query<{ n: number }>('SELECT count(*)::int AS n FROM readings WHERE device_id = $1', [deviceId])).rows[0]?.n ?? 0;
  const connect = (username: string, password: string, clientId = username) =>
    mqtt.connectAsync(brokerUrl, { protocolVersion: 4, clientId, username, password, reconnectPeriod: 0, connectTimeout: 5000 });

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'aio_onboard' });
    system = await startAllInOneProcess({
      DATABASE_URL: scratch.url,
      MQTT_URL: '',
      MQTT_USERNAME: '',
      MQTT_PASSWORD: '',
      REDIS_URL: '',
      EMBEDDED_MQTT_PORT: '0',
      GATEWAY_PORT: '0',
      GATEWAY_ADMIN_PASSWORD: ADMIN_PASSWORD,
      DEMO_SIMULATOR: 'false',
      INGEST_CLIENT_ID: uniqueName('aio-onboard'),
      INGEST_BATCH_WAIT_MS: '20',
      DB_MAINTENANCE_INTERVAL_S: '0',
      LOG_LEVEL: 'warn',
      LOG_JSON: 'true',
    });
    api = system.url.replace(/\/$/, '');
    brokerUrl = /MQTT\s+(mqtt:\/\/\S+)/.exec(system.output())![1]!;
    token = await login(api, 'admin', ADMIN_PASSWORD);
  });
  afterAll(async () => {
    system?.kill();
    await scratch?.drop();
  });

  it('a container and a sensor registered and given a secret through the API report over MQTT and HTTP at once', async () => {
    const ref = uniqueName('sens');
    const container = await call<{ id: string }>(`${api}/api/containers`, {
      token, body: { externalRef: `${ref}-c`, lng: 4.9, lat: 52.37, district: 'Centrum', wasteType: 'residual', volumeL: 5000, depthMm: 2500 },
    });
    expect(container.status).toBe(201);
    const device = await call<{ id: string }>(`${api}/api/devices`, { token, body: { externalRef: ref } });
    expect(device.status).toBe(201);
    expect((await call(`${api}/api/devices/${device.body.id}/bind`, { token, body: { containerId: container.body.id, validFrom: '2020-01-01T00:00:00Z' } })).status).toBe(201);

    const issued = await call<{ secret: string; username: string; note: string }>(`${api}/api/devices/${device.body.id}/secret`, { token, method: 'POST' });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ username: ref, note: expect.stringContaining('shown once') });
    const secret = issued.body.secret;

    // No restart: the embedded broker takes the login the API just made.
    const sensor = await connect(ref, secret);
    const reading = buildNativeReading(ref, { ts: new Date(Date.now() - 60_000).toISOString(), seq: 1, fillPct: 33 });
    await sensor.publishAsync(reading.topic, reading.payload, { qos: 1 });
    await waitFor(async () => (await storedFor(device.body.id)) === 1, 20_000, 'the MQTT reading stored');
    await sensor.endAsync();

    // The same secret opens the sensor's HTTP door, in the same process as the gateway and its body parsers.
    const posted = await fetch(`${api}/uplinks/devices/${ref}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-vulgraad-secret': secret }, body: JSON.stringify({ v: 1, ts: new Date().toISOString(), seq: 2, fillPct: 35 }),
    });
    expect(posted.status).toBe(200);
    expect(await storedFor(device.body.id)).toBe(2);
    const malformed = await fetch(`${api}/uplinks/devices/${ref}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-vulgraad-secret': secret }, body: '{"v":1,' });
    expect(malformed.status).toBe(400);

    // A new secret: the old one is refused from now on, the new one works.
    const rotated = await call<{ secret: string }>(`${api}/api/devices/${device.body.id}/secret`, { token, method: 'POST' });
    await expect(connect(ref, secret)).rejects.toThrow(/Bad username or password/i);
    const again = await connect(ref, rotated.body.secret);
    await again.endAsync();

    const audit = await call<Array<{ action: string; detail: Record<string, unknown> }>>(`${api}/api/audit?targetId=${device.body.id}`, { token });
    expect(audit.body.filter((e) => e.action === 'device.secret')).toHaveLength(2);
    expect(JSON.stringify(audit.body)).not.toContain(secret);
    expect(system!.output()).not.toContain(secret);
  });

  it('a LoRaWAN application, a network server\'s MQTT account and its webhook integration, all through the API', async () => {
    const app = uniqueName('waste');
    const badModel = await call<{ field: string }>(`${api}/api/lorawan-applications/${app}`, { token, method: 'PUT', body: { defaultModel: 'no-such-sensor' } });
    expect(badModel.status).toBe(400);
    expect(badModel.body.field).toBe('defaultModel');
    expect((await call(`${api}/api/lorawan-applications/${app}`, { token, method: 'PUT', body: { name: 'Waste levels', defaultModel: 'dingtek-df702' } })).status).toBe(200);

    const container = await call<{ id: string }>(`${api}/api/containers`, {
      token, body: { externalRef: `${app}-c`, lng: 4.9, lat: 52.37, district: 'Centrum', wasteType: 'residual', volumeL: 5000, depthMm: 2500 },
    });
    const device = await call<{ id: string }>(`${api}/api/devices`, { token, body: { externalRef: `${app}-d`, devEui: '70b3d5e75e00aa01', lorawanApplicationId: app } });
    await call(`${api}/api/devices/${device.body.id}/bind`, { token, body: { containerId: container.body.id, validFrom: '2020-01-01T00:00:00Z' } });

    const account = await call<{ secret: string }>(`${api}/api/mqtt-accounts`, { token, body: { username: `${app}-ns`, kind: 'network_server', applications: [`${app}@ttn`] } });
    expect(account.status).toBe(201);
    const ns = await connect(`${app}-ns`, account.body.secret, uniqueName('ns'));
    // Raw bytes, decoded with the application's default model (DF702: 2000 mm, 25 °C).
    const uplink = buildTtnV3Uplink({ deviceId: `${app}-d`, devEui: '70b3d5e75e00aa01', applicationId: app, receivedAt: new Date(Date.now() - 60_000), fCnt: 1, fPort: 3, bytes: Buffer.from('800001011107d000190000000000000081', 'hex') });
    await ns.publishAsync(uplink.topic, uplink.payload, { qos: 1 });
    await waitFor(async () => (await storedFor(device.body.id)) === 1, 20_000, 'the network server\'s MQTT uplink stored');
    await ns.endAsync();

    const integration = await call<{ secret: string; path: string; configure: Record<string, unknown> }>(`${api}/api/http-integrations`, { token, body: { name: `${app}-hook`, kind: 'tts', applications: [app] } });
    expect(integration.status).toBe(201);
    expect(integration.body.path).toBe(`/uplinks/tts/${app}-hook`);
    const webhook = buildTtnV3Uplink({ deviceId: `${app}-d`, devEui: '70b3d5e75e00aa01', applicationId: app, receivedAt: new Date(Date.now() - 30_000), fCnt: 2, decoded: { distance: 1000 } });
    const answer = await fetch(`${api}${integration.body.path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-vulgraad-secret': integration.body.secret }, body: webhook.payload });
    expect(answer.status).toBe(200);
    expect(await storedFor(device.body.id)).toBe(2);

    const accounts = await call<Array<Record<string, unknown>>>(`${api}/api/mqtt-accounts`, { token });
    expect(accounts.body.find((a) => a.username === `${app}-ns`)).toEqual(expect.objectContaining({ kind: 'network_server', active: true }));
    expect(JSON.stringify(accounts.body)).not.toMatch(/\$7\$/);
    expect((await call(`${api}/api/mqtt-accounts/${app}-ns`, { token, method: 'DELETE' })).status).toBe(200);
    await expect(connect(`${app}-ns`, account.body.secret, uniqueName('ns'))).rejects.toThrow(/Bad username or password/i);
  });
});

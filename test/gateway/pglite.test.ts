import { AlertEngine, AlertsRepository, DEFAULT_THRESHOLDS, WebhookDispatcher, WebhooksRepository } from '@vulgraad/alerts';
import { createDatabase, migrate, type Database } from '@vulgraad/database';
import { InProcessEventBus } from '@vulgraad/events';
import { ADMIN_PASSWORD, call, login, startGateway, type RunningGateway } from './support/gateway-app';
import { seedCity } from './support/fixtures';

jest.setTimeout(120_000);

/** The all-in-one runs on the embedded PGlite with TimescaleDB: the gateway's SQL must work there too. */
describe('the gateway on the embedded PGlite', () => {
  let db: Database;
  let gw: RunningGateway;
  let ids: string[];

  beforeAll(async () => {
    db = await createDatabase({ databaseUrl: null, pgliteDataDir: 'memory://' });
    await migrate(db);
    ({ ids } = await seedCity(db, 'pgl'));
    gw = await startGateway({ db, bus: new InProcessEventBus() });
  });
  afterAll(async () => {
    await gw?.close();
    await db?.close();
  });

  it('serves the REST API, open data and alerts with their webhook outbox', async () => {
    const token = await login(gw.url, 'admin', ADMIN_PASSWORD);
    expect((await call<{ features: unknown[] }>(`${gw.url}/api/containers`, { token })).body.features).toHaveLength(6);
    const webhooks = new WebhooksRepository(db);
    await webhooks.create({ url: 'http://127.0.0.1:9/nobody', secret: 'sixteen-chars-secret', causes: ['container_full'] }, 'admin');
    const alerts = new AlertsRepository(db);
    const engine = new AlertEngine(alerts, { defaults: DEFAULT_THRESHOLDS, clock: { now: () => new Date() }, publish: async () => undefined });
    await engine.reload();
    await engine.onContainerState({ containerId: ids[0]!, district: 'Centrum', wasteType: 'residual', deviceId: 'd', fillPct: 95, temperatureC: 9, batteryPct: 70, flags: [], measuredAt: new Date().toISOString() });
    // The sensors were fitted in January and never reported: all six are silent.
    expect(await engine.checkSilence()).toBe(6);
    const [alert] = await alerts.list({ status: 'unresolved', cause: 'container_full' });
    expect(alert).toMatchObject({ containerId: ids[0] });
    const ack = await call(`${gw.url}/api/alerts/${alert!.id}/acknowledge`, { token, body: { note: 'on it' } });
    expect(ack.body).toMatchObject({ status: 'acknowledged' });
    const dispatcher = new WebhookDispatcher(webhooks, { now: () => new Date() }, { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10, timeoutMs: 1000, pollMs: 1000, batchSize: 10, allowPrivateTargets: true });
    expect(await dispatcher.runOnce()).toBe(2);
    const geo = await call<{ features: unknown[] }>(`${gw.url}/api/open-data/containers.geojson`);
    expect(geo.body.features).toHaveLength(6);
    const hourly = await call(`${gw.url}/api/containers/${ids[0]}/readings?resolution=daily`, { token });
    expect(hourly.status).toBe(200);
  });
});

import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory, RouterModule } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@vulgraad/config';
import type { ContainerStateChanged } from '@vulgraad/contracts';
import { createScratchDatabase, ReadingsRepository, type ScratchDatabase } from '@vulgraad/database';
import { InProcessEventBus } from '@vulgraad/events';
import { buildNativeReading } from '@vulgraad/payloads';
import { CoreModule, JsonLogger } from '@vulgraad/runtime';
import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import { AlertsModule } from '../../apps/alerts/src/alerts.module';
import { configureGateway } from '../../apps/gateway/src/app-setup';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { IngestModule } from '../../apps/ingest/src/ingest.module';
import { PlannerModule } from '../../apps/planner/src/planner.module';
import { connect, join } from '../gateway/support/socket';
import { connectPublisher, type SeededDevice, seedDevices, uniqueName, waitFor } from '../ingest/harness';
import { testMqttUrl, testPostgresUrl } from '../support/services';

const ADMIN_PASSWORD = 'observability-admin-password';

// The four apps in one Nest application, mounted as the all-in-one mounts them (one process, so
// every app's metrics must live on a registry of its own), on a scratch PostgreSQL and the
// machine's Mosquitto, with every log line kept: metrics after some activity, liveness and
// readiness (and readiness failing once the database is gone), request ids, and the correlation
// id of one MQTT message in the log line of its batch, its stored row and its container.state event.
describe('observability of ingest, planner, alerts and gateway in one process', () => {
  let scratch: ScratchDatabase;
  let app: NestExpressApplication;
  let url: string;
  let publisher: MqttClient;
  let socket: Socket | null = null;
  let devices: SeededDevice[];
  const prefix = `${uniqueName('obs')}/`;
  const lines: Array<Record<string, unknown>> = [];
  const events: ContainerStateChanged[] = [];
  const bus = new InProcessEventBus();

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${url}${path}`, { headers });
  const text = async (path: string): Promise<string> => {
    const response = await get(path);
    expect({ path, status: response.status }).toEqual({ path, status: 200 });
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    return response.text();
  };
  const publish = (message: { topic: string; payload: string }) => publisher.publishAsync(prefix + message.topic, message.payload, { qos: 1 });

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'observability' });
    const config = loadConfig({
      DATABASE_URL: scratch.url,
      MQTT_URL: testMqttUrl(),
      INGEST_TOPIC_PREFIX: prefix,
      INGEST_CLIENT_ID: uniqueName('ingest'),
      INGEST_SHARE_GROUP: uniqueName('group'),
      INGEST_BATCH_WAIT_MS: '20',
      DB_MAINTENANCE_INTERVAL_S: '0',
      DISTANCES_PROVIDER: 'straight',
      GATEWAY_JWT_SECRET: 'observability-test-secret-0123456789abcdef',
      GATEWAY_ADMIN_PASSWORD: ADMIN_PASSWORD,
      GATEWAY_LIVE_FLUSH_MS: '20',
    });

    @Module({
      imports: [
        CoreModule.forRoot({ config, database: scratch.db, eventBus: bus, maintenance: false }),
        IngestModule,
        PlannerModule.forRoot({ schedules: false }),
        AlertsModule,
        GatewayModule,
        RouterModule.register([
          { path: 'internal/ingest', module: IngestModule },
          { path: 'internal/planner', module: PlannerModule },
          { path: 'internal', module: AlertsModule },
        ]),
      ],
    })
    class ObservedApps {}

    const logger = new JsonLogger({ level: 'debug', base: { service: 'observability-test' }, write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    app = await NestFactory.create<NestExpressApplication>(ObservedApps, { logger, bodyParser: false, abortOnError: false });
    configureGateway(app, config, { shutdownHooks: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    await bus.subscribe('container.state', (e) => void events.push(e));
    devices = await seedDevices(scratch.db, 'obs', 2);
    await waitFor(async () => (await get('/internal/ingest/health')).ok, 15_000, 'ingest connected to the broker');
    publisher = await connectPublisher();
  });

  afterAll(async () => {
    socket?.close();
    await publisher?.endAsync();
    await app?.close();
    await bus.close();
    await scratch?.drop();
  });

  it('carries a correlation id from the MQTT message to the batch log line, the stored row, the container.state event and the state pushed over socket.io', async () => {
    const device = devices[0]!;
    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    const watcher = await connect(url, ((await login.json()) as { token: string }).token);
    const pushed: Array<{ id: string; correlationId?: string }> = [];
    watcher.on('containers', (m: { states: Array<{ id: string; correlationId?: string }> }) => pushed.push(...m.states));
    await join(watcher, ['district:Centrum']);
    const at = new Date(Date.now() - 60_000).toISOString();
    // No id in the payload: the ingest gives one.
    await publish(buildNativeReading(device.externalRef, { ts: at, seq: 1, fillPct: 40, temperatureC: 90 }));
    const reading = await waitFor(async () => (await new ReadingsRepository(scratch.db).range(device.containerId, new Date(0), new Date('2100-01-01'))).length === 1, 15_000, 'the reading stored')
      .then(async () => (await new ReadingsRepository(scratch.db).range(device.containerId, new Date(0), new Date('2100-01-01')))[0]!);
    const id = reading.correlationId;
    expect(id).toMatch(/^ig-[0-9a-f]{10}-[0-9a-z]+$/);

    await waitFor(() => events.some((e) => e.containerId === device.containerId), 5000, 'the container.state event');
    expect(events.find((e) => e.containerId === device.containerId)).toMatchObject({ correlationId: id, measuredAt: at });

    await waitFor(() => pushed.some((p) => p.id === device.containerId), 5000, 'the state pushed over socket.io');
    expect(pushed.find((p) => p.id === device.containerId)?.correlationId).toBe(id);
    watcher.close();

    const batchLine = lines.find((l) => l.msg === 'batch committed' && Array.isArray(l.correlationIds) && (l.correlationIds as string[]).includes(id!));
    expect(batchLine).toMatchObject({ level: 'debug', context: 'IngestPipeline', stored: 1, service: 'observability-test' });

    // The message's own id is kept as it is.
    await publish(buildNativeReading(devices[1]!.externalRef, { ts: at, seq: 1, fillPct: 10, id: 'firmware-msg-42' }));
    await waitFor(() => events.some((e) => e.containerId === devices[1]!.containerId), 15_000, 'the second event');
    expect(events.find((e) => e.containerId === devices[1]!.containerId)?.correlationId).toBe('firmware-msg-42');
    const [row] = await new ReadingsRepository(scratch.db).range(devices[1]!.containerId, new Date(0), new Date('2100-01-01'));
    expect(row?.correlationId).toBe('firmware-msg-42');
    expect(lines.some((l) => l.msg === 'batch committed' && (l.correlationIds as string[]).includes('firmware-msg-42'))).toBe(true);

    // A rejected message keeps its id too.
    await publish({ topic: `vulgraad/v1/devices/${device.externalRef}/readings`, payload: '{not json' });
    const rejected = await waitFor(async () => {
      const { rows } = await scratch.db.query<{ n: number }>("SELECT count(*)::int AS n FROM rejected_messages WHERE reason = 'malformed_json'");
      return rows[0]!.n === 1;
    }, 15_000, 'the rejected message').then(async () => (await scratch.db.query<{ correlation_id: string }>('SELECT correlation_id FROM rejected_messages')).rows[0]!);
    expect(rejected.correlation_id).toMatch(/^ig-/);
    expect(lines.some((l) => l.msg === 'batch committed' && (l.correlationIds as string[]).includes(rejected.correlation_id))).toBe(true);
  });

  it('echoes x-request-id (taken from the caller or made here) and writes it in the request\'s log lines', async () => {
    const given = await get('/api/health/live', { 'x-request-id': 'obs-req-0001' });
    expect(given.status).toBe(200);
    expect(given.headers.get('x-request-id')).toBe('obs-req-0001');
    await waitFor(() => lines.some((l) => l.msg === 'http request' && l.requestId === 'obs-req-0001'), 2000, 'the access line');
    expect(lines.find((l) => l.msg === 'http request' && l.requestId === 'obs-req-0001')).toMatchObject({ method: 'GET', path: '/api/health/live', status: 200 });

    const made = await get('/internal/ingest/stats', { 'x-request-id': 'bad id with spaces' });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves Prometheus metrics on every app, each on its own registry', async () => {
    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    socket = await connect(url, ((await login.json()) as { token: string }).token);
    await waitFor(async () => (await (await get('/internal/alerts/metrics')).text()).includes('vulgraad_alerts_open{cause="temperature_high",status="open"} 1'), 10_000, 'the fire alert open');

    const ingest = await text('/internal/ingest/metrics');
    expect(ingest).toMatch(/^vulgraad_ingest_messages_received_total [3-9]/m);
    expect(ingest).toMatch(/^vulgraad_ingest_readings_stored_total 2$/m);
    expect(ingest).toContain('vulgraad_ingest_messages_rejected_total{reason="malformed_json"} 1');
    expect(ingest).toMatch(/^vulgraad_ingest_batch_seconds_count [1-9]/m);
    expect(ingest).toContain('# TYPE vulgraad_ingest_process_cpu_user_seconds_total counter');

    const planner = await text('/internal/planner/metrics');
    for (const family of ['vulgraad_planner_queue_jobs gauge', 'vulgraad_planner_job_seconds histogram', 'vulgraad_planner_solve_seconds histogram', 'vulgraad_planner_plan_cost gauge']) {
      expect(planner).toContain(`# TYPE ${family}`);
    }
    expect(planner).toContain('vulgraad_planner_queue_jobs{state="waiting"} 0');

    const alerts = await text('/internal/alerts/metrics');
    expect(alerts).toContain('vulgraad_alerts_raised_total{cause="temperature_high"} 1');
    expect(alerts).toContain('vulgraad_alerts_open{cause="container_full",status="open"} 0');
    expect(alerts).toContain('# TYPE vulgraad_alerts_process_cpu_user_seconds_total counter');

    const gateway = await text('/metrics');
    expect(gateway).toMatch(/^vulgraad_gateway_sockets_connected 1$/m);
    expect(gateway).toMatch(/^vulgraad_gateway_http_request_duration_seconds_count\{method="GET",route="\/api\/health\/live",status="200"\} [1-9]/m);
    expect(gateway).toMatch(/^vulgraad_gateway_http_request_duration_seconds_count\{method="POST",route="\/api\/auth\/login",status="20\d"\} [1-9]/m);
    expect(gateway).toContain('# TYPE vulgraad_gateway_process_cpu_user_seconds_total counter');
    // Nothing of one app leaks into another's registry.
    expect(gateway).not.toContain('vulgraad_ingest_');
    expect(ingest).not.toContain('vulgraad_gateway_');
  });

  it('answers liveness and readiness on every app', async () => {
    for (const base of ['/api/health', '/internal/ingest/health', '/internal/planner/health', '/internal/alerts/health']) {
      const live = await get(`${base}/live`);
      expect({ base, status: live.status }).toEqual({ base, status: 200 });
      expect(await live.json()).toMatchObject({ status: 'ok', info: { process: { status: 'up' } } });
      const ready = await get(`${base}/ready`);
      expect({ base, status: ready.status }).toEqual({ base, status: 200 });
    }
    expect(await (await get('/internal/ingest/health/ready')).json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, mqtt: { status: 'up' } } });
    expect(await (await get('/internal/planner/health/ready')).json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, queue: { status: 'up', runner: 'in-process' } } });
  });

  it('is not ready, but still live, once its database is gone', async () => {
    await scratch.drop();
    for (const base of ['/api/health', '/internal/ingest/health', '/internal/planner/health', '/internal/alerts/health']) {
      const ready = await get(`${base}/ready`, { 'x-request-id': `down-${base.split('/').join('-')}` });
      expect({ base, status: ready.status }).toEqual({ base, status: 503 });
      expect((await get(`${base}/live`)).status).toBe(200);
    }
    expect(await (await get('/internal/ingest/health/ready')).json()).toMatchObject({ status: 'error', error: { database: { status: 'down' } }, info: { mqtt: { status: 'up' } } });
    expect(await (await get('/api/health/ready')).json()).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
    // Lines written while a request runs carry its id: here terminus' report of the failed check.
    expect(lines.filter((l) => l.requestId === 'down--api-health' && l.msg !== 'http request').length).toBeGreaterThan(0);
    // The old health paths say the same.
    expect((await get('/internal/ingest/health')).status).toBe(503);
    expect((await get('/api/health')).status).toBe(503);
  });
});

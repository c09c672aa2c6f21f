import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { type AllInOneProcess, startAllInOneProcess } from './support/all-in-one-process';
import { eventually, login, type Api } from './support/api';

interface Reading {
  measuredAt: string;
  fillPct: number | null;
}
interface PlanSummary {
  id: string;
  district: string;
  districts: string[];
  shiftDate: string;
  routes: Array<{ containers: number }>;
}
interface Alert {
  containerId: string;
  cause: string;
  status: string;
}

const CONTAINERS = 80;
interface ContainerFeature {
  id: string;
  properties: { district: string; state: { fillPct: number | null } | null };
}
const listContainers = async (api: Api): Promise<Array<{ id: string; district: string }>> =>
  (await api.get<{ features: ContainerFeature[] }>('api/containers')).features.map((f) => ({ id: f.id, district: f.properties.district }));
const rawReadings = (api: Api, containerId: string): Promise<{ points: Reading[] }> => api.get(`api/containers/${containerId}/readings?resolution=raw`);

// `npm start` from a clean data folder: the embedded broker, PGlite with TimescaleDB, in-process
// jobs and events, every app and the demo city, checked from outside through the HTTP API and
// socket.io as a browser would; then stopped with SIGTERM and started again on the same folder.
describe('npm start: the whole system in one process on embedded parts', () => {
  const run = randomBytes(3).toString('hex');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vulgraad-all-in-one-'));
  const env = {
    PGLITE_DATA_DIR: dataDir,
    GATEWAY_PORT: '0',
    EMBEDDED_MQTT_PORT: '0',
    DATABASE_URL: '',
    MQTT_URL: '',
    REDIS_URL: '',
    INGEST_CLIENT_ID: `vulgraad-aio-test-${run}`,
    DEMO_CONTAINERS: String(CONTAINERS),
    DEMO_DISTRICTS: '2',
    DEMO_FRACTIONS: 'residual,paper',
    LOG_LEVEL: 'warn',
  };
  let current: AllInOneProcess | null = null;
  let socket: Socket | null = null;

  afterAll(() => {
    socket?.close();
    current?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('comes up, registers the demo city, takes readings, raises an alert, plans, stops cleanly and keeps the history over a restart', async () => {
    current = await startAllInOneProcess(env);
    const first = current;
    expect(first.output()).toMatch(/registered 80 containers with sensors, \d+ trucks/);
    const fire = /fault\s+fire on sensor \S+ \(container (\S+)\)/.exec(first.output())?.[1];
    expect(fire).toBeDefined();

    const api = await login(first.url, 'admin', 'vulgraad-demo');
    const containers = await listContainers(api);
    expect(containers).toHaveLength(CONTAINERS);
    const districts = [...new Set(containers.map((c) => c.district))];
    expect(districts.length).toBe(2);

    // The live feed: a snapshot of the district, then container states as readings are committed.
    socket = io(first.url, { transports: ['websocket'], auth: { token: api.token }, reconnection: false, forceNew: true });
    const snapshot = new Promise<{ containers: unknown[] }>((resolve) => socket?.once('snapshot', resolve));
    const update = new Promise<{ states: Array<{ id: string; fillPct: number | null }> }>((resolve) => socket?.once('containers', resolve));
    await new Promise<void>((resolve, reject) => {
      socket?.once('connect', () => resolve());
      socket?.once('connect_error', reject);
    });
    const joined = (await socket.timeout(10_000).emitWithAck('join', { rooms: [`district:${districts[0]}`] })) as { joined: string[] };
    expect(joined.joined).toEqual([`district:${districts[0]}`]);
    expect((await snapshot).containers.length).toBeGreaterThan(0);
    const states = (await update).states;
    expect(states.length).toBeGreaterThan(0);
    expect(states.every((s) => containers.some((c) => c.id === s.id && c.district === districts[0]))).toBe(true);
    socket.close();
    socket = null;

    const sample = containers[0]!.id;
    const readings = await eventually('readings of one container over simulated time', async () => {
      const { points } = await rawReadings(api, sample);
      return points.length >= 3 ? points : null;
    });
    expect(readings.every((r) => r.fillPct !== null && r.fillPct >= 0)).toBe(true);

    const alert = await eventually('the fire alert', async () => {
      const alerts = await api.get<Alert[]>('api/alerts');
      return alerts.find((a) => a.cause === 'temperature_high' && a.containerId === fire) ?? null;
    });
    expect(alert.status).toBe('open');

    const plan = await eventually('a plan with a route', async () => {
      const plans = await api.get<PlanSummary[]>('api/plans');
      return plans.find((p) => p.routes.some((r) => r.containers > 0)) ?? null;
    });
    // One fleet plan per fraction covers both districts: each truck has one route for its day.
    expect(plan.district).toBe('fleet');
    expect([...plan.districts].sort()).toEqual([...districts].sort());

    const before = (await rawReadings(api, sample)).points;
    const lastBefore = Math.max(...before.map((r) => Date.parse(r.measuredAt)));
    const stopped = await first.stop('SIGTERM');
    current = null;
    expect(stopped).toEqual({ code: 0, signal: null });
    expect(first.output()).toMatch(/stopped\s*$/);

    // Same folder: nothing registered again, the simulated clock continues after the last reading.
    current = await startAllInOneProcess(env);
    const second = current;
    expect(second.output()).toMatch(/continuing from/);
    expect(second.output()).not.toMatch(/registered \d+ containers/);
    const again = await login(second.url, 'admin', 'vulgraad-demo');
    expect(await listContainers(again)).toHaveLength(CONTAINERS);
    const kept = (await rawReadings(again, sample)).points;
    expect(kept.map((r) => r.measuredAt)).toEqual(expect.arrayContaining(before.map((r) => r.measuredAt)));
    expect((await again.get<PlanSummary[]>('api/plans')).map((p) => p.id)).toContain(plan.id);
    expect((await again.get<Alert[]>('api/alerts')).some((a) => a.cause === 'temperature_high' && a.containerId === fire)).toBe(true);
    await eventually('a reading taken after the restart', async () => {
      const { points } = await rawReadings(again, sample);
      return points.some((r) => Date.parse(r.measuredAt) > lastBefore) ? true : null;
    });
    expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    current = null;
  }, 420_000);
});

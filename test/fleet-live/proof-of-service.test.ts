import type { AlertChanged, ContainerStateChanged, DriverActionResult, DriverFeedback, RouteProgress, StopEvent } from '@vulgraad/contracts';
import { LIVE_EVENTS, LIVE_ROOMS } from '@vulgraad/contracts';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { PlansRepository } from '@vulgraad/planning';
import { localDateOf } from '@vulgraad/time';
import { vehicleLiftTopic, vehiclePositionTopic } from '@vulgraad/payloads';
import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import { ADMIN_PASSWORD, call, login, startGateway, type RunningGateway } from '../gateway/support/gateway-app';
import { centrumPlan, seedCity } from '../gateway/support/fixtures';
import { connect, join, next } from '../gateway/support/socket';
import { connectPublisher, startIngest, waitFor, type RunningIngest } from '../ingest/harness';
import { testPostgresUrl } from '../support/services';
import { seedTrucks } from './trucks';

jest.setTimeout(90_000);

/** A few bytes that open like a JPEG file. */
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);

describe('proof of service, driver taps and route progress', () => {
  let scratch: ScratchDatabase;
  let ingest: RunningIngest;
  let gw: RunningGateway;
  let publisher: MqttClient;
  let ids: string[];
  let planId: string;
  const sockets: Socket[] = [];
  const tokens: Record<string, string> = {};
  const feedback: DriverFeedback[] = [];
  const alerts: AlertChanged[] = [];
  const today = localDateOf(Date.now(), 'Europe/Amsterdam');
  const room = LIVE_ROOMS.route('truck-9', today);
  const state = (containerId: string, fillPct: number, district = 'Centrum'): ContainerStateChanged => ({
    containerId, district, wasteType: 'residual', deviceId: 'd', fillPct, temperatureC: 10, batteryPct: 90, flags: [], measuredAt: new Date().toISOString(),
  });
  const progress = async (token = tokens.op!): Promise<RouteProgress> => {
    const { status, body } = await call<RouteProgress[]>(`${gw.url}/api/progress`, { token });
    expect(status).toBe(200);
    return body.find((p) => p.vehicleId === 'truck-9') as RouteProgress;
  };
  const stopOf = async (containerId: string) => (await progress()).stops.find((s) => s.containerId === containerId);
  const tap = (body: Record<string, unknown>, token = tokens.drv9!) => call<DriverActionResult & { field?: string }>(`${gw.url}/api/driver/actions`, { token, body });

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'proof' });
    ({ ids } = await seedCity(scratch.db, 'proof'));
    await seedTrucks(scratch.db, [{ id: 'truck-9', fractions: ['residual'] }, { id: 'truck-p', fractions: ['paper'] }, { id: 'truck-1', fractions: ['residual'] }]);
    // The route empties ids 0, 2, 4 (residual) and 1; all of them musts.
    await new PlansRepository(scratch.db).publish(centrumPlan(today, [ids[0]!, ids[2]!, ids[4]!, ids[1]!], 'truck-9'));
    planId = (await new PlansRepository(scratch.db).publishedOn(today))[0]!.id;
    ingest = await startIngest(scratch.url);
    gw = await startGateway({ db: scratch.db, bus: ingest.bus, env: { GATEWAY_DRIVER_PHOTO_MAX_BYTES: '10000', GATEWAY_PROGRESS_EMIT_MS: '100' } });
    await ingest.bus.subscribe('driver.feedback', (e) => void feedback.push(e));
    await ingest.bus.subscribe('alert.changed', (e) => void alerts.push(e));
    tokens.admin = await login(gw.url, 'admin', ADMIN_PASSWORD);
    for (const [name, role, vehicleId] of [['op', 'operator', null], ['drv9', 'driver', 'truck-9'], ['drv1', 'driver', 'truck-1']] as const) {
      const created = await call(`${gw.url}/api/users`, { token: tokens.admin, body: { username: name, password: `${name}-password-x`, role, vehicleId } });
      expect(created.status).toBe(201);
      tokens[name] = await login(gw.url, name, `${name}-password-x`);
    }
    publisher = await connectPublisher();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await publisher?.endAsync();
    await gw?.close();
    await ingest?.close();
    await scratch?.drop();
  });

  it('a lift sent over MQTT marks its stop done (lift), pushes it to the route room and marks the plan\'s stop driven', async () => {
    const socket = await connect(gw.url, tokens.op!);
    sockets.push(socket);
    const snapshot = next<{ progress: RouteProgress[] }>(socket, LIVE_EVENTS.snapshot);
    expect((await join(socket, [room])).joined).toEqual([room]);
    expect((await snapshot).progress[0]).toMatchObject({ vehicleId: 'truck-9', total: 4, done: 0 });
    const stopEvent = next<StopEvent>(socket, LIVE_EVENTS.stop, (e) => e.containerId === ids[0]);
    await publisher.publishAsync(`${ingest.prefix}${vehicleLiftTopic('truck-9')}`, JSON.stringify({ time: new Date().toISOString(), containerId: ids[0] }), { qos: 1 });
    expect(await stopEvent).toMatchObject({ room, status: 'done', doneHow: 'lift', sequence: 1, planId });
    expect(await stopOf(ids[0]!)).toMatchObject({ status: 'done', doneHow: 'lift' });
    const plan = await new PlansRepository(scratch.db).findById(planId);
    expect(plan?.routes[0]?.stops.find((s) => s.containerId === ids[0])?.doneAt).not.toBeNull();
  });

  it('a fill drop counts only with a truck of the right fraction close by, and records how it was known', async () => {
    // ids[2] stands at lng 4.888, lat 52.366.
    await ingest.bus.publish('container.state', state(ids[2]!, 92));
    await ingest.bus.publish('vehicle.position', { vehicleId: 'truck-p', at: new Date().toISOString(), lat: 52.366, lng: 4.888, speedKmh: 0, heading: 0 });
    await ingest.bus.publish('vehicle.position', { vehicleId: 'truck-9', at: new Date().toISOString(), lat: 52.37, lng: 4.888, speedKmh: 20, heading: 0 });
    await ingest.bus.publish('container.state', state(ids[2]!, 4));
    await new Promise((r) => setTimeout(r, 300));
    // A paper truck on top of it and the residual truck 440 m away: not proof.
    expect((await stopOf(ids[2]!))?.status).not.toBe('done');

    await ingest.bus.publish('container.state', state(ids[2]!, 88));
    await ingest.bus.publish('vehicle.position', { vehicleId: 'truck-9', at: new Date().toISOString(), lat: 52.3662, lng: 4.8881, speedKmh: 3, heading: 90 });
    await ingest.bus.publish('container.state', state(ids[2]!, 3));
    await waitFor(async () => (await stopOf(ids[2]!))?.status === 'done', 10_000, 'the fill drop counted');
    expect(await stopOf(ids[2]!)).toMatchObject({ doneHow: 'fill-drop' });
    const p = await progress();
    expect(p.position).toMatchObject({ vehicleId: 'truck-9', lat: 52.3662 });
    expect(p.stops.filter((s) => s.status !== 'done').every((s) => s.eta !== null)).toBe(true);
  });

  it('a driver sees and joins their own truck\'s route only', async () => {
    expect((await call(`${gw.url}/api/plans`, { token: tokens.drv9 })).status).toBe(403);
    const route = await call<{ vehicleId: string; route: { stops: unknown[] }; containers: Array<{ id: string; address: string | null }> }>(`${gw.url}/api/driver/route`, { token: tokens.drv9 });
    expect(route.status).toBe(200);
    expect(route.body.vehicleId).toBe('truck-9');
    expect(route.body.containers.map((c) => c.id).sort()).toEqual([ids[0], ids[1], ids[2], ids[4]].sort());
    expect((await call<{ field: string }>(`${gw.url}/api/driver/route?vehicleId=truck-1`, { token: tokens.drv9 })).body.field).toBe('vehicleId');
    const socket = await connect(gw.url, tokens.drv9!);
    sockets.push(socket);
    const answer = await join(socket, [room, LIVE_ROOMS.route('truck-1', today), LIVE_ROOMS.district('Centrum')]);
    expect(answer.joined).toEqual([room]);
    expect(answer.refused.map((r) => r.reason)).toEqual([expect.stringMatching(/own truck/), expect.stringMatching(/own truck/)]);
  });

  it('keeps a truck\'s day for its timeline: the track it reported over MQTT, its stops, and only for its own driver', async () => {
    const at = new Date().toISOString();
    await publisher.publishAsync(`${ingest.prefix}${vehiclePositionTopic('truck-9')}`, JSON.stringify({ time: at, lat: 52.3663, lng: 4.8882, speed: 12, heading: 45 }), { qos: 1 });
    const timeline = async (token: string) => call<{ track: Array<{ at: string }>; progress: RouteProgress }>(`${gw.url}/api/progress/truck-9/timeline`, { token });
    await waitFor(async () => (await timeline(tokens.drv9!)).body.track.some((p) => p.at === at), 10_000, 'the position in the timeline');
    expect((await timeline(tokens.op!)).body.progress).toMatchObject({ vehicleId: 'truck-9', total: 4 });
    expect((await timeline(tokens.drv1!)).status).toBe(403);
  });

  it('a driver\'s tap sent again and again (an offline queue) counts once, with its photo', async () => {
    const body = { actionId: 'tap-0001-done', containerId: ids[1], kind: 'done', photo: { contentType: 'image/jpeg', base64: JPEG.toString('base64') } };
    const answers = await Promise.all([tap(body), tap(body), tap(body)]);
    answers.push(await tap(body));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect(answers.filter((a) => a.body.created)).toHaveLength(1);
    expect(answers.every((a) => a.body.status === 'done' && a.body.hasPhoto)).toBe(true);
    expect((await scratch.db.query('SELECT 1 FROM driver_actions WHERE action_id = $1', ['tap-0001-done'])).rows).toHaveLength(1);
    expect(await stopOf(ids[1]!)).toMatchObject({ status: 'done', doneHow: 'driver' });
    await waitFor(() => feedback.some((f) => f.containerId === ids[1]), 5000, 'the planner told');
    expect(feedback.filter((f) => f.containerId === ids[1])).toEqual([expect.objectContaining({ kind: 'emptied', vehicleId: 'truck-9' })]);
    const photo = await fetch(`${gw.url}/api/driver/actions/tap-0001-done/photo`, { headers: { authorization: `Bearer ${tokens.drv9}` } });
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await photo.arrayBuffer()).equals(JPEG)).toBe(true);
    expect((await fetch(`${gw.url}/api/driver/actions/tap-0001-done/photo`, { headers: { authorization: `Bearer ${tokens.drv1}` } })).status).toBe(403);
  });

  it('refuses a tap that is wrong, naming the field', async () => {
    const tooBig = Buffer.concat([JPEG, Buffer.alloc(20_000)]).toString('base64');
    expect((await tap({ actionId: 'tap-0002-big', containerId: ids[4], kind: 'done', photo: { contentType: 'image/jpeg', base64: tooBig } })).body.field).toBe('photo.base64');
    expect((await tap({ actionId: 'tap-0003-png', containerId: ids[4], kind: 'done', photo: { contentType: 'image/png', base64: JPEG.toString('base64') } })).body.field).toBe('photo.contentType');
    expect((await tap({ actionId: 'tap-0004-other', containerId: ids[4], kind: 'done', vehicleId: 'truck-1' })).status).toBe(403);
    expect((await tap({ actionId: 'tap-0005-notonroute', containerId: ids[3], kind: 'done' })).body.field).toBe('containerId');
    expect((await tap({ actionId: 'short', containerId: ids[4], kind: 'done' })).body.field).toBe('actionId');
    expect((await tap({ actionId: 'tap-0006-kind', containerId: ids[4], kind: 'exploded' })).body.field).toBe('kind');
    expect((await tap({ actionId: 'tap-0001-done', containerId: ids[4], kind: 'blocked' })).status).toBe(409);
    expect((await scratch.db.query('SELECT action_id FROM driver_actions ORDER BY action_id')).rows).toEqual([{ action_id: 'tap-0001-done' }]);
  });

  it('a blocked must stop is skipped with its reason, raises one critical alert and asks the planner to re-plan', async () => {
    const body = { actionId: 'tap-0007-blocked', containerId: ids[4], kind: 'blocked', blockedBy: 'parked_car' };
    const first = await tap(body);
    expect(first.body).toMatchObject({ created: true, status: 'skipped', blockedBy: 'parked_car' });
    expect((await tap(body)).body.created).toBe(false);
    expect(await stopOf(ids[4]!)).toMatchObject({ status: 'skipped', reason: 'blocked: parked car', eta: null });
    await waitFor(() => alerts.some((a) => a.containerId === ids[4] && a.cause === 'stop_skipped'), 5000, 'the alert');
    const stored = await scratch.db.query<{ severity: string; status: string }>(`SELECT severity, status FROM alerts WHERE container_id = $1 AND cause = 'stop_skipped'`, [ids[4]]);
    expect(stored.rows).toEqual([{ severity: 'critical', status: 'open' }]);
    await waitFor(() => feedback.some((f) => f.containerId === ids[4]), 5000, 'the re-plan asked for');
    expect(feedback.filter((f) => f.containerId === ids[4])).toEqual([expect.objectContaining({ kind: 'blocked', vehicleId: 'truck-9' })]);
    const p = await progress();
    expect(p).toMatchObject({ done: 3, skipped: 1, total: 4 });
  });
});

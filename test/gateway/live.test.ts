import type { ContainerStateChanged } from '@vulgraad/contracts';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { InProcessEventBus } from '@vulgraad/events';
import { PlansRepository } from '@vulgraad/planning';
import { localDateOf } from '@vulgraad/time';
import type { Socket } from 'socket.io-client';
import { testPostgresUrl } from '../support/services';
import { ADMIN_PASSWORD, call, login, startGateway, type RunningGateway } from './support/gateway-app';
import { centrumPlan, seedCity } from './support/fixtures';
import { connect, join, next, until } from './support/socket';

jest.setTimeout(60_000);

interface StatesMessage {
  room: string;
  states: Array<{ id: string; fillPct: number; measuredAt: string }>;
}

describe('socket.io live feed', () => {
  let scratch: ScratchDatabase;
  let gw: RunningGateway;
  let ids: string[];
  const bus = new InProcessEventBus();
  const sockets: Socket[] = [];
  const tokens: Record<string, string> = {};
  const today = localDateOf(Date.now(), 'Europe/Amsterdam');
  const state = (containerId: string, fillPct: number, atMs: number, district = 'Centrum'): ContainerStateChanged => ({
    containerId, district, wasteType: 'residual', deviceId: 'd', fillPct, temperatureC: 11, batteryPct: 90, flags: [], measuredAt: new Date(atMs).toISOString(),
  });
  const open = async (token: string | null): Promise<Socket> => {
    const socket = await connect(gw.url, token);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'gwlive' });
    ({ ids } = await seedCity(scratch.db, 'live'));
    await new PlansRepository(scratch.db).publish(centrumPlan(today, [ids[0]!, ids[1]!], 'truck-9'));
    gw = await startGateway({ db: scratch.db, bus });
    tokens.admin = await login(gw.url, 'admin', ADMIN_PASSWORD);
    for (const [name, role, districts] of [['vw', 'viewer', null], ['op', 'operator', null], ['noord', 'planner', ['Noord']]] as const) {
      await call(`${gw.url}/api/users`, { token: tokens.admin, body: { username: name, password: `${name}-password-x`, role, districts } });
      tokens[name] = await login(gw.url, name, `${name}-password-x`);
    }
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await gw?.close();
    await scratch?.drop();
  });

  it('refuses a handshake without a valid token', async () => {
    await expect(connect(gw.url, null)).rejects.toThrow(/unauthenticated/);
    await expect(connect(gw.url, 'not-a-token')).rejects.toThrow(/unauthenticated/);
  });

  it('sends a snapshot on join, then coalesced changes: the latest state per container, not every reading', async () => {
    const socket = await open(tokens.vw!);
    const snapshot = next<{ room: string; containers: Array<{ id: string }>; plans: unknown[] }>(socket, 'snapshot');
    expect(await join(socket, ['district:Centrum'])).toEqual({ joined: ['district:Centrum'], refused: [] });
    const snap = await snapshot;
    expect(snap.room).toBe('district:Centrum');
    expect(snap.containers.map((c) => c.id).sort()).toEqual(ids.slice(0, 4).sort());
    expect(snap.plans).toHaveLength(1);

    const received: StatesMessage[] = [];
    socket.on('containers', (m: StatesMessage) => received.push(m));
    const t0 = Date.now();
    // A burst: 500 readings over 4 containers (and some for Noord, which this client does not watch).
    for (let i = 0; i < 500; i++) {
      await bus.publish('container.state', state(ids[i % 4]!, i / 5, t0 + i));
      if (i % 50 === 0) await bus.publish('container.state', state(ids[4]!, 50, t0 + i, 'Noord'));
    }
    const latest = new Map<string, number>();
    await until(() => {
      for (const m of received) for (const s of m.states) latest.set(s.id, s.fillPct);
      return [496, 497, 498, 499].every((i) => latest.get(ids[i % 4]!) === i / 5);
    }, 10_000, 'the latest state of each container');
    const statesSent = received.reduce((a, m) => a + m.states.length, 0);
    expect(statesSent).toBeLessThan(500);
    expect(received.every((m) => m.room === 'district:Centrum')).toBe(true);
    expect(received.flatMap((m) => m.states).some((s) => s.id === ids[4])).toBe(false);
    // An older state arriving late never overwrites a newer one.
    await bus.publish('container.state', state(ids[0]!, 1, t0 - 60_000));
    await new Promise((r) => setTimeout(r, 100));
    expect(received.flatMap((m) => m.states).some((s) => s.fillPct === 1)).toBe(false);
  });

  it('only lets a client into the rooms its role and districts allow', async () => {
    const viewer = await open(tokens.vw!);
    const route = `route:truck-9:${today}`;
    const v = await join(viewer, [route, 'district:Noord', 'nonsense']);
    expect(v.joined).toEqual(['district:Noord']);
    expect(v.refused).toEqual([
      { room: route, reason: expect.stringContaining('role viewer') },
      { room: 'nonsense', reason: expect.stringContaining('unknown room') },
    ]);
    const noord = await open(tokens.noord!);
    expect((await join(noord, ['district:Centrum', route])).refused.map((r) => r.reason)).toEqual([expect.stringContaining('may not see'), expect.stringContaining('may not see')]);
    const operator = await open(tokens.op!);
    const snapshot = next<{ kind: string; plans: Array<{ route: { vehicleId: string; stops: unknown[] } }> }>(operator, 'snapshot');
    expect((await join(operator, [route, `route:truck-404:${today}`])).refused).toEqual([{ room: `route:truck-404:${today}`, reason: expect.stringContaining('no published route') }]);
    const snap = await snapshot;
    expect(snap).toMatchObject({ kind: 'route', plans: [{ route: { vehicleId: 'truck-9' } }] });
    // A change to a container on the route reaches the route room too.
    const onRoute = next<StatesMessage>(operator, 'containers', (m) => m.room === route);
    await bus.publish('container.state', state(ids[1]!, 77, Date.now() + 10_000));
    expect((await onRoute).states).toEqual([expect.objectContaining({ id: ids[1], fillPct: 77 })]);
  });

  it('passes alerts, plans and planner edits to the district room', async () => {
    const socket = await open(tokens.vw!);
    await join(socket, ['district:Centrum']);
    const alert = next<{ alertId: string }>(socket, 'alert');
    await bus.publish('alert.changed', { alertId: 'a1', containerId: ids[0]!, district: 'Centrum', cause: 'container_full', status: 'open', change: 'opened', message: 'full', at: new Date().toISOString() });
    expect((await alert).alertId).toBe('a1');
    const plan = next<{ event: { planId: string }; plan: { id: string } | null }>(socket, 'plan');
    const { plan: stored } = await new PlansRepository(scratch.db).publish(centrumPlan(today, [ids[0]!], 'truck-9'));
    await bus.publish('plan.published', { planId: stored.id, district: 'Centrum', fraction: 'residual', shiftDate: today, version: stored.version, trigger: 'test' });
    expect((await plan).plan?.id).toBe(stored.id);
    const edit = next<{ editId: string }>(socket, 'edit');
    await bus.publish('planner.edit', { editId: 'e1', district: 'Centrum', containerId: ids[0]!, action: 'lock', reason: 'r', by: 'p', shiftDate: today });
    expect((await edit).editId).toBe('e1');
  });

  it('disconnects a user\'s sockets when an admin changes their role', async () => {
    const socket = await open(tokens.noord!);
    const closed = new Promise<string>((resolve) => socket.on('disconnect', (reason) => resolve(reason)));
    const users = await call<Array<{ id: string; username: string }>>(`${gw.url}/api/users`, { token: tokens.admin });
    const noord = users.body.find((u) => u.username === 'noord')!;
    await call(`${gw.url}/api/users/${noord.id}`, { method: 'PATCH', token: tokens.admin, body: { role: 'viewer' } });
    expect(await closed).toBe('io server disconnect');
  });
});

import { randomBytes } from 'node:crypto';
import type { AlertChanged } from '@vulgraad/contracts';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { RedisEventBus } from '@vulgraad/events';
import type { Socket } from 'socket.io-client';
import { testPostgresUrl, testRedisUrl } from '../support/services';
import { ADMIN_PASSWORD, call, login, startGateway, type RunningGateway } from './support/gateway-app';
import { seedCity } from './support/fixtures';
import { connect, join, next, until } from './support/socket';

jest.setTimeout(60_000);

describe('two gateway replicas on one Redis', () => {
  let scratch: ScratchDatabase;
  let ids: string[];
  const run = randomBytes(4).toString('hex');
  const busPrefix = `test:gw:${run}:events:`;
  const buses: RedisEventBus[] = [];
  const gateways: RunningGateway[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'gwreplicas' });
    ({ ids } = await seedCity(scratch.db, 'rep'));
    for (let i = 0; i < 2; i++) {
      const bus = new RedisEventBus(testRedisUrl(), busPrefix);
      buses.push(bus);
      gateways.push(await startGateway({ db: scratch.db, bus, env: { REDIS_URL: testRedisUrl(), GATEWAY_SOCKET_REDIS_PREFIX: `test:gw:${run}:io` } }));
    }
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const g of gateways) await g.close();
    for (const b of buses) await b.close();
    await scratch?.drop();
  });

  it('delivers every event to a client on either replica, and crosses replicas through the adapter', async () => {
    const [a, b] = gateways as [RunningGateway, RunningGateway];
    const adminA = await login(a.url, 'admin', ADMIN_PASSWORD);
    await call(`${a.url}/api/users`, { token: adminA, body: { username: 'watcher', password: 'watcher-password', role: 'operator' } });
    // A token from one replica is good on the other (same key).
    const token = await login(a.url, 'watcher', 'watcher-password');
    const onA = await connect(a.url, token);
    const onB = await connect(b.url, token);
    sockets.push(onA, onB);
    await join(onA, ['district:Centrum']);
    await join(onB, ['district:Centrum']);

    const publisher = new RedisEventBus(testRedisUrl(), busPrefix);
    buses.push(publisher);
    const seenA: number[] = [];
    const seenB: number[] = [];
    onA.on('containers', (m: { states: Array<{ fillPct: number }> }) => seenA.push(...m.states.map((s) => s.fillPct)));
    onB.on('containers', (m: { states: Array<{ fillPct: number }> }) => seenB.push(...m.states.map((s) => s.fillPct)));
    for (let i = 0; i < 4; i++) {
      await publisher.publish('container.state', {
        containerId: ids[i]!, district: 'Centrum', wasteType: 'residual', deviceId: 'd', fillPct: 60 + i, temperatureC: 10, batteryPct: 80, flags: [], measuredAt: new Date(Date.now() + i).toISOString(),
      });
    }
    await until(() => seenA.length >= 4 && seenB.length >= 4, 10_000, 'states on both replicas');
    // Each replica sends each change once: no duplicates from the adapter re-broadcasting what the other replica also got from the bus.
    await new Promise((r) => setTimeout(r, 200));
    expect(seenA.sort()).toEqual([60, 61, 62, 63]);
    expect(seenB.sort()).toEqual([60, 61, 62, 63]);

    // An alert changed through replica B reaches the client on replica A.
    const alertOnA = next<AlertChanged>(onA, 'alert');
    await publisher.publish('alert.changed', { alertId: 'x1', containerId: ids[0]!, district: 'Centrum', cause: 'battery_low', status: 'open', change: 'opened', message: 'low', at: new Date().toISOString() });
    expect((await alertOnA).alertId).toBe('x1');

    // The adapter sees the sockets of both replicas.
    const clients = await call<{ clients: number; rooms: Record<string, number> }>(`${a.url}/api/live/clients`, { token: adminA });
    expect(clients.body).toMatchObject({ clients: 2, rooms: { 'district:Centrum': 2 } });

    // Disabling the user on replica A ends their socket on replica B.
    const closedB = new Promise<string>((resolve) => onB.on('disconnect', (reason) => resolve(reason)));
    const users = await call<Array<{ id: string; username: string }>>(`${a.url}/api/users`, { token: adminA });
    await call(`${a.url}/api/users/${users.body.find((u) => u.username === 'watcher')!.id}`, { method: 'PATCH', token: adminA, body: { active: false } });
    expect(await closedB).toBe('io server disconnect');
  });
});

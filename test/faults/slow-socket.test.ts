import { ContainersRepository, createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { InProcessEventBus } from '@vulgraad/events';
import type { Socket as ServerSocket } from 'socket.io';
import type { Socket } from 'socket.io-client';
import { LiveGateway } from '../../apps/gateway/src/live/live.gateway';
import { MAX_QUEUED_PACKETS, queuedPackets, SlowConsumerGuard } from '../../apps/gateway/src/live/slow-consumers';
import { ADMIN_PASSWORD, login, startGateway, type RunningGateway } from '../gateway/support/gateway-app';
import { connect, join, until } from '../gateway/support/socket';
import { sleep } from './support/app-process';
import { recordScenario } from './support/scenario-record';
import { testPostgresUrl } from '../support/services';

const DISTRICTS = 20;
const PER_DISTRICT = 100;
const ROUNDS = 150;

// One browser stops reading (its TCP socket is paused) while the live feed runs
// at full speed to it and to three others. The others get every container's
// latest state; the stalled socket's queue at the gateway stays bounded (its
// connection is closed once too much waits), so memory does not grow with it.
describe('fault: a slow socket.io client', () => {
  let scratch: ScratchDatabase;
  let gw: RunningGateway;
  const bus = new InProcessEventBus();
  const sockets: Socket[] = [];
  const rooms = Array.from({ length: DISTRICTS }, (_, d) => `district:D${d}`);

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'faults_slow' });
    await new ContainersRepository(scratch.db).upsert(
      Array.from({ length: DISTRICTS * PER_DISTRICT }, (_, i) => ({
        id: `c${i}`, externalRef: `slow-${i}`, lng: 4.9 + (i % 100) * 1e-4, lat: 52.37 + Math.floor(i / 100) * 1e-3,
        district: `D${Math.floor(i / PER_DISTRICT)}`, wasteType: 'residual' as const, volumeL: 3000, depthMm: 2000,
      })),
    );
    gw = await startGateway({ db: scratch.db, bus, env: { GATEWAY_LIVE_FLUSH_MS: '20' } });
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await gw?.close();
    await scratch?.drop();
  }, 60_000);

  it('keeps the others up to date and the stalled socket\'s queue bounded', async () => {
    const token = await login(gw.url, 'admin', ADMIN_PASSWORD);
    const fast = await Promise.all([0, 1, 2].map(() => connect(gw.url, token)));
    const slow = await connect(gw.url, token);
    sockets.push(...fast, slow);
    for (const s of [...fast, slow]) expect((await join(s, rooms)).joined).toHaveLength(DISTRICTS);
    const latest = fast.map(() => new Map<string, number>());
    fast.forEach((s, k) => s.on('containers', (m: { states: Array<{ id: string; fillPct: number }> }) => {
      for (const state of m.states) latest[k]!.set(state.id, state.fillPct);
    }));

    // Stop reading: what the gateway sends now fills the kernel's buffers, then engine.io's write buffer.
    const tcp = (slow.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket;
    tcp.pause();
    const server = gw.app.get(LiveGateway).server;
    const guard = gw.app.get(SlowConsumerGuard);
    const slowOnServer = (): ServerSocket | undefined => server.of('/').sockets.get(slow.id as string);
    let maxQueued = 0;
    const sampler = setInterval(() => {
      const socket = slowOnServer();
      if (socket) maxQueued = Math.max(maxQueued, queuedPackets(socket));
    }, 20);

    const heapBeforeMb = process.memoryUsage().heapUsed / 2 ** 20;
    const start = Date.now();
    for (let round = 1; round <= ROUNDS; round++) {
      const fillPct = round % 100;
      for (let i = 0; i < DISTRICTS * PER_DISTRICT; i++) {
        await bus.publish('container.state', {
          containerId: `c${i}`, district: `D${Math.floor(i / PER_DISTRICT)}`, wasteType: 'residual', deviceId: 'd', fillPct, temperatureC: 10, batteryPct: 80,
          flags: [], measuredAt: new Date(start + round * 1000).toISOString(),
        });
      }
      await sleep(40);
    }
    const finalFill = ROUNDS % 100;
    await until(() => latest.every((m) => [...m.values()].filter((v) => v === finalFill).length === DISTRICTS * PER_DISTRICT), 20_000, 'the fast clients up to date').catch(() => undefined);
    await sleep(1500);
    clearInterval(sampler);
    const heapAfterMb = process.memoryUsage().heapUsed / 2 ** 20;

    const missing = latest.reduce((n, m) => n + DISTRICTS * PER_DISTRICT - [...m.values()].filter((v) => v === finalFill).length, 0);
    recordScenario({
      scenario: 'slow socket.io client',
      lost: missing,
      duplicated: 0,
      details: { maxQueuedPackets: maxQueued, limit: MAX_QUEUED_PACKETS, closedSlowConnections: guard.closed, heapGrowthMb: Math.round(heapAfterMb - heapBeforeMb) },
    });
    expect(missing).toBe(0);
    // The stalled socket was cut off, and what waited for it never went far past the limit (one check interval of the feed).
    expect(guard.closed).toBe(1);
    expect(slowOnServer()).toBeUndefined();
    expect(maxQueued).toBeGreaterThan(0);
    expect(maxQueued).toBeLessThanOrEqual(MAX_QUEUED_PACKETS + 60 * DISTRICTS);
    // The fast clients are still connected and were never cut off.
    expect(fast.every((s) => s.connected)).toBe(true);
  }, 180_000);
});

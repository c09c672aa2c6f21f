import { LIVE_EVENTS, LIVE_ROOMS, type LivePositions, type RouteProgress, type TruckPosition } from '@vulgraad/contracts';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { PlansRepository } from '@vulgraad/planning';
import { localDateOf } from '@vulgraad/time';
import type { Socket } from 'socket.io-client';
import { ADMIN_PASSWORD, call, login, startGateway, type RunningGateway } from '../gateway/support/gateway-app';
import { centrumPlan, seedCity } from '../gateway/support/fixtures';
import { connect, join, until } from '../gateway/support/socket';
import { waitFor } from '../ingest/harness';
import { testPostgresUrl } from '../support/services';
import { seedTrucks } from './trucks';

jest.setTimeout(60_000);

// Truck positions reach the browsers in lists, one per window: every position (none dropped, the
// same one twice kept once), once per socket whichever of the truck's rooms it is in. The window is
// long here so that positions published one after the other fall into one.
describe('truck positions on the live feed', () => {
  let scratch: ScratchDatabase;
  let gw: RunningGateway;
  let token: string;
  const sockets: Socket[] = [];
  const today = localDateOf(Date.now(), 'Europe/Amsterdam');
  const routeRoom = LIVE_ROOMS.route('truck-9', today);
  const position = (vehicleId: string, atMs: number, lat: number): TruckPosition => ({ vehicleId, at: new Date(atMs).toISOString(), lat, lng: 4.888, speedKmh: 20, heading: 90 });

  /** A socket in the given rooms and every positions list it gets. */
  async function listener(rooms: string[]): Promise<LivePositions[]> {
    const socket = await connect(gw.url, token);
    sockets.push(socket);
    const got: LivePositions[] = [];
    socket.on(LIVE_EVENTS.positions, (message: LivePositions) => void got.push(message));
    expect((await join(socket, rooms)).joined).toEqual(rooms);
    return got;
  }
  const of = (got: LivePositions[], vehicleId: string): TruckPosition[] => got.flatMap((m) => m.positions.filter((p) => p.vehicleId === vehicleId));

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'posfeed' });
    const { ids } = await seedCity(scratch.db, 'posfeed');
    await seedTrucks(scratch.db, [{ id: 'truck-9', fractions: ['residual'] }, { id: 'truck-x', fractions: ['residual'] }]);
    await new PlansRepository(scratch.db).publish(centrumPlan(today, [ids[0]!, ids[2]!], 'truck-9'));
    gw = await startGateway({ db: scratch.db, env: { GATEWAY_POSITION_FLUSH_MS: '1500' } });
    token = await login(gw.url, 'admin', ADMIN_PASSWORD);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await gw?.close();
    await scratch?.drop();
  });

  it('sends the positions of a window in one list, each once to a socket in both the route and the district room', async () => {
    const both = await listener([LIVE_ROOMS.district('Centrum'), routeRoom]);
    const routeOnly = await listener([routeRoom]);
    const districtOnly = await listener([LIVE_ROOMS.district('Centrum')]);
    const t0 = Date.now();
    await gw.bus.publish('vehicle.position', position('truck-9', t0, 52.361));
    await gw.bus.publish('vehicle.position', position('truck-9', t0 + 1000, 52.362));
    await gw.bus.publish('vehicle.position', position('truck-9', t0 + 1000, 52.362));
    // A truck without a route today goes to its own route room only (which no one can join).
    await gw.bus.publish('vehicle.position', position('truck-x', t0, 52.363));
    await until(() => both.length > 0 && routeOnly.length > 0 && districtOnly.length > 0, 10_000, 'the first lists');
    // Whatever else arrives would come within one more window.
    await new Promise((r) => setTimeout(r, 2000));
    for (const got of [both, routeOnly, districtOnly]) {
      expect(got).toHaveLength(1);
      expect(of(got, 'truck-9')).toEqual([position('truck-9', t0, 52.361), position('truck-9', t0 + 1000, 52.362)]);
      expect(of(got, 'truck-x')).toEqual([]);
    }

    await gw.bus.publish('vehicle.position', position('truck-9', t0 + 2000, 52.364));
    await until(() => both.length > 1 && routeOnly.length > 1 && districtOnly.length > 1, 10_000, 'the next lists');
    for (const got of [both, routeOnly, districtOnly]) expect(of(got, 'truck-9').map((p) => p.lat)).toEqual([52.361, 52.362, 52.364]);

    const { status, body } = await call<{ positionsIn: number; positionsRepeated: number }>(`${gw.url}/api/live/stats`, { token });
    expect(status).toBe(200);
    // Counted for /api/live/stats (and the benchmark): every position in, and the one that came twice.
    expect(body).toMatchObject({ positionsIn: 5, positionsRepeated: 1 });
  });

  it('takes a position delivered again, or one that comes late, without moving the truck back', async () => {
    const both = await listener([LIVE_ROOMS.district('Centrum'), routeRoom]);
    const progressPosition = async (): Promise<TruckPosition | null> => {
      const { body } = await call<RouteProgress[]>(`${gw.url}/api/progress`, { token });
      return body.find((p) => p.vehicleId === 'truck-9')?.position ?? null;
    };
    const t0 = Date.now() + 60_000;
    const newest = position('truck-9', t0, 52.371);
    await gw.bus.publish('vehicle.position', newest);
    await waitFor(async () => (await progressPosition())?.at === newest.at, 10_000, 'the newest position in the progress');
    // The same position again (the ingest publishes a redelivered message once more) and an older one (a box catching up).
    await gw.bus.publish('vehicle.position', newest);
    await gw.bus.publish('vehicle.position', position('truck-9', t0 - 500, 52.37));
    await until(() => of(both, 'truck-9').some((p) => p.at === new Date(t0 - 500).toISOString()), 10_000, 'the late position passed on');
    expect(await progressPosition()).toEqual(newest);
  });
});

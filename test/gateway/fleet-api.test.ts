import type { EventMap } from '@vulgraad/contracts';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { InProcessEventBus } from '@vulgraad/events';
import { testPostgresUrl } from '../support/services';
import { ADMIN_PASSWORD, call, login, startGateway, type RunningGateway } from './support/gateway-app';

jest.setTimeout(60_000);

const truck = {
  name: 'Crane 7', depotId: 'depot-west', capacityL: 22_000, capacityKg: 11_000, compactionFactor: 4, fractions: ['residual'], equipment: ['underground'],
  shiftStartMin: 420, shiftEndMin: 930, shiftByWeekday: { 1: [420, 930], 2: [420, 930], 6: [480, 720] }, breakMin: 30,
};

// The fleet as data people manage: trucks, depots and disposal sites through the REST API, planners and
// admins edit, every change audited, a breakdown published for the planner.
describe('gateway fleet API', () => {
  let scratch: ScratchDatabase;
  let gw: RunningGateway;
  const bus = new InProcessEventBus();
  const statuses: Array<EventMap['vehicle.status']> = [];
  const tokens = { admin: '', planner: '', viewer: '' };

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'gwfleet' });
    await bus.subscribe('vehicle.status', (e) => void statuses.push(e));
    gw = await startGateway({ db: scratch.db, bus });
    tokens.admin = await login(gw.url, 'admin', ADMIN_PASSWORD);
    for (const role of ['viewer', 'planner'] as const) {
      await call(`${gw.url}/api/users`, { token: tokens.admin, body: { username: `${role}1`, password: `${role}-password-1`, role } });
      tokens[role] = await login(gw.url, `${role}1`, `${role}-password-1`);
    }
  });
  afterAll(async () => {
    await gw?.close();
    await scratch?.drop();
  });

  it('lets a planner create a depot, a disposal site and a truck with shifts per weekday, and a viewer read them', async () => {
    const depot = await call(`${gw.url}/api/depots/depot-west`, { method: 'PUT', token: tokens.planner, body: { name: 'Seineweg', lng: 4.79, lat: 52.37 } });
    expect(depot.status).toBe(200);
    const site = await call(`${gw.url}/api/disposal-sites/aeb`, { method: 'PUT', token: tokens.planner, body: { name: 'AEB', lng: 4.83, lat: 52.41, fractions: ['residual'], openFromMin: 360, openToMin: 1320 } });
    expect(site).toMatchObject({ status: 200, body: { id: 'aeb', openFromMin: 360, openToMin: 1320, serviceTimeS: 900 } });
    const created = await call(`${gw.url}/api/vehicles/crane-7`, { method: 'PUT', token: tokens.planner, body: truck });
    expect(created).toMatchObject({ status: 200, body: { id: 'crane-7', compactionFactor: 4, breakMin: 30, status: 'in_service', shiftByWeekday: { 6: [480, 720] } } });
    const list = await call<Array<{ id: string }>>(`${gw.url}/api/vehicles`, { token: tokens.viewer });
    expect(list.body.map((v) => v.id)).toEqual(['crane-7']);
    expect((await call<Array<{ id: string }>>(`${gw.url}/api/disposal-sites`, { token: tokens.viewer })).body.map((s) => s.id)).toEqual(['aeb']);
  });

  it('refuses a viewer\'s write, and bad input with the field that is wrong', async () => {
    expect((await call(`${gw.url}/api/vehicles/crane-8`, { method: 'PUT', token: tokens.viewer, body: truck })).status).toBe(403);
    expect(await call(`${gw.url}/api/vehicles/crane-8`, { method: 'PUT', token: tokens.planner, body: { ...truck, depotId: 'nowhere' } })).toMatchObject({ status: 400, body: { field: 'depotId' } });
    expect(await call(`${gw.url}/api/vehicles/crane-8`, { method: 'PUT', token: tokens.planner, body: { ...truck, shiftByWeekday: { 8: [420, 930] } } })).toMatchObject({ status: 400, body: { field: 'shiftByWeekday' } });
    expect(await call(`${gw.url}/api/vehicles/crane-8`, { method: 'PUT', token: tokens.planner, body: { ...truck, shiftEndMin: 400 } })).toMatchObject({ status: 400, body: { field: 'shiftEndMin' } });
    expect((await call(`${gw.url}/api/vehicles/crane-8`, { method: 'PUT', token: tokens.planner, body: { ...truck, fractions: ['lead'] } })).status).toBe(400);
    expect((await call(`${gw.url}/api/vehicles/crane-8`, { token: tokens.viewer })).status).toBe(404);
  });

  it('marks a truck broken down, publishes it for the planner, and audits every change', async () => {
    const res = await call(`${gw.url}/api/vehicles/crane-7/status`, { token: tokens.planner, body: { status: 'out_of_service', reason: 'hydraulics' } });
    expect(res).toMatchObject({ status: 201, body: { status: 'out_of_service', statusReason: 'hydraulics' } });
    expect(statuses).toEqual([expect.objectContaining({ vehicleId: 'crane-7', status: 'out_of_service', reason: 'hydraulics' })]);
    const audit = await call<Array<{ action: string; actor: string }>>(`${gw.url}/api/audit?limit=100`, { token: tokens.admin });
    const actions = audit.body.filter((a) => a.actor === 'planner1').map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['depot.create', 'disposal_site.create', 'vehicle.create', 'vehicle.status']));
  });
});

import { Get } from '@nestjs/common';
import { AlertEngine, AlertsRepository, DEFAULT_THRESHOLDS, type Alert } from '@vulgraad/alerts';
import type { EventMap } from '@vulgraad/contracts';
import { createScratchDatabase, ReadingsRepository, type ScratchDatabase } from '@vulgraad/database';
import { InProcessEventBus } from '@vulgraad/events';
import { PlansRepository } from '@vulgraad/planning';
import { localDateOf } from '@vulgraad/time';
import { ApiController } from '../../apps/gateway/src/common/api-controller';
import { testPostgresUrl } from '../support/services';
import { ADMIN_PASSWORD, call, login, startGateway, type RunningGateway } from './support/gateway-app';
import { centrumPlan, seedCity } from './support/fixtures';

/** A controller someone forgot to give an access rule. */
@ApiController('api/forgotten', 'test')
class ForgottenController {
  @Get()
  open(): string {
    return 'should never be served';
  }
}

jest.setTimeout(60_000);

describe('gateway REST API', () => {
  let scratch: ScratchDatabase;
  let gw: RunningGateway;
  let ids: string[];
  const bus = new InProcessEventBus();
  const events: Array<{ name: string; payload: unknown }> = [];
  const tokens: Record<'admin' | 'viewer' | 'planner' | 'operator' | 'noord', string> = { admin: '', viewer: '', planner: '', operator: '', noord: '' };
  const today = localDateOf(Date.now(), 'Europe/Amsterdam');

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'gwrest' });
    ({ ids } = await seedCity(scratch.db, 'rest'));
    for (const name of ['planner.edit', 'driver.feedback', 'alert.changed'] as const) {
      await bus.subscribe(name, (payload: EventMap[typeof name]) => void events.push({ name, payload }));
    }
    gw = await startGateway({ db: scratch.db, bus, extraControllers: [ForgottenController] });
    tokens.admin = await login(gw.url, 'admin', ADMIN_PASSWORD);
    for (const role of ['viewer', 'planner', 'operator'] as const) {
      const created = await call(`${gw.url}/api/users`, { token: tokens.admin, body: { username: `${role}1`, password: `${role}-password-1`, role } });
      expect(created.status).toBe(201);
      tokens[role] = await login(gw.url, `${role}1`, `${role}-password-1`);
    }
    await call(`${gw.url}/api/users`, { token: tokens.admin, body: { username: 'noord.planner', password: 'noord-password-1', role: 'planner', districts: ['Noord'] } });
    tokens.noord = await login(gw.url, 'noord.planner', 'noord-password-1');
  });
  afterAll(async () => {
    await gw?.close();
    await scratch?.drop();
  });

  describe('authentication and roles', () => {
    it('refuses a missing token, a bad password and a forged token, and answers every error in one shape', async () => {
      expect(await call(`${gw.url}/api/containers`)).toMatchObject({ status: 401, body: { statusCode: 401, error: 'Unauthorized', field: 'authorization' } });
      expect((await call(`${gw.url}/api/auth/login`, { body: { username: 'admin', password: 'wrong-password' } })).status).toBe(401);
      const forged = tokens.viewer.slice(0, -4) + 'AAAA';
      expect((await call(`${gw.url}/api/containers`, { token: forged })).status).toBe(401);
    });

    it('closes a route that has no access rule, for everyone including the admin', async () => {
      const res = await call(`${gw.url}/api/forgotten`, { token: tokens.admin });
      expect(res).toMatchObject({ status: 403, body: { message: expect.stringContaining('no access rule') } });
    });

    it('checks every write against the role', async () => {
      const container = { externalRef: 'new-1', lng: 4.9, lat: 52.37, district: 'Centrum', wasteType: 'glass', volumeL: 3000 };
      expect((await call(`${gw.url}/api/containers`, { token: tokens.viewer, body: container })).status).toBe(403);
      expect((await call(`${gw.url}/api/containers`, { token: tokens.planner, body: container })).status).toBe(403);
      expect((await call(`${gw.url}/api/containers`, { token: tokens.operator, body: container })).status).toBe(201);
      expect((await call(`${gw.url}/api/users`, { token: tokens.operator })).status).toBe(403);
      expect((await call(`${gw.url}/api/webhooks`, { token: tokens.planner })).status).toBe(403);
    });

    it('ends a token when the user is disabled', async () => {
      await call(`${gw.url}/api/users`, { token: tokens.admin, body: { username: 'temp', password: 'temp-password-1', role: 'viewer' } });
      const token = await login(gw.url, 'temp', 'temp-password-1');
      const [temp] = ((await call<Array<{ id: string; username: string }>>(`${gw.url}/api/users`, { token: tokens.admin })).body).filter((u) => u.username === 'temp');
      expect((await call(`${gw.url}/api/users/${temp!.id}`, { method: 'PATCH', token: tokens.admin, body: { active: false } })).status).toBe(200);
      expect((await call(`${gw.url}/api/auth/me`, { token })).status).toBe(401);
    });
  });

  describe('validation', () => {
    it('answers a wrong request with a 400 naming the field', async () => {
      const cases: Array<[unknown, string]> = [
        [{ lng: 'east', lat: 52, district: 'X', wasteType: 'paper', volumeL: 10 }, 'lng'],
        [{ lng: 4.9, lat: 52, district: 'X', wasteType: 'gold', volumeL: 10 }, 'wasteType'],
        [{ lng: 4.9, lat: 52, district: 'X', wasteType: 'paper', volumeL: 10, accessWindow: { fromMin: 60, toMin: 5000 } }, 'accessWindow.toMin'],
        [{ lng: 4.9, lat: 52, district: 'X', wasteType: 'paper', volumeL: 10, colour: 'red' }, 'colour'],
      ];
      for (const [body, field] of cases) {
        const res = await call(`${gw.url}/api/containers`, { token: tokens.operator, body });
        expect(res).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request', field } });
      }
      expect(await call(`${gw.url}/api/containers/${ids[0]}/readings?resolution=weekly`, { token: tokens.viewer })).toMatchObject({ status: 400, body: { field: 'resolution' } });
      expect(await call(`${gw.url}/api/auth/login`, { body: '{"username":' })).toMatchObject({ status: 400, body: { field: 'body' } });
    });
  });

  describe('containers', () => {
    it('imports CSV with a report per row, then GeoJSON that updates by reference', async () => {
      const csv = [
        'external_ref,lng,lat,district,waste_type,volume_l,depth_mm',
        'imp-1,4.91,52.37,Oost,paper,4000,1400',
        'imp-2,4.92,52.371,Oost,metal,4000,',
        'imp-3,not-a-number,52.372,Oost,glass,3000,',
        'imp-1,4.93,52.373,Oost,paper,4000,',
      ].join('\n');
      const res = await call<{ received: number; accepted: number; rejected: number; rows: Array<{ row: number; status: string; errors: Array<{ field: string }> }> }>(
        `${gw.url}/api/containers/import`,
        { token: tokens.operator, body: csv, contentType: 'text/csv' },
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ received: 4, accepted: 1, rejected: 3 });
      expect(res.body.rows.map((r) => [r.row, r.status, r.errors.map((e) => e.field)])).toEqual([
        [1, 'created', []],
        [2, 'rejected', ['wasteType']],
        [3, 'rejected', ['lng']],
        [4, 'rejected', ['externalRef']],
      ]);
      const geo = {
        type: 'FeatureCollection',
        features: [{ type: 'Feature', id: 'imp-1', geometry: { type: 'Point', coordinates: [4.915, 52.375] }, properties: { district: 'Oost', wasteType: 'paper', volumeL: 4500 } }],
      };
      const second = await call<{ rows: Array<{ status: string }> }>(`${gw.url}/api/containers/import`, { token: tokens.operator, body: geo, contentType: 'application/geo+json' });
      expect(second.body.rows).toEqual([expect.objectContaining({ status: 'updated' })]);
      const oost = await call<{ features: Array<{ geometry: { coordinates: number[] }; properties: { volumeL: number } }> }>(`${gw.url}/api/containers?district=Oost`, { token: tokens.viewer });
      expect(oost.body.features).toEqual([expect.objectContaining({ geometry: { type: 'Point', coordinates: [4.915, 52.375] }, properties: expect.objectContaining({ volumeL: 4500 }) })]);
    });

    it('lists by bounding box and limits a district-scoped user to their districts', async () => {
      const box = await call<{ features: unknown[] }>(`${gw.url}/api/containers?bbox=4.879,52.359,4.885,52.37`, { token: tokens.viewer });
      expect(box.body.features).toHaveLength(2);
      const scoped = await call<{ features: Array<{ properties: { district: string } }> }>(`${gw.url}/api/containers`, { token: tokens.noord });
      expect(new Set(scoped.body.features.map((f) => f.properties.district))).toEqual(new Set(['Noord']));
      expect((await call(`${gw.url}/api/containers/${ids[0]}`, { token: tokens.noord })).status).toBe(403);
    });

    it('serves readings raw and from the hourly and daily roll-ups, and a forecast', async () => {
      const readings = new ReadingsRepository(scratch.db);
      const [deviceRow] = (await scratch.db.query<{ device_id: string }>('SELECT device_id FROM device_bindings WHERE container_id = $1', [ids[0]])).rows;
      const start = Date.now() - 3 * 86_400_000;
      await readings.insertBatch(
        Array.from({ length: 72 }, (_, h) => ({
          containerId: ids[0]!, deviceId: deviceRow!.device_id, measuredAt: new Date(start + h * 3_600_000), receivedAt: new Date(start + h * 3_600_000),
          fillPct: (h % 48) * 2, distanceMm: null, temperatureC: 12, batteryPct: 90, batteryV: null, rssiDbm: null, snrDb: null, seq: h,
          tiltDeg: null, flags: [], alarms: [], format: 'native', correlationId: null,
        })),
      );
      const raw = await call<{ points: Array<{ fillPct: number }> }>(`${gw.url}/api/containers/${ids[0]}/readings?resolution=raw`, { token: tokens.viewer });
      expect(raw.body.points).toHaveLength(72);
      const hourly = await call<{ points: Array<{ readings: number; fillAvg: number }> }>(`${gw.url}/api/containers/${ids[0]}/readings?resolution=hourly`, { token: tokens.viewer });
      expect(hourly.body.points).toHaveLength(72);
      expect(hourly.body.points.every((p) => p.readings === 1)).toBe(true);
      const daily = await call<{ points: Array<{ readings: number }> }>(`${gw.url}/api/containers/${ids[0]}/readings?resolution=daily`, { token: tokens.viewer });
      expect(daily.body.points.reduce((a, p) => a + p.readings, 0)).toBe(72);
      const forecast = await call<{ points: Array<{ meanPct: number; lowPct: number; highPct: number }>; readingsUsed: number }>(`${gw.url}/api/containers/${ids[0]}/forecast?hours=24`, { token: tokens.viewer });
      expect(forecast.status).toBe(200);
      expect(forecast.body.points).toHaveLength(24);
      expect(forecast.body.readingsUsed).toBeGreaterThan(50);
      expect(forecast.body.points.every((p) => p.lowPct <= p.meanPct && p.meanPct <= p.highPct)).toBe(true);
    });
  });

  describe('devices', () => {
    it('registers a device, swaps it onto a container, and keeps the history', async () => {
      const device = await call<{ id: string }>(`${gw.url}/api/devices`, { token: tokens.operator, body: { externalRef: 'swap-1', devEui: 'A1B2C3D4E5F60718', reportingIntervalS: 900 } });
      expect(device.status).toBe(201);
      const bind = await call(`${gw.url}/api/devices/${device.body.id}/bind`, { token: tokens.operator, body: { containerId: ids[1] } });
      expect(bind.status).toBe(201);
      const container = await call<{ bindings: Array<{ deviceId: string; validTo: string | null }> }>(`${gw.url}/api/containers/${ids[1]}`, { token: tokens.viewer });
      expect(container.body.bindings).toHaveLength(2);
      expect(container.body.bindings.find((b) => b.deviceId === device.body.id)?.validTo).toBeNull();
      expect((await call(`${gw.url}/api/devices?ref=a1b2c3d4e5f60718`, { token: tokens.viewer })).body).toEqual([expect.objectContaining({ devEui: 'a1b2c3d4e5f60718' })]);
      expect((await call(`${gw.url}/api/devices`, { token: tokens.operator, body: { externalRef: 'x', devEui: 'nothex' } })).body).toMatchObject({ field: 'devEui' });
    });
  });

  describe('alerts', () => {
    it('lists, acknowledges and resolves alerts by role, with their history', async () => {
      const engine = new AlertEngine(new AlertsRepository(scratch.db), { defaults: DEFAULT_THRESHOLDS, clock: { now: () => new Date() }, publish: (e) => bus.publish('alert.changed', e) });
      await engine.reload();
      await engine.onContainerState({ containerId: ids[0]!, district: 'Centrum', wasteType: 'residual', deviceId: 'd', fillPct: 97, temperatureC: 10, batteryPct: 80, flags: [], measuredAt: new Date().toISOString() });
      const list = await call<Alert[]>(`${gw.url}/api/alerts`, { token: tokens.viewer });
      const alert = list.body.find((a) => a.cause === 'container_full')!;
      expect(alert).toMatchObject({ status: 'open', containerId: ids[0] });
      expect((await call(`${gw.url}/api/alerts/${alert.id}/acknowledge`, { token: tokens.viewer, body: {} })).status).toBe(403);
      expect((await call(`${gw.url}/api/alerts/${alert.id}/acknowledge`, { token: tokens.operator, body: { note: 'seen' } })).body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'operator1' });
      expect((await call(`${gw.url}/api/alerts/${alert.id}/resolve`, { token: tokens.planner, body: { note: 'emptied by hand' } })).body).toMatchObject({ status: 'resolved', resolution: 'manual' });
      expect((await call(`${gw.url}/api/alerts/${alert.id}/resolve`, { token: tokens.planner, body: {} })).status).toBe(409);
      const detail = await call<{ history: Array<{ change: string; by: string }> }>(`${gw.url}/api/alerts/${alert.id}`, { token: tokens.viewer });
      expect(detail.body.history.map((h) => `${h.change}:${h.by}`)).toEqual(['opened:system', 'acknowledged:operator1', 'resolved:planner1']);
      expect(events.filter((e) => e.name === 'alert.changed').map((e) => (e.payload as { change: string }).change)).toEqual(['opened', 'acknowledged', 'resolved']);
      expect((await call(`${gw.url}/api/alerts?district=Centrum`, { token: tokens.noord })).status).toBe(403);
    });

    it('lets an admin set district thresholds and manage webhooks', async () => {
      expect((await call(`${gw.url}/api/alert-settings/Noord`, { method: 'PUT', token: tokens.planner, body: { fullPct: 80 } })).status).toBe(403);
      const saved = await call(`${gw.url}/api/alert-settings/Noord`, { method: 'PUT', token: tokens.admin, body: { fullPct: 80, overflowRisk: null } });
      expect(saved.body).toMatchObject({ effective: { fullPct: 80, batteryLowPct: 15 }, overrides: { fullPct: 80 } });
      const hook = await call<{ id: string }>(`${gw.url}/api/webhooks`, { token: tokens.admin, body: { url: 'https://example.invalid/hook', secret: 'sixteen-chars-secret', causes: ['temperature_high'] } });
      expect(hook.status).toBe(201);
      expect((await call(`${gw.url}/api/webhooks`, { token: tokens.admin, body: { url: 'ftp://x', secret: 'sixteen-chars-secret' } })).body).toMatchObject({ field: 'url' });
      expect((await call(`${gw.url}/api/webhooks/${hook.body.id}/deliveries`, { token: tokens.admin })).body).toEqual([]);
      expect((await call(`${gw.url}/api/webhooks/${hook.body.id}`, { method: 'DELETE', token: tokens.admin })).status).toBe(204);
    });
  });

  describe('plans, planner edits and driver feedback', () => {
    let planId: string;
    beforeAll(async () => {
      const { plan } = await new PlansRepository(scratch.db).publish(centrumPlan(today, [ids[0]!, ids[2]!]));
      planId = plan.id;
    });

    it('lists today\'s plans and serves a plan with the why of every stop', async () => {
      const list = await call<Array<{ id: string; routes: Array<{ room: string; containers: number }> }>>(`${gw.url}/api/plans`, { token: tokens.viewer });
      expect(list.body).toEqual([expect.objectContaining({ id: planId, routes: [expect.objectContaining({ room: `route:truck-1:${today}`, containers: 2 })] })]);
      const plan = await call<{ routes: Array<{ stops: Array<{ kind: string; why: { category: string } | null }> }> }>(`${gw.url}/api/plans/${planId}`, { token: tokens.viewer });
      expect(plan.body.routes[0]!.stops.filter((s) => s.kind === 'container').map((s) => s.why?.category)).toEqual(['must', 'must']);
      expect((await call(`${gw.url}/api/plans?district=Centrum`, { token: tokens.noord })).status).toBe(403);
    });

    it('exports a plan as GeoJSON, GPX and CSV', async () => {
      const geo = await call<{ type: string; features: unknown[] }>(`${gw.url}/api/plans/${planId}/export/geojson`, { token: tokens.viewer });
      expect(geo.headers.get('content-type')).toContain('application/geo+json');
      expect(geo.body.type).toBe('FeatureCollection');
      const gpx = await call<string>(`${gw.url}/api/plans/${planId}/export/gpx?vehicleId=truck-1`, { token: tokens.viewer });
      expect(gpx.body).toContain('<gpx version="1.1"');
      const csv = await call<string>(`${gw.url}/api/plans/${planId}/export/csv`, { token: tokens.viewer });
      expect(csv.body.split('\r\n')[0]).toMatch(/^plan_id,shift_date/);
      expect((await call(`${gw.url}/api/plans/${planId}/export/kml`, { token: tokens.viewer })).body).toMatchObject({ field: 'format' });
    });

    it('takes a planner edit with a reason, logs it and tells the planner; refuses it for a viewer', async () => {
      const edit = { containerId: ids[1], action: 'add', reason: 'market on Saturday', shiftDate: today };
      expect((await call(`${gw.url}/api/plan-edits`, { token: tokens.viewer, body: edit })).status).toBe(403);
      expect((await call(`${gw.url}/api/plan-edits`, { token: tokens.planner, body: { ...edit, reason: '' } })).body).toMatchObject({ field: 'reason' });
      const made = await call<{ id: string; district: string; by: string }>(`${gw.url}/api/plan-edits`, { token: tokens.planner, body: edit });
      expect(made).toMatchObject({ status: 201, body: { district: 'Centrum', by: 'planner1' } });
      expect(events).toContainEqual({ name: 'planner.edit', payload: expect.objectContaining({ editId: made.body.id, action: 'add', reason: 'market on Saturday', shiftDate: today }) });
      const listed = await call<Array<{ id: string }>>(`${gw.url}/api/plan-edits?district=Centrum&shiftDate=${today}`, { token: tokens.viewer });
      expect(listed.body.map((e) => e.id)).toContain(made.body.id);
      expect((await call(`${gw.url}/api/plan-edits`, { token: tokens.noord, body: edit })).status).toBe(403);
    });

    it('publishes driver feedback from an operator', async () => {
      const res = await call(`${gw.url}/api/feedback`, { token: tokens.operator, body: { containerId: ids[0], kind: 'emptied', observedFillPct: 85, vehicleId: 'truck-1', planId } });
      expect(res.status).toBe(201);
      expect(events).toContainEqual({ name: 'driver.feedback', payload: expect.objectContaining({ containerId: ids[0], kind: 'emptied', observedFillPct: 85 }) });
      expect((await call(`${gw.url}/api/feedback`, { token: tokens.planner, body: { containerId: ids[0], kind: 'blocked' } })).status).toBe(403);
      expect((await call(`${gw.url}/api/feedback`, { token: tokens.operator, body: { containerId: ids[0], kind: 'blocked', observedFillPct: 20 } })).body).toMatchObject({ field: 'observedFillPct' });
    });
  });

  describe('open data', () => {
    it('is readable without login as CSV, GeoJSON and NGSI-LD, with nothing personal in it', async () => {
      const tomorrow = localDateOf(Date.now() + 86_400_000, 'Europe/Amsterdam');
      await new PlansRepository(scratch.db).publish(centrumPlan(tomorrow, [ids[2]!]));
      const geo = await call<{ features: Array<{ properties: Record<string, unknown> }> }>(`${gw.url}/api/open-data/containers.geojson`);
      expect(geo.status).toBe(200);
      expect(geo.body.features.length).toBeGreaterThanOrEqual(6);
      const text = JSON.stringify(geo.body);
      expect(text).not.toMatch(/deviceId|rest-d\d|operator1|truck-1|password/);
      const csv = await call<string>(`${gw.url}/api/open-data/containers.csv`);
      expect(csv.body.split('\r\n')[0]).toBe(
        'id,external_ref,lng,lat,district,address,waste_type,container_type,volume_l,fill_pct,fill_measured_at,fill_avg_pct_30d,fill_max_pct_30d,full_days_30d,emptyings_30d,emptyings_per_week,last_emptied_at,next_visit_at,status',
      );
      const districts = await call<{ districts: Array<{ district: string; containers: number }> }>(`${gw.url}/api/open-data/districts.json`);
      expect(districts.body.districts).toContainEqual(expect.objectContaining({ district: 'Centrum' }));
      const entities = await call<Array<Record<string, { value?: unknown }>>>(`${gw.url}/api/open-data/ngsi-ld/v1/entities?type=WasteContainer`);
      expect(entities.headers.get('content-type')).toContain('application/ld+json');
      const first = entities.body.find((e) => (e.id as unknown as string) === `urn:ngsi-ld:WasteContainer:${ids[2]}`)!;
      expect(first).toMatchObject({ type: 'WasteContainer', storedWasteKind: { value: 'other' }, category: { value: ['underground'] } });
      expect(first.nextActuationDeadline).toMatchObject({ type: 'Property', value: { '@type': 'DateTime' } });
      expect((await call(`${gw.url}/api/open-data/ngsi-ld/v1/entities?type=Vehicle`)).status).toBe(400);
    });
  });

  it('keeps an audit line for every write', async () => {
    const audit = await call<Array<{ action: string; actor: string }>>(`${gw.url}/api/audit?limit=500`, { token: tokens.admin });
    const actions = new Set(audit.body.map((a) => a.action));
    for (const action of ['user.create', 'container.create', 'container.import', 'device.upsert', 'device.bind', 'alert.acknowledge', 'alert.resolve', 'plan.edit.add', 'feedback.emptied', 'webhook.create']) {
      expect(actions).toContain(action);
    }
    expect((await call(`${gw.url}/api/audit`, { token: tokens.planner })).status).toBe(403);
  });

  it('draws district outlines under the map when there are no tiles and no road network', async () => {
    const config = await call<{ tileUrl: string | null; background: string; bounds: number[] }>(`${gw.url}/api/map/config`, { token: tokens.viewer });
    expect(config.body).toMatchObject({ tileUrl: null, background: 'districts' });
    expect(config.body.bounds).toHaveLength(4);
    const outlines = await call<{ features: Array<{ geometry: { type: string }; properties: { district: string } }> }>(`${gw.url}/api/map/background.geojson`, { token: tokens.viewer });
    expect(new Set(outlines.body.features.map((f) => f.properties.district))).toEqual(new Set(['Centrum', 'Noord', 'Oost']));
    expect(outlines.body.features.every((f) => f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon')).toBe(true);
  });

  it('publishes an OpenAPI document with every route', async () => {
    const doc = await call<{ paths: Record<string, unknown> }>(`${gw.url}/api/openapi.json`);
    for (const path of ['/api/containers', '/api/containers/import', '/api/containers/{id}/readings', '/api/plans/{id}/export/{format}', '/api/plan-edits', '/api/alerts/{id}/acknowledge', '/api/feedback', '/api/open-data/ngsi-ld/v1/entities']) {
      expect(doc.body.paths).toHaveProperty([path]);
    }
    const ui = await fetch(`${gw.url}/api/docs`);
    expect(ui.status).toBe(200);
  });
});

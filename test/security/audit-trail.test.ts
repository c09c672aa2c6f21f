import { AlertEngine, AlertsRepository, DEFAULT_THRESHOLDS, type Alert } from '@vulgraad/alerts';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { InProcessEventBus } from '@vulgraad/events';
import { PlansRepository } from '@vulgraad/planning';
import { localDateOf } from '@vulgraad/time';
import { centrumPlan, seedCity } from '../gateway/support/fixtures';
import { ADMIN_PASSWORD, call, login, type RunningGateway, startGateway } from '../gateway/support/gateway-app';
import { testPostgresUrl } from '../support/services';

jest.setTimeout(60_000);

interface AuditLine {
  at: string;
  actor: string;
  actorRole: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown>;
}

// Every planner edit, alert acknowledgement and device change made through the gateway leaves one
// audit line saying who (user and role), when (within the request) and what (target and detail).
describe('audit trail of planner edits, alert acknowledgements and device changes', () => {
  let scratch: ScratchDatabase;
  let gw: RunningGateway;
  let ids: string[];
  const tokens: Record<'admin' | 'planner' | 'operator', string> = { admin: '', planner: '', operator: '' };
  const today = localDateOf(Date.now(), 'Europe/Amsterdam');

  /** Runs a change and returns the one audit line it wrote, checked for who and when. */
  const audited = async (action: string, who: 'planner' | 'operator', change: () => Promise<{ status: number }>): Promise<AuditLine> => {
    const before = Date.now();
    const { status } = await change();
    expect(status).toBeLessThan(300);
    const after = Date.now();
    const lines = (await call<AuditLine[]>(`${gw.url}/api/audit?action=${encodeURIComponent(action)}&limit=10`, { token: tokens.admin })).body.filter((l) => Date.parse(l.at) >= before - 1000);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect({ action: line.action, actor: line.actor, actorRole: line.actorRole }).toEqual({ action, actor: `${who}1`, actorRole: who });
    expect(Date.parse(line.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(line.at)).toBeLessThanOrEqual(after + 1000);
    return line;
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'sec_audit' });
    ({ ids } = await seedCity(scratch.db, 'audit'));
    await new PlansRepository(scratch.db).publish(centrumPlan(today, [ids[0]!]));
    gw = await startGateway({ db: scratch.db, bus: new InProcessEventBus() });
    tokens.admin = await login(gw.url, 'admin', ADMIN_PASSWORD);
    for (const role of ['planner', 'operator'] as const) {
      expect((await call(`${gw.url}/api/users`, { token: tokens.admin, body: { username: `${role}1`, password: `${role}-password-1`, role } })).status).toBe(201);
      tokens[role] = await login(gw.url, `${role}1`, `${role}-password-1`);
    }
  });
  afterAll(async () => {
    await gw?.close();
    await scratch?.drop();
  });

  it('records a planner edit with the container, the shift, the action and the reason', async () => {
    let editId = '';
    const line = await audited('plan.edit.exclude', 'planner', async () => {
      const res = await call<{ id: string }>(`${gw.url}/api/plan-edits`, { token: tokens.planner, body: { containerId: ids[0], action: 'exclude', reason: 'road works on the street', shiftDate: today } });
      editId = res.body.id;
      return res;
    });
    expect(line).toMatchObject({ targetType: 'container', targetId: ids[0], detail: { editId, district: 'Centrum', shiftDate: today, reason: 'road works on the street' } });
  });

  it('records an alert acknowledgement and its resolution with the alert, its cause and the note', async () => {
    const bus = new InProcessEventBus();
    const engine = new AlertEngine(new AlertsRepository(scratch.db), { defaults: DEFAULT_THRESHOLDS, clock: { now: () => new Date() }, publish: (e) => bus.publish('alert.changed', e) });
    await engine.reload();
    await engine.onContainerState({ containerId: ids[1]!, district: 'Centrum', wasteType: 'paper', deviceId: 'd', fillPct: 98, temperatureC: 10, batteryPct: 80, flags: [], measuredAt: new Date().toISOString() });
    const alert = (await call<Alert[]>(`${gw.url}/api/alerts`, { token: tokens.operator })).body.find((a) => a.containerId === ids[1])!;
    const ack = await audited('alert.acknowledge', 'operator', () => call(`${gw.url}/api/alerts/${alert.id}/acknowledge`, { token: tokens.operator, body: { note: 'truck on its way' } }));
    expect(ack).toMatchObject({ targetType: 'alert', targetId: String(alert.id), detail: { note: 'truck on its way', cause: alert.cause, containerId: ids[1] } });
    const resolved = await audited('alert.resolve', 'planner', () => call(`${gw.url}/api/alerts/${alert.id}/resolve`, { token: tokens.planner, body: { note: 'emptied' } }));
    expect(resolved).toMatchObject({ targetType: 'alert', targetId: String(alert.id), detail: { note: 'emptied', containerId: ids[1] } });
  });

  it('records a device registered, fitted to a container and taken off it', async () => {
    let deviceId = '';
    const created = await audited('device.upsert', 'operator', async () => {
      const res = await call<{ id: string }>(`${gw.url}/api/devices`, { token: tokens.operator, body: { externalRef: 'audit-new-1', devEui: 'A1B2C3D4E5F60719', reportingIntervalS: 900 } });
      deviceId = res.body.id;
      return res;
    });
    expect(created).toMatchObject({ targetType: 'device', targetId: deviceId, detail: { externalRef: 'audit-new-1', devEui: 'A1B2C3D4E5F60719' } });
    const bound = await audited('device.bind', 'operator', () => call(`${gw.url}/api/devices/${deviceId}/bind`, { token: tokens.operator, body: { containerId: ids[2] } }));
    expect(bound).toMatchObject({ targetType: 'device', targetId: deviceId, detail: { containerId: ids[2], validFrom: expect.any(String) } });
    const unbound = await audited('device.unbind', 'operator', () => call(`${gw.url}/api/devices/${deviceId}/unbind`, { token: tokens.operator, body: {} }));
    expect(unbound).toMatchObject({ targetType: 'device', targetId: deviceId, detail: { at: expect.any(String) } });
  });
});

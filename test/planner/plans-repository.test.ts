import type { Plan } from '@vulgraad/contracts';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { activeEdits, PlannerEditsRepository, PlansRepository, DistrictSettingsRepository, defaultDistrictSettings } from '@vulgraad/planning';
import { loadConfig } from '@vulgraad/config';
import { testPostgresUrl } from '../support/services';

const plan = (trigger: string): Plan => ({
  id: 'ignored', district: 'centre', fraction: 'residual', shiftDate: '2026-03-03', version: 0, status: 'published', trigger,
  createdAt: '2026-03-02T17:00:00.000Z', solveSeconds: 1.5, distanceM: 1200, durationS: 900,
  unassigned: [{ containerId: 'c9', category: 'must', reason: 'time_exhausted: no time left' }],
  routes: [{
    id: 'r', vehicleId: 'truck-1', startAt: '2026-03-03T06:00:00.000Z', endAt: '2026-03-03T06:15:00.000Z', distanceM: 1200, durationS: 900,
    geometry: { type: 'LineString', coordinates: [[4.87, 52.36], [4.88, 52.365]] },
    stops: [
      { seq: 0, kind: 'depot_start', containerId: null, disposalSiteId: null, lng: 4.87, lat: 52.36, arriveAt: '2026-03-03T06:00:00.000Z', departAt: '2026-03-03T06:00:00.000Z', loadAfterL: 0, loadAfterKg: 0, why: null, doneAt: null },
      { seq: 1, kind: 'container', containerId: 'c1', disposalSiteId: null, lng: 4.88, lat: 52.365, arriveAt: '2026-03-03T06:05:00.000Z', departAt: '2026-03-03T06:07:30.000Z', loadAfterL: 900, loadAfterKg: 405,
        why: { category: 'must', fillNowPct: 81, predictedFillAtArrivalPct: 90, overflowRisk: 0.3, plannerDecision: null, fromHistoryOnly: false }, doneAt: null },
      { seq: 2, kind: 'depot_end', containerId: null, disposalSiteId: null, lng: 4.87, lat: 52.36, arriveAt: '2026-03-03T06:15:00.000Z', departAt: '2026-03-03T06:15:00.000Z', loadAfterL: 0, loadAfterKg: 0, why: null, doneAt: null },
    ],
  }],
});

// Scratch databases and Redis round trips are slow on a loaded two-core machine.
jest.setTimeout(60_000);

describe(PlansRepository.name, () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'planner_repo', timescale: 'off' });
  });
  afterAll(async () => scratch?.drop());

  it('stores versions, supersedes the published one and reads a plan back whole', async () => {
    const sut = new PlansRepository(scratch.db);
    const first = await sut.publish(plan('daily'), { jobKey: 'plan|centre|residual|2026-03-03|daily' });
    const second = await sut.publish(plan('vehicle.status'));
    expect([first.plan.version, second.plan.version]).toEqual([1, 2]);
    const published = await sut.published('centre', 'residual', '2026-03-03');
    expect(published).toEqual({ ...second.plan, status: 'published' });
    const versions = await sut.versions('centre', 'residual', '2026-03-03');
    expect(versions.map((v) => [v.version, v.status])).toEqual([[1, 'superseded'], [2, 'published']]);
    expect(published?.routes[0].stops[1].why?.predictedFillAtArrivalPct).toBe(90);
    expect(published?.unassigned[0].reason).toMatch(/time_exhausted/);
  });

  it('returns the stored plan instead of a new version when a job publishes twice', async () => {
    const sut = new PlansRepository(scratch.db);
    const again = await sut.publish(plan('daily'), { jobKey: 'plan|centre|residual|2026-03-03|daily' });
    expect(again.created).toBe(false);
    expect(again.plan.version).toBe(1);
    expect((await sut.versions('centre', 'residual', '2026-03-03')).length).toBe(2);
  });

  it('marks a container stop driven once', async () => {
    const sut = new PlansRepository(scratch.db);
    const open = await sut.openStopOf('c1', '2026-03-03');
    expect(open).toMatchObject({ vehicleId: 'truck-1', seq: 1, district: 'centre' });
    expect(await sut.markStopDone(open!.planId, 'c1', new Date('2026-03-03T06:07:00Z'))).toBe(true);
    expect(await sut.markStopDone(open!.planId, 'c1', new Date('2026-03-03T06:08:00Z'))).toBe(false);
    const stop = (await sut.findById(open!.planId))?.routes[0].stops[1];
    expect(stop?.doneAt).toBe('2026-03-03T06:07:00.000Z');
  });
});

describe(PlannerEditsRepository.name, () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'planner_edits', timescale: 'off' });
  });
  afterAll(async () => scratch?.drop());

  it('appends edits with who and why and refuses to change or delete them', async () => {
    const sut = new PlannerEditsRepository(scratch.db);
    await sut.append({ district: 'centre', shiftDate: '2026-03-03', containerId: 'c1', action: 'lock', vehicleId: 'truck-2', reason: 'market day', by: 'anna' });
    await sut.append({ district: 'centre', shiftDate: null, containerId: 'c2', action: 'exclude', reason: 'broken lid', by: 'bram' });
    await sut.append({ district: 'centre', shiftDate: '2026-03-04', containerId: 'c3', action: 'add', reason: 'event', by: 'anna' });
    const edits = await sut.forShift('centre', '2026-03-03');
    expect(edits.map((e) => [e.containerId, e.action, e.by])).toEqual([['c1', 'lock', 'anna'], ['c2', 'exclude', 'bram']]);
    expect(activeEdits(edits, 'centre', '2026-03-03').get('c1')?.vehicleId).toBe('truck-2');
    await expect(scratch.db.query(`UPDATE planner_edits SET reason = 'x'`)).rejects.toThrow(/append-only/);
    await expect(scratch.db.query(`DELETE FROM planner_edits`)).rejects.toThrow(/append-only/);
  });

  it('refuses an edit without a reason, naming the field', async () => {
    const sut = new PlannerEditsRepository(scratch.db);
    await expect(sut.append({ district: 'centre', shiftDate: null, containerId: 'c1', action: 'exclude', reason: ' ', by: 'anna' })).rejects.toMatchObject({ code: 'validation', field: 'reason' });
  });
});

describe(DistrictSettingsRepository.name, () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'planner_settings', timescale: 'off' });
  });
  afterAll(async () => scratch?.drop());

  it('lays stored overrides over the configured defaults', async () => {
    const sut = new DistrictSettingsRepository(scratch.db);
    const defaults = defaultDistrictSettings(loadConfig({}).planner, 'west', 'glass');
    expect(await sut.get(defaults)).toEqual(defaults);
    await sut.set('west', 'glass', { riskLevel: 0.05, collectionDays: [2, 5], vehicleIds: ['g1'] }, 'admin');
    expect(await sut.get(defaults)).toEqual({ ...defaults, riskLevel: 0.05, collectionDays: [2, 5], vehicleIds: ['g1'] });
  });

  it('keeps a district\'s collection zones, and refuses a number the planner cannot use', async () => {
    const sut = new DistrictSettingsRepository(scratch.db);
    const defaults = defaultDistrictSettings(loadConfig({}).planner, 'north', 'residual');
    expect(defaults.zoneDays).toBe(1);
    expect(defaultDistrictSettings(loadConfig({ PLANNER_ZONE_DAYS: '3' }).planner, 'north', 'residual').zoneDays).toBe(3);
    await sut.set('north', 'residual', { zoneDays: 4 }, 'admin');
    expect(await sut.get(defaults)).toEqual({ ...defaults, zoneDays: 4 });
    await expect(sut.set('north', 'residual', { zoneDays: 15 }, 'admin')).rejects.toThrow(/check constraint/);
  });
});

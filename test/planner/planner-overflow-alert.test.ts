import { ReadingsRepository } from '@vulgraad/database';
import { background, sawtoothReadings, startPlanner, type PlannerHarness } from './harness';

describe('planner: an overflow alert during the shift', () => {
  let h: PlannerHarness;
  beforeAll(async () => {
    h = await startPlanner({
      name: 'alert',
      nowIso: '2026-03-02T17:00:00Z',
      containers: [...background(12), { id: 'surprise', lng: 4.889, lat: 52.368, ratePctPerH: 0.1, fillNowPct: 5 }],
    });
    const daily = await h.replans.requestDaily('residual', '2026-03-03');
    await h.waitForJob(daily.jobId);
    h.clock.set('2026-03-03T08:00:00Z');
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  it('re-plans today when a container that is not on a route reports full, and takes it', async () => {
    const before = await h.plans.published('centre', 'residual', '2026-03-03');
    expect(before?.routes.flatMap((r) => r.stops).some((s) => s.containerId === 'surprise')).toBe(false);
    // Someone dumped a load: the ingest stored a 97 % reading, then the alert rules opened an alert.
    const [reading] = sawtoothReadings({ id: 'surprise', lng: 0, lat: 0, ratePctPerH: 0, fillNowPct: 97 }, Date.parse('2026-03-03T07:55:00Z'), 1 / 24);
    await new ReadingsRepository(h.scratch.db).insertBatch([{ ...reading, seq: 9999 }]);
    await h.bus.publish('alert.changed', {
      alertId: 'a1', containerId: 'surprise', district: 'centre', cause: 'container_full', status: 'open', change: 'opened', message: 'full', at: '2026-03-03T08:00:00Z',
    });
    const published = await h.waitForEvent('plan.published', (e) => e.version === 2);
    expect(published.trigger).toBe('alert.changed container_full surprise');
    const after = await h.plans.published('centre', 'residual', '2026-03-03');
    const stop = after?.routes.flatMap((r) => r.stops).find((s) => s.containerId === 'surprise');
    expect(stop?.why?.category).toBe('must');
    expect(Date.parse(stop?.arriveAt as string)).toBeGreaterThanOrEqual(Date.parse('2026-03-03T08:00:00Z'));
  }, 60_000);

  it('leaves the plan alone for an alert that is not about filling up', async () => {
    await h.bus.publish('alert.changed', {
      alertId: 'a2', containerId: 'bg-03', district: 'centre', cause: 'battery_low', status: 'open', change: 'opened', message: 'battery', at: '2026-03-03T08:05:00Z',
    });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect((await h.plans.published('centre', 'residual', '2026-03-03'))?.version).toBe(2);
  }, 60_000);
});

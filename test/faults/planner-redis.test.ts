import { randomBytes } from 'node:crypto';
import { ContainersRepository, createScratchDatabase, DepotsRepository, DisposalSitesRepository, ReadingsRepository, type ScratchDatabase, VehiclesRepository } from '@vulgraad/database';
import { BullMqJobRunner } from '@vulgraad/jobs';
import { localDateOf } from '@vulgraad/time';
import { PLANNER_QUEUE } from '../../apps/planner/src/planner.tokens';
import { dailyJobKey } from '../../apps/planner/src/replan.coordinator';
import { background, sawtoothReadings } from '../planner/harness';
import { type AppProcess, sleep, spawnApp, waitFor } from './support/app-process';
import { type PrivateService, startPrivateRedis } from './support/private-services';
import { recordScenario } from './support/scenario-record';
import { testPostgresUrl } from '../support/services';

const DISTRICTS = ['north', 'south', 'east', 'west'];

/** The next `count` Mondays to Fridays after today in Amsterdam: collection days in the default settings. */
function nextWeekdays(count: number): string[] {
  const out: string[] = [];
  for (let days = 1; out.length < count; days++) {
    const atMs = Date.now() + days * 86_400_000;
    const weekday = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', weekday: 'short' }).format(atMs);
    if (!['Sat', 'Sun'].includes(weekday)) out.push(localDateOf(atMs, 'Europe/Amsterdam'));
  }
  return out;
}

// Two planner processes work the same BullMQ queue on a Redis of the test's own.
// Every shift's fleet plan (all districts, one route per truck) is computed by exactly one of them; then Redis is
// restarted while a plan is being computed, and that job completes once Redis is back.
describe('fault: planner replicas on one BullMQ queue, and Redis restarted during planning', () => {
  let scratch: ScratchDatabase;
  let redis: PrivateService;
  let jobs: BullMqJobRunner;
  const planners: AppProcess[] = [];
  const prefix = `vgfaults-${randomBytes(4).toString('hex')}`;
  const SHIFTS = nextWeekdays(4);
  const shiftDate = SHIFTS[0] as string;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'faults_planner', timescale: 'off' });
    redis = await startPrivateRedis();
    const db = scratch.db;
    const nowMs = Date.now();
    const containers = DISTRICTS.flatMap((district, d) => background(18).map((c) => ({ ...c, id: `${district}-${c.id}`, district, lat: c.lat + d * 0.02 })));
    await new ContainersRepository(db).upsert(containers.map((c) => ({ id: c.id, lng: c.lng, lat: c.lat, district: c.district, wasteType: 'residual' as const, volumeL: 3000, depthMm: 2000 })));
    const readings = new ReadingsRepository(db);
    for (const c of containers) await readings.insertBatch(sawtoothReadings(c, nowMs, 7));
    await new DepotsRepository(db).upsert({ id: 'depot-1', name: 'Depot', lng: 4.87, lat: 52.36, address: null });
    await new DisposalSitesRepository(db).upsert({ id: 'site-1', name: 'Incinerator', lng: 4.83, lat: 52.405, address: null, fractions: ['residual'], openFromMin: 0, openToMin: 1440, serviceTimeS: 900 });
    for (let k = 1; k <= 2; k++) {
      await new VehiclesRepository(db).upsert({
        id: `truck-${k}`, name: `Truck ${k}`, depotId: 'depot-1', capacityL: 20_000, capacityKg: 10_000, fractions: ['residual'], equipment: ['underground'],
        speedFactor: 1, costPerKm: 0, costPerHour: 0, shiftStartMin: 420, shiftEndMin: 930, maxRouteDurationS: null,
      });
    }
    jobs = new BullMqJobRunner({ redisUrl: redis.url, prefix, onError: () => undefined });
  }, 120_000);
  afterAll(async () => {
    for (const p of planners) await p.kill('SIGKILL');
    await jobs?.close().catch(() => undefined);
    await redis?.destroy();
    await scratch?.drop();
  }, 60_000);

  const env = {
    PLANNER_QUEUE_PREFIX: prefix,
    PLANNER_TIME_BUDGET_S: '3',
    PLANNER_BREAK_MIN: '0',
    PLANNER_JOB_BACKOFF_MS: '500',
    DISTANCES_PROVIDER: 'straight',
    DB_MAINTENANCE_INTERVAL_S: '0',
    DB_MIGRATE_ON_START: 'false',
  };
  // Only the test's shifts count: between midnight and the shift a planner that starts also plans today's shift on its own.
  const ofTestShifts = (l: { msg?: unknown; planId?: unknown }): boolean =>
    l.msg === 'plan published' && typeof l.planId === 'string' && SHIFTS.some((shift) => (l.planId as string).includes(shift));
  const publishedBy = (p: AppProcess): number => p.logs.filter(ofTestShifts).length;
  const published = (): number => planners.reduce((n, p) => n + publishedBy(p), 0);
  const storedPlans = async (): Promise<Array<{ shiftDate: string; versions: number }>> =>
    (await scratch.db.query<{ shiftDate: string; versions: number }>(
      'SELECT shift_date::text AS "shiftDate", count(*)::int AS versions FROM plans WHERE shift_date = ANY($1::date[]) GROUP BY shift_date ORDER BY shift_date', [SHIFTS],
    )).rows;

  it('computes each shift\'s fleet plan once across two planner processes', async () => {
    for (const label of ['planner-a', 'planner-b']) planners.push(await spawnApp('planner', { ...env, DATABASE_URL: scratch.url, REDIS_URL: redis.url }, { label }));
    const before = published();
    // Both processes (and a scheduler run) may ask for the same shift: the job id is the idempotency key.
    for (let round = 0; round < 2; round++) {
      for (const shift of SHIFTS) {
        await jobs.add(PLANNER_QUEUE, 'daily', { district: 'fleet', fraction: 'residual', shiftDate: shift, trigger: 'daily' }, { jobId: dailyJobKey('residual', shift), attempts: 3, backoffMs: 500 });
      }
    }
    await waitFor(async () => (await storedPlans()).length === SHIFTS.length && published() - before >= SHIFTS.length, 180_000, 'a plan per shift');
    await sleep(1000);
    const computations = published() - before;
    const perProcess = planners.map(publishedBy);
    const plans = await storedPlans();
    recordScenario({
      scenario: 'two planner workers',
      lost: SHIFTS.length - plans.length,
      duplicated: computations - SHIFTS.length + plans.reduce((n, p) => n + p.versions - 1, 0),
      details: { shifts: SHIFTS.length, computations, perProcess },
    });
    expect(plans).toEqual([...SHIFTS].sort().map((shift) => ({ shiftDate: shift, versions: 1 })));
    expect(computations).toBe(SHIFTS.length);
    // The work was shared: both processes computed plans.
    expect(perProcess.every((n) => n > 0)).toBe(true);
  }, 240_000);

  it('completes a planning job that was running when Redis restarted', async () => {
    const jobId = `replan|north|residual|${shiftDate}|redis-restart`;
    await jobs.add(PLANNER_QUEUE, 'replan', { district: 'north', fraction: 'residual', shiftDate, trigger: 'redis restart test' }, { jobId, attempts: 3, backoffMs: 500 });
    await waitFor(async () => (await jobs.getJob(PLANNER_QUEUE, jobId))?.state === 'active', 60_000, 'the job running');
    const before = published();
    await redis.stop();
    await sleep(3000);
    await redis.start();
    let state = 'unknown';
    await waitFor(async () => {
      state = (await jobs.getJob(PLANNER_QUEUE, jobId))?.state ?? 'missing';
      return state === 'completed' || state === 'failed';
    }, 120_000, 'the job finished').catch(() => undefined);
    const versions = (await storedPlans()).find((p) => p.shiftDate === shiftDate)?.versions ?? 0;
    recordScenario({
      scenario: 'Redis restarted during planning',
      lost: state === 'completed' ? 0 : 1,
      duplicated: Math.max(0, published() - before - 1),
      details: { state, computations: published() - before, northVersions: versions },
    });
    expect(state).toBe('completed');
    // The re-plan stored one new version: computed once even though Redis went away under it.
    expect(versions).toBe(2);
    expect(published() - before).toBe(1);
  }, 240_000);
});

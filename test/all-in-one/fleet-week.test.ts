import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { checkPublishedDay, type DayCheck } from '@vulgraad/planning';
import { testPostgresUrl } from '../support/services';
import { type AllInOneProcess, startAllInOneProcess } from './support/all-in-one-process';
import { eventually } from './support/api';

const SHIFTS = 4;

// `npm start` on the machine's PostgreSQL, run over several simulated days: the simulated trucks drive
// the published plans, faults raise alerts that re-plan. Every published day is then read back from
// the database and checked apart from the planner: no truck booked twice, no route past its shift,
// no overloaded trip, no must lost.
describe('npm start over several simulated days: every published day is drivable', () => {
  let scratch: ScratchDatabase;
  let current: AllInOneProcess | null = null;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'fleet_week', migrate: false });
  });
  afterAll(async () => {
    current?.kill();
    await scratch?.drop();
  });

  it(`checks ${SHIFTS} days of fleet plans with zero violations`, async () => {
    current = await startAllInOneProcess({
      DATABASE_URL: scratch.url,
      MQTT_URL: '',
      REDIS_URL: '',
      GATEWAY_PORT: '0',
      EMBEDDED_MQTT_PORT: '0',
      INGEST_CLIENT_ID: `vgtest-fleet-week-${Date.now().toString(36)}`,
      DEMO_CONTAINERS: '150',
      // Three districts that share trucks: the generated city (the shipped Amsterdam extract has two).
      DEMO_CITY: 'generated',
      DEMO_DISTRICTS: '3',
      DEMO_FRACTIONS: 'residual,paper',
      DEMO_SPEED: '3000',
      DEMO_SENSOR_INTERVAL_MIN: '60',
      PLANNER_TIME_BUDGET_S: '1',
      LOG_LEVEL: 'warn',
    });
    const shifts = async (): Promise<string[]> =>
      (await scratch.db.query<{ d: string }>("SELECT DISTINCT shift_date::text AS d FROM plans WHERE status = 'published' ORDER BY d")).rows.map((r) => r.d);
    await eventually(`published plans for ${SHIFTS + 1} shifts`, async () => ((await shifts()).length > SHIFTS ? true : null), 540_000);
    expect(await current.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    current = null;

    const days = await shifts();
    const checks: DayCheck[] = [];
    for (const day of days) checks.push(await checkPublishedDay(scratch.db, day, { timeZone: 'Europe/Amsterdam', defaultCompactionFactor: 3 }));
    expect(checks.flatMap((c) => c.problems)).toEqual([]);
    for (const check of checks) {
      expect(check).toMatchObject({ doubleBooked: 0, overShift: 0, overloaded: 0, mustMissed: 0, timeline: 0 });
    }
    // A day on which no container needs a truck has no routes (seen: a residual day with no musts after two heavy
    // ones); the days with musts have routes, and a must no route serves is listed with a reason (mustMissed above).
    expect(checks.reduce((sum, check) => sum + check.routes, 0)).toBeGreaterThan(0);
    const withMusts = await scratch.db.query<{ plan: string; routes: number }>(`
      SELECT p.id AS plan, (SELECT count(*)::int FROM plan_routes r WHERE r.plan_id = p.id) AS routes
        FROM plans p WHERE p.status = 'published' AND cardinality(p.must_ids) > 0`);
    expect(withMusts.rows.filter((r) => r.routes > 0).length).toBeGreaterThan(0);
    // Re-plans happened (trucks reported stops, alerts), and every truck has one route a fraction and day.
    const { rows } = await scratch.db.query<{ versions: number; doubled: number }>(`
      SELECT (SELECT count(*)::int FROM plans WHERE version > 1) AS versions,
             (SELECT count(*)::int FROM (SELECT p.shift_date, r.vehicle_id FROM plan_routes r JOIN plans p ON p.id = r.plan_id
               WHERE p.status = 'published' GROUP BY 1, 2 HAVING count(*) > 1) x) AS doubled`);
    expect(rows[0]?.doubled).toBe(0);
    expect(rows[0]?.versions).toBeGreaterThan(0);
  }, 600_000);
});

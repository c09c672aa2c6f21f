/**
 * Plans one residual shift for the whole city: Amsterdam's 6,308 Rest
 * clusters (simulators/city-model: real locations, fill rates from the
 * city's weighings) in its 7 districts, on the whole-city road graph
 * (../shared/data/amsterdam/roads/citywide_osm2009), 22 crane trucks that
 * may cross district borders (each based at the Afvalpunt nearest the
 * district it is sized for), the AEB plant as the one disposal site,
 * 07:00-15:30 shifts with a 30-minute break; the day's stops chosen by the
 * planner as usual (must / worth it with the PLANNER_* defaults). One fleet
 * plan: one route per truck.
 *
 *   npm run bench:fleet [-- --budget=25 --seed=1 --days=14 --cold=1]
 *
 * History: the city-model deposit engine runs `days` days with weekday
 * rounds emptying clusters at 75 % (fullest first, as many pits as 22
 * trucks take), sensors report hourly with 2-point noise. The planner's
 * forecast models are kept warm as the planner service keeps them
 * (FillModelCache): fitted up to the day before outside the timing, and the
 * last day's readings are folded in inside it. `--cold=1` fits every model
 * from the whole history inside the timing instead (a planner's first plan).
 *
 * `seconds` = wall time from the forecast to the published plans: folding
 * the last day into the models, choosing, the road matrix over the stops
 * offered (cold), the solver, route geometry, and publishing the plan into a
 * scratch PostgreSQL database (TEST_DATABASE_URL). Not in it: loading and
 * contracting the road graph (process start), simulating the history, the
 * check. The four counts come from the independent check of the published
 * day (libs/planning/src/check), which reads the plan back from the database.
 *
 * Last line: `fleet containers=<n> districts=<n> vehicles=<n> stops=<n> seconds=<s> km=<x> double_booked=<n> over_shift=<n> overloaded=<n> must_missed=<n>`
 */
import { loadavg } from 'node:os';
import { sharedPath } from '@vulgraad/config';
import { FLEET_SCOPE } from '@vulgraad/contracts';
import { DepositEngine, loadAmsterdamCity, type CityContainer } from '@vulgraad/city-model';
import { ContainersRepository, createScratchDatabase, DepotsRepository, DisposalSitesRepository, VehiclesRepository } from '@vulgraad/database';
import { haversineM, RoadGraphProvider } from '@vulgraad/distances';
import { seededRandom, type FillObservation } from '@vulgraad/forecasting';
import {
  checkPublishedDay, DistrictSettingsRepository, FillModelCache, planFleetShift, PlansRepository,
  type DistrictSettings, type PlanningSite, type PlanningVehicle,
} from '@vulgraad/planning';
import { LocalWeekClock, localTimeMs } from '@vulgraad/time';
import { solve } from '@vulgraad/routing';

const arg = (name: string, fallback: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const BUDGET_S = arg('budget', 25);
const SEED = arg('seed', 1);
const HISTORY_DAYS = arg('days', 14);
const COLD = arg('cold', 0) === 1;
const TRUCKS = 22;
const TIME_ZONE = 'Europe/Amsterdam';
const HOUR_MS = 3_600_000;
/** Monday 2026-03-16; the plan is made at 18:00 for Tuesday's shift. */
const HISTORY_END_DATE = '2026-03-16';
const SHIFT_DATE = '2026-03-17';
const DAILY_TRUCK_PITS = 60;
const BODY_L = 22_000;
const COMPACTION = 4;
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const secondsSince = (t: number): number => (performance.now() - t) / 1000;

async function main(): Promise<void> {
  const graphPath = sharedPath('data', 'amsterdam', 'roads', 'citywide_osm2009');
  if (!graphPath || !sharedPath('data', 'amsterdam', 'containers', 'rest_clusters_2020-2021.csv')) {
    console.log('fleet skipped: the shared Amsterdam data (../shared/data/amsterdam) is absent');
    return;
  }
  console.log(`machine: ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const city = loadAmsterdamCity({ seed: SEED });
  const containers: CityContainer[] = city.containers;
  const districtIds = [...new Set(containers.map((c) => c.district))].sort();
  const aeb = city.disposalSites[0] as PlanningSite;
  const disposalSites: PlanningSite[] = [{ ...aeb, fractions: ['residual'], serviceTimeS: 900 }];

  // Trucks: sized per district by its pits, each based at the Afvalpunt nearest that district's middle, free to cross borders.
  const pitsOf = (d: string): number => containers.filter((c) => c.district === d).reduce((s, c) => s + c.pitCount, 0);
  const totalPits = districtIds.reduce((s, d) => s + pitsOf(d), 0);
  const shares = districtIds.map((d) => (pitsOf(d) / totalPits) * TRUCKS);
  const counts = shares.map((s) => Math.max(1, Math.floor(s)));
  while (counts.reduce((a, b) => a + b, 0) < TRUCKS) {
    const k = shares.map((s, i) => s - (counts[i] as number)).reduce((best, v, i, all) => (v > (all[best] as number) ? i : best), 0);
    counts[k] = (counts[k] as number) + 1;
  }
  const vehicles: PlanningVehicle[] = [];
  const depotsUsed = new Map<string, PlanningSite>();
  for (const [i, d] of districtIds.entries()) {
    const own = containers.filter((c) => c.district === d);
    const middle = { lng: own.reduce((s, c) => s + c.lng, 0) / own.length, lat: own.reduce((s, c) => s + c.lat, 0) / own.length };
    const depot = [...city.depots].sort((a, b) => haversineM(a.lng, a.lat, middle.lng, middle.lat) - haversineM(b.lng, b.lat, middle.lng, middle.lat))[0] as PlanningSite;
    depotsUsed.set(depot.id, depot);
    for (let k = 0; k < (counts[i] as number); k++) {
      vehicles.push({
        id: `crane-${vehicles.length + 1}`, depotId: depot.id, capacityL: BODY_L, capacityKg: 11_000, compactionFactor: COMPACTION, fractions: ['residual'],
        equipment: ['underground'], shiftStartMin: 420, shiftEndMin: 930, costPerKm: 1.5, costPerHour: 45,
      });
    }
  }
  const depots = [...depotsUsed.values()];
  console.log(`city: ${containers.length} clusters (${totalPits} pits) in ${districtIds.length} districts; ${vehicles.length} trucks (${counts.join(', ')} sized per district) at ${depots.length} depots; disposal ${aeb.name ?? aeb.id}`);

  // History: deposits, weekday rounds at 75 %, hourly noisy readings.
  const tHistory = performance.now();
  const endMs = localTimeMs(HISTORY_END_DATE, 18 * 60, TIME_ZONE);
  const startMs = endMs - HISTORY_DAYS * 24 * HOUR_MS;
  const warmUntilMs = endMs - 24 * HOUR_MS;
  const engine = new DepositEngine(containers, TIME_ZONE, { seed: SEED, start: new Date(startMs), initialFill: 'random', maxInitialFill: 0.7 });
  const random = seededRandom(SEED * 7919);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const early = { readings: new Map<string, FillObservation[]>(), collections: new Map<string, Array<{ atMs: number; observedFillPct: number | null }>>() };
  const late = { readings: new Map<string, FillObservation[]>(), collections: new Map<string, Array<{ atMs: number; observedFillPct: number | null }>>() };
  for (const c of containers) {
    for (const part of [early, late]) {
      part.readings.set(c.id, []);
      part.collections.set(c.id, []);
    }
  }
  let readingCount = 0;
  const localClock = LocalWeekClock.for(TIME_ZONE);
  for (let t = startMs + HOUR_MS; t <= endMs; t += HOUR_MS) {
    engine.advanceTo(t);
    const part = t <= warmUntilMs ? early : late;
    if (localClock.hourOf(t) === 10 && localClock.weekdayOf(t) < 5) {
      const due = containers.map((c) => ({ c, fill: engine.state(c.id).fillPct })).filter((x) => x.fill >= 75).sort((a, b) => b.fill - a.fill);
      let budget = TRUCKS * DAILY_TRUCK_PITS;
      for (const { c, fill } of due) {
        if (budget < c.pitCount) continue;
        budget -= c.pitCount;
        engine.empty(c.id, t);
        if (random() < 0.5) part.collections.get(c.id)?.push({ atMs: t, observedFillPct: Math.round(fill) });
      }
    }
    for (const c of containers) {
      part.readings.get(c.id)?.push({ atMs: t, fillPct: Math.max(0, Math.min(100, engine.state(c.id).fillPct + 2 * gauss())) });
      readingCount++;
    }
  }
  const ids = containers.map((c) => c.id);
  const models = new FillModelCache({ timeZone: TIME_ZONE });
  if (!COLD) models.update(ids, early, warmUntilMs);
  console.log(`history: ${HISTORY_DAYS} days, ${readingCount} readings; ${COLD ? 'models fitted cold inside seconds' : 'models warm up to the day before'}; ${secondsSince(tHistory).toFixed(1)} s (not in seconds)`);

  // Road graph: loaded and contracted once per process start.
  const tGraph = performance.now();
  const road = await RoadGraphProvider.fromFile(graphPath);
  road.prepare();
  console.log(`road graph: load and contraction ${secondsSince(tGraph).toFixed(1)} s (start-up, not in seconds)`);

  // The store the plan is published to, and that the check reads.
  const scratch = await createScratchDatabase(DATABASE_URL, { prefix: 'bench_fleet', timescale: 'off' });
  try {
    const db = scratch.db;
    for (const d of depots) await new DepotsRepository(db).upsert({ id: d.id, name: d.name ?? d.id, lng: d.lng, lat: d.lat, address: null });
    await new DisposalSitesRepository(db).upsert({ id: aeb.id, name: aeb.name ?? aeb.id, lng: aeb.lng, lat: aeb.lat, address: null, fractions: ['residual'], openFromMin: 0, openToMin: 1440, serviceTimeS: 900 });
    const vehiclesRepo = new VehiclesRepository(db);
    const settingsRepo = new DistrictSettingsRepository(db);
    for (const v of vehicles) {
      await vehiclesRepo.upsert({
        id: v.id, name: v.id, depotId: v.depotId, capacityL: v.capacityL, capacityKg: v.capacityKg, fractions: [...v.fractions], equipment: [...v.equipment],
        speedFactor: 1, costPerKm: v.costPerKm ?? 0, costPerHour: v.costPerHour ?? 0, shiftStartMin: 420, shiftEndMin: 930, maxRouteDurationS: null,
      });
      await settingsRepo.setCompactionFactor(v.id, COMPACTION);
    }
    await new ContainersRepository(db).upsert(containers.map((c) => ({
      id: c.id, lng: c.lng, lat: c.lat, district: c.district, wasteType: 'residual' as const, containerType: c.containerType, volumeL: c.volumeL, depthMm: c.depthMm, accessWindow: c.accessWindow,
    })));

    const districts: DistrictSettings[] = districtIds.map((district) => ({
      district, fraction: 'residual', riskLevel: 0.1, worthFillPct: 60, worthPrize: 6, worthMaxDetourM: 1500, collectionDays: [1, 2, 3, 4, 5],
      shiftStartMin: 420, shiftEndMin: 930, breakMin: 30, cutoffMin: 1080, serviceTimeS: 150, timeBudgetS: BUDGET_S, vehicleIds: null,
    }));

    // Timed: forecast (the last day folded in) to the published plan.
    const t0 = performance.now();
    if (COLD) models.update(ids, early, warmUntilMs);
    const warm = models.update(ids, late, endMs);
    const tFold = performance.now();
    const result = await planFleetShift(
      {
        scope: FLEET_SCOPE, fraction: 'residual', shiftDate: SHIFT_DATE, timeZone: TIME_ZONE, nowMs: endMs, districts,
        containers: containers.map((c) => ({ container: c, model: warm.get(c.id) })),
        vehicles, depots, disposalSites, densityKgPerL: 0.15, defaultCompactionFactor: COMPACTION, trigger: 'daily',
      },
      { matrix: road, solve, seed: SEED, timeBudgetMs: BUDGET_S * 1000 },
    );
    const tPlan = performance.now();
    const { plan } = await new PlansRepository(db).publish(result.plan, { jobKey: `bench|${SHIFT_DATE}` });
    const seconds = secondsSince(t0);
    const publishS = secondsSince(tPlan);

    const { decisions, timings } = result;
    const count = (category: string): number => decisions.filter((d) => d.category === category).length;
    const stops = plan.routes.reduce((n, r) => n + r.stops.filter((s) => s.kind === 'container').length, 0);
    console.log(`choose: ${count('must')} must, ${count('worth')} worth offered, ${count('waits')} wait; ${stops} stops planned`);
    for (const route of plan.routes) {
      const n = route.stops.filter((s) => s.kind === 'container').length;
      const trips = route.stops.filter((s) => s.kind === 'disposal').length;
      console.log(`  ${route.vehicleId}: ${n} stops in ${(route.districts ?? []).join('+')}, ${trips} unloadings, ${(route.distanceM / 1000).toFixed(1)} km, ${route.startAt.slice(11, 16)}-${route.endAt.slice(11, 16)} UTC`);
    }
    const crossing = plan.routes.filter((r) => (r.districts ?? []).length > 1).length;
    console.log(`routes: ${plan.routes.length} (one per truck), ${crossing} cross a district border; unplaced musts: ${result.mustMissed}`);
    console.log(
      `timings (s): forecast ${COLD ? 'fit' : 'fold'} ${((tFold - t0) / 1000).toFixed(1)}, forecast ${(timings.forecastMs / 1000).toFixed(1)}, choose ${(timings.chooseMs / 1000).toFixed(2)}, matrix ${(timings.matrixMs / 1000).toFixed(1)} (cold), solve ${(timings.solveMs / 1000).toFixed(1)} (budget ${BUDGET_S}), geometry ${(timings.geometryMs / 1000).toFixed(1)}, publish ${publishS.toFixed(1)}; total ${seconds.toFixed(1)}`,
    );

    const check = await checkPublishedDay(db, SHIFT_DATE, { timeZone: TIME_ZONE, defaultCompactionFactor: COMPACTION });
    console.log(`check: ${check.plans} plans, ${check.routes} routes, ${check.stops} stops; ${check.mustUnplaced} musts listed as unplaced with a reason; ${check.timeline} timeline faults${check.problems.length > 0 ? `\n  ${check.problems.slice(0, 10).join('\n  ')}` : ''}`);
    console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(
      `fleet containers=${containers.length} districts=${districtIds.length} vehicles=${vehicles.length} stops=${stops} seconds=${seconds.toFixed(1)} km=${(plan.distanceM / 1000).toFixed(1)} double_booked=${check.doubleBooked} over_shift=${check.overShift} overloaded=${check.overloaded} must_missed=${check.mustMissed}`,
    );
  } finally {
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

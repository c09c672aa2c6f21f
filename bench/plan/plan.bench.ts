/**
 * Plans one day for a real-sized part of Amsterdam: the 2,400 Rest container
 * clusters nearest the Seineweg depot (Nieuw-West), from the city model of
 * simulators/city-model (real locations, fill rates from the city's
 * weighings), on the whole-city road graph
 * (../shared/data/amsterdam/roads/citywide_osm2009), 7 crane trucks from
 * that depot, 2 disposal sites, road distances.
 *
 * The fill state comes from simulated history: the city-model deposit
 * engine runs three weeks, emptying on every weekday round each container
 * whose true fill reached 75 % (fullest first, at most 7 trucks' worth), and
 * the sensors report hourly with 2-point noise (2 % of them silent for the
 * last 30 hours). The planner then forecasts from those readings for real;
 * `forecast_mae_pct` is the 24-hour-ahead backtest MAE on the same history.
 *
 *   npm run bench:plan [-- --containers=2400 --budget=30 --seed=1 --worker]
 *
 * What `seconds` includes: planShift from the readings to the stored-ready
 * plan, i.e. fitting every container's forecast model from its three weeks
 * of readings + choosing + the road matrix over the chosen stops (cold, no
 * cache) + the solver + route geometry. Not included, printed separately:
 * loading the road graph and building its contraction hierarchy (once per
 * process start), simulating the history, and the backtest.
 *
 * Last line: `plan containers=<n> vehicles=<n> seconds=<s> km=<x> must_missed=<n> forecast_mae_pct=<x>`
 */
import { loadavg } from 'node:os';
import { sharedPath } from '@vulgraad/config';
import { DepositEngine, loadAmsterdamCity, type CityContainer } from '@vulgraad/city-model';
import { RoadGraphProvider, haversineM } from '@vulgraad/distances';
import { backtest, seededRandom, type ContainerHistory, type FillObservation } from '@vulgraad/forecasting';
import { planShift, type DistrictSettings, type PlanningSite, type PlanningVehicle } from '@vulgraad/planning';
import { LocalWeekClock, localTimeMs } from '@vulgraad/time';
import { solve, SolverWorker } from '@vulgraad/routing';

const arg = (name: string, fallback: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const CONTAINERS = arg('containers', 2400);
const BUDGET_S = arg('budget', 30);
const SEED = arg('seed', 1);
/** --worker: solve in the solver's process, at its background priority, as the planner does (default: on this thread). */
const IN_WORKER = process.argv.includes('--worker');
const TRUCKS = 7;
const HISTORY_DAYS = 21;
const TIME_ZONE = 'Europe/Amsterdam';
const HOUR_MS = 3_600_000;
/** Monday 2026-03-16; the plan is made at 18:00 for Tuesday's shift. */
const HISTORY_END_DATE = '2026-03-16';
const SHIFT_DATE = '2026-03-17';
const DAILY_TRUCK_PITS = 60;

const secondsSince = (t: number): number => (performance.now() - t) / 1000;

async function main(): Promise<void> {
  const graphPath = sharedPath('data', 'amsterdam', 'roads', 'citywide_osm2009');
  if (!graphPath || !sharedPath('data', 'amsterdam', 'containers', 'rest_clusters_2020-2021.csv')) {
    console.log('plan skipped: the shared Amsterdam data (../shared/data/amsterdam) is absent');
    return;
  }
  console.log(`machine: ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  // The city: clusters nearest the depot, as one planning area.
  const city = loadAmsterdamCity({ seed: SEED });
  const depot = city.depots.find((d) => d.name.includes('Seineweg')) ?? city.depots[0];
  const containers: CityContainer[] = [...city.containers]
    .sort((a, b) => haversineM(a.lng, a.lat, depot.lng, depot.lat) - haversineM(b.lng, b.lat, depot.lng, depot.lat))
    .slice(0, CONTAINERS)
    .map((c) => ({ ...c, district: 'west' }));
  const secondSite = city.depots.find((d) => d.name.includes('Henk Sneevlietweg')) ?? city.depots[1];
  const disposalSites: PlanningSite[] = [
    { ...city.disposalSites[0], serviceTimeS: 900 },
    // Stand-in: Amsterdam's residual waste goes to AEB; a second unloading point (a transfer station at this drop-off centre) is assumed.
    { id: 'transfer-henk-sneevlietweg', name: `transfer station at ${secondSite.name} (assumed)`, lng: secondSite.lng, lat: secondSite.lat, fractions: ['residual'], serviceTimeS: 1200 },
  ];
  const pits = containers.reduce((s, c) => s + c.pitCount, 0);
  const inflowL = containers.reduce((s, c) => s + c.demand.depositsPerDay * ((c.demand.depositVolumeL.minL + c.demand.depositVolumeL.modeL + c.demand.depositVolumeL.maxL) / 3), 0);
  console.log(`city: ${containers.length} clusters (${pits} pits) within ${(haversineM(containers.at(-1)!.lng, containers.at(-1)!.lat, depot.lng, depot.lat) / 1000).toFixed(1)} km of ${depot.name}; inflow ${(inflowL / 1000).toFixed(0)} m3/day loose`);

  // History: three weeks of deposits, weekday rounds at 75 %, hourly noisy readings.
  const tHistory = performance.now();
  const endMs = localTimeMs(HISTORY_END_DATE, 18 * 60, TIME_ZONE);
  const startMs = endMs - HISTORY_DAYS * 24 * HOUR_MS;
  const engine = new DepositEngine(containers, TIME_ZONE, { seed: SEED, start: new Date(startMs), initialFill: 'random', maxInitialFill: 0.7 });
  const random = seededRandom(SEED * 7919);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const readings = new Map<string, FillObservation[]>(containers.map((c) => [c.id, []]));
  const collections = new Map<string, Array<{ atMs: number; observedFillPct: number }>>(containers.map((c) => [c.id, []]));
  const silent = new Set(containers.filter(() => random() < 0.02).map((c) => c.id));
  let emptyings = 0;
  let overflowsAtEmptying = 0;
  const localClock = LocalWeekClock.for(TIME_ZONE);
  for (let t = startMs + HOUR_MS; t <= endMs; t += HOUR_MS) {
    engine.advanceTo(t);
    if (localClock.hourOf(t) === 10 && localClock.weekdayOf(t) < 5) {
      // The round: fullest first, as many pits as 7 trucks empty in a day.
      const due = containers.map((c) => ({ c, fill: engine.state(c.id).fillPct })).filter((x) => x.fill >= 75).sort((a, b) => b.fill - a.fill);
      let budget = TRUCKS * DAILY_TRUCK_PITS;
      for (const { c, fill } of due) {
        if (budget < c.pitCount) continue;
        budget -= c.pitCount;
        const record = engine.empty(c.id, t);
        emptyings++;
        if (record.overflowL > 0) overflowsAtEmptying++;
        if (random() < 0.5) collections.get(c.id)!.push({ atMs: t, observedFillPct: Math.round(fill) });
      }
    }
    for (const c of containers) {
      if (silent.has(c.id) && t > endMs - 30 * HOUR_MS) continue;
      const fill = engine.state(c.id).fillPct;
      (readings.get(c.id) as FillObservation[]).push({ atMs: t, fillPct: Math.max(0, Math.min(100, fill + 2 * gauss())) });
    }
  }
  const histories: ContainerHistory[] = containers.map((c) => ({ containerId: c.id, readings: readings.get(c.id)!, collections: collections.get(c.id) }));
  const readingCount = histories.reduce((s, h) => s + h.readings.length, 0);
  console.log(`history: ${HISTORY_DAYS} days, ${readingCount} readings, ${emptyings} emptyings (${overflowsAtEmptying} found overflowing), ${silent.size} sensors silent for 30 h; ${secondsSince(tHistory).toFixed(1)} s`);

  // Road graph: loaded and contracted once per process start.
  const tGraph = performance.now();
  const road = await RoadGraphProvider.fromFile(graphPath);
  const loadS = secondsSince(tGraph);
  const tPrepare = performance.now();
  road.prepare();
  console.log(`road graph: load ${loadS.toFixed(1)} s, contraction ${secondsSince(tPrepare).toFixed(1)} s (start-up, not in seconds)`);

  const vehicles: PlanningVehicle[] = Array.from({ length: TRUCKS }, (_, k) => ({
    id: `crane-${k + 1}`, depotId: depot.id, capacityL: 20_000, capacityKg: 10_000, compactionFactor: 3, fractions: ['residual'], equipment: ['underground'],
    shiftStartMin: 420, shiftEndMin: 930, costPerKm: 1.5, costPerHour: 45,
  }));
  const settings: DistrictSettings = {
    district: 'west', fraction: 'residual', riskLevel: 0.1, worthFillPct: 60, worthPrize: 6, worthMaxDetourM: 1500,
    collectionDays: [1, 2, 3, 4, 5], shiftStartMin: 420, shiftEndMin: 930, breakMin: 30, cutoffMin: 1080, serviceTimeS: 150, timeBudgetS: BUDGET_S, vehicleIds: null,
  };

  const historyOf = new Map(histories.map((h) => [h.containerId, h]));
  // Started ahead of the plan, as the planner starts its own.
  const solver = IN_WORKER ? new SolverWorker() : null;
  solver?.warmUp();
  const t0 = performance.now();
  const result = await planShift(
    {
      district: 'west', fraction: 'residual', shiftDate: SHIFT_DATE, timeZone: TIME_ZONE, nowMs: endMs, settings,
      containers: containers.map((c) => ({ container: c, history: historyOf.get(c.id) })),
      vehicles, depots: [depot], disposalSites, densityKgPerL: 0.15, defaultCompactionFactor: 3, trigger: 'daily',
    },
    {
      matrix: road,
      // Said when the solver starts, for whoever runs this beside another measurement (bench:live --solving).
      solve: async (problem, options) => {
        if (!solver) {
          console.log(`solve: started at ${Date.now()}`);
          return solve(problem, options);
        }
        const solution = solver.solve(problem, options);
        console.log(`solve: started at ${Date.now()} in the solver's process ${solver.pid ?? '?'}`);
        return solution;
      },
      seed: SEED,
      timeBudgetMs: BUDGET_S * 1000,
    },
  );
  const seconds = secondsSince(t0);
  await solver?.close();
  const { plan, decisions, timings } = result;
  const count = (category: string): number => decisions.filter((d) => d.category === category).length;
  const served = plan.routes.flatMap((r) => r.stops.filter((s) => s.kind === 'container'));
  const servedWorth = served.filter((s) => s.why?.category === 'worth').length;
  const fromHistory = served.filter((s) => s.why?.fromHistoryOnly).length;
  console.log(`choose: ${count('must')} must, ${count('worth')} worth offered (${servedWorth} taken), ${count('waits')} wait; ${fromHistory} planned stops from history only`);
  for (const route of plan.routes) {
    const stops = route.stops.filter((s) => s.kind === 'container').length;
    const trips = route.stops.filter((s) => s.kind === 'disposal').length;
    console.log(`  ${route.vehicleId}: ${stops} stops, ${trips} unloadings, ${(route.distanceM / 1000).toFixed(1)} km, ${route.startAt.slice(11, 16)}-${route.endAt.slice(11, 16)} UTC`);
  }
  if (plan.unassigned.length > 0) console.log(`unassigned: ${plan.unassigned.slice(0, 5).map((u) => `${u.containerId} (${u.category}: ${u.reason})`).join('; ')}${plan.unassigned.length > 5 ? ' ...' : ''}`);
  console.log(
    `timings (s): forecast ${(timings.forecastMs / 1000).toFixed(1)}, choose ${(timings.chooseMs / 1000).toFixed(2)}, matrix ${(timings.matrixMs / 1000).toFixed(1)} (cold, ${count('must') + count('worth') + count('locked') + count('planner_added') + 1 + disposalSites.length} points: stops offered, depot, disposal sites), solve ${(timings.solveMs / 1000).toFixed(1)} (budget ${BUDGET_S}), geometry ${(timings.geometryMs / 1000).toFixed(1)}; total ${seconds.toFixed(1)}`,
  );

  const tMatrix = performance.now();
  await road.matrix(containers.slice(0, 1000));
  console.log(`for scale: a cold 1,000-point road matrix takes ${secondsSince(tMatrix).toFixed(1)} s here`);

  const tBacktest = performance.now();
  const mae = backtest(histories, { horizonH: 24, timeZone: TIME_ZONE, stepH: 12 });
  console.log(`forecast backtest: 24 h ahead over ${mae.containers} containers, ${mae.pairs} pairs, MAE ${mae.maePct.toFixed(2)} points, bias ${mae.biasPct.toFixed(2)}, band coverage ${(mae.bandCoverage * 100).toFixed(0)} % (${secondsSince(tBacktest).toFixed(1)} s)`);
  console.log(`seconds = forecast fit + choose + road matrix + solve + geometry (road graph load/contraction, history simulation and backtest excluded)`);
  console.log(
    `plan containers=${containers.length} vehicles=${TRUCKS} seconds=${seconds.toFixed(1)} km=${(plan.distanceM / 1000).toFixed(1)} must_missed=${result.mustMissed} forecast_mae_pct=${mae.maePct.toFixed(2)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { groningenDailyShares, haversineM, loadAmsterdamCity, syntheticDailyShares, type CityContainer, type CityModel, type CitySite } from '@vulgraad/city-model';
import { sharedPath } from '@vulgraad/config';
import type { MatrixProvider } from '@vulgraad/distances';
import type { PlanningVehicle } from '@vulgraad/planning';
import { TravelNetwork } from '../network';
import { DENSITY_KG_PER_L } from './deposits';
import { buildRecord, readRecord, type CollectionRecord, type RecordedVisit } from './record';

export const TIME_ZONE = 'Europe/Amsterdam';

/** The fleet both policies drive: one truck model, shifts and breaks (see docs/replay.md for the sources). */
export const FLEET = {
  /** Compacted body litres, loose litres per body litre, payload: a 3-axle crane truck for underground containers (as in sim:value and bench:fleet). */
  bodyL: 22_000,
  compaction: 4,
  payloadKg: 11_000,
  /** Shift 07:00-15:30 with a 30-minute break in the window around its middle (the planner's break model). */
  shiftStartMin: 7 * 60,
  shiftEndMin: 15 * 60 + 30,
  breakMin: 30,
  /** Unloading at the AEB plant: weighbridge in and out and tipping, seconds. */
  unloadS: 900,
  /** Handling a cluster: positioning the truck and crane, seconds, plus each container (pit) lifted, emptied and put back. */
  stopS: 120,
  liftS: 60,
} as const;

/** Time at a cluster stop lifting `lifts` containers, seconds. */
export const stopServiceS = (lifts: number): number => FLEET.stopS + FLEET.liftS * Math.max(1, lifts);

/** Everything a replay needs that does not change with the seed. */
export interface ReplayWorld {
  record: CollectionRecord;
  /** Clusters of the record found in the cluster file, with the city model's capacity, pits, district and access window. */
  containers: CityContainer[];
  byId: Map<string, CityContainer>;
  /** Clusters of the record without a position (not in the cluster file): dropped, with their visits. */
  unknownClusters: number;
  unknownVisits: number;
  model: CityModel;
  depots: CitySite[];
  disposal: CitySite;
  vehicles: PlanningVehicle[];
  network: TravelNetwork;
  matrix: MatrixProvider;
  dailyShares: number[];
  dailySharesSource: string;
  localHour: (ms: number) => number;
  notes: string[];
}

export interface WorldOptions {
  weighingsPath: string;
  trucks: number;
  matrix: MatrixProvider;
  /** Keep only the first N clusters of the record (sorted by id), for tests. */
  clusterLimit?: number;
  /** Keep only the first N days of the record, for tests. */
  dayLimit?: number;
  onProgress?: (message: string) => void;
}

/**
 * The city as the record shows it: the clusters the city emptied (positions
 * from the cluster file; capacity, pits, district and inner-city access
 * window from the city model, derived from this same weighings file), the
 * Afvalpunten standing in for depots, the AEB plant for disposal, and a
 * fleet sized per district by its containers (pits), free to cross district
 * borders (the planner's fleet plan).
 */
export async function buildWorld(options: WorldOptions): Promise<ReplayWorld> {
  const log = options.onProgress ?? (() => undefined);
  const model = loadAmsterdamCity({ seed: 1, files: { weighings: options.weighingsPath } });
  const full = readRecord(options.weighingsPath, TIME_ZONE);
  const byRef = new Map(model.containers.filter((c) => c.externalRef).map((c) => [c.externalRef as string, c]));
  let ids = [...full.visits.keys()].sort();
  const unknown = ids.filter((id) => !byRef.has(id));
  ids = ids.filter((id) => byRef.has(id));
  const dates = options.dayLimit !== undefined ? full.dates.slice(0, options.dayLimit) : full.dates;
  const lastDate = dates[dates.length - 1] as string;
  // Clusters with no visit in the days kept are left out (only with --days).
  ids = ids.filter((id) => (full.visits.get(id) ?? []).some((v) => v.date <= lastDate));
  if (options.clusterLimit !== undefined) ids = ids.slice(0, options.clusterLimit);
  const keep = new Set(ids);
  const visits = [...full.visits.values()].flat().filter((v) => keep.has(v.clusterId) && v.date <= lastDate);
  const record = buildRecord(
    visits.flatMap((v) => splitVisit(v)),
    TIME_ZONE,
  );
  // Visits are regrouped from one weighing per lift: the same visits, lifts and kilograms.
  record.dates = dates;
  record.skipped = full.skipped;
  let raised = 0;
  const containers = ids.map((id) => {
    const c = byRef.get(id) as CityContainer;
    // The city emptied its clusters before they overflowed: a visit that weighed more than the
    // capacity rule allows raises the cluster's capacity to that visit's litres.
    const largestL = Math.max(...(record.visits.get(id) ?? []).map((v) => v.kg / DENSITY_KG_PER_L));
    const volumeL = Math.max(c.volumeL, Math.ceil(largestL / 100) * 100);
    if (volumeL > c.volumeL) raised++;
    return { ...c, id, externalRef: id, volumeL };
  });
  const byId = new Map(containers.map((c) => [c.id, c]));

  const disposal = model.disposalSites[0] as CitySite;
  const districts = [...new Set(containers.map((c) => c.district))].sort();
  const pitsOf = (d: string): number => containers.filter((c) => c.district === d).reduce((s, c) => s + c.pitCount, 0);
  const totalPits = districts.reduce((s, d) => s + pitsOf(d), 0);
  const shares = districts.map((d) => (pitsOf(d) / totalPits) * options.trucks);
  const counts = shares.map((s) => Math.max(1, Math.floor(s)));
  while (counts.reduce((a, b) => a + b, 0) < options.trucks) {
    const k = shares.map((s, i) => s - (counts[i] as number)).reduce((best, v, i, all) => (v > (all[best] as number) ? i : best), 0);
    counts[k] = (counts[k] as number) + 1;
  }
  const vehicles: PlanningVehicle[] = [];
  const depotsUsed = new Map<string, CitySite>();
  for (const [i, d] of districts.entries()) {
    const own = containers.filter((c) => c.district === d);
    const middle = { lng: own.reduce((s, c) => s + c.lng, 0) / own.length, lat: own.reduce((s, c) => s + c.lat, 0) / own.length };
    const depot = [...model.depots].sort((a, b) => haversineM(a.lng, a.lat, middle.lng, middle.lat) - haversineM(b.lng, b.lat, middle.lng, middle.lat))[0] as CitySite;
    depotsUsed.set(depot.id, depot);
    for (let k = 0; k < (counts[i] as number); k++) {
      vehicles.push({
        id: `crane-${String(vehicles.length + 1).padStart(2, '0')}`, depotId: depot.id, capacityL: FLEET.bodyL, capacityKg: FLEET.payloadKg, compactionFactor: FLEET.compaction,
        fractions: ['residual'], equipment: ['underground'], shiftStartMin: FLEET.shiftStartMin, shiftEndMin: FLEET.shiftEndMin, costPerKm: 1.5, costPerHour: 45, breakMin: FLEET.breakMin,
      });
    }
  }
  const depots = [...depotsUsed.values()];
  log(`matrix over ${depots.length + 1 + containers.length} places (${depots.length} depots, the AEB plant, ${containers.length} clusters)`);
  const t0 = performance.now();
  const network = await TravelNetwork.build([...depots, disposal, ...containers], options.matrix);
  log(`matrix ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const groningen = sharedPath('data', 'groningen', 'arrivals_by_hour_q1_2023_digitised.csv');
  const dailyShares = groningen ? groningenDailyShares(groningen) : syntheticDailyShares();
  const dailySharesSource = groningen
    ? 'the Groningen study\'s deposits by hour of day (Q1 2023, all clusters; shared data groningen/arrivals_by_hour_q1_2023_digitised.csv), the same every day'
    : 'a synthetic day curve (the Groningen profile is absent from the shared data)';
  const hourFormat = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', hourCycle: 'h23' });
  const hourCache = new Map<number, number>();
  const localHour = (ms: number): number => {
    const slot = Math.floor(ms / 3_600_000);
    let h = hourCache.get(slot);
    if (h === undefined) hourCache.set(slot, (h = Number(hourFormat.format(slot * 3_600_000))));
    return h;
  };
  return {
    record, containers, byId, unknownClusters: unknown.length, unknownVisits: unknown.reduce((s, id) => s + (full.visits.get(id)?.length ?? 0), 0),
    model, depots, disposal, vehicles, network, matrix: options.matrix, dailyShares, dailySharesSource, localHour,
    notes: [
      `${containers.length} clusters emptied in the record have a position in the cluster file${unknown.length > 0 ? `; ${unknown.length} without one are left out with their ${unknown.reduce((s, id) => s + (full.visits.get(id)?.length ?? 0), 0)} visits` : ''}.`,
      `Capacity: the city model's rule gave ${raised} of the ${containers.length} clusters less room than their largest recorded visit held; their capacity was raised to that visit's litres (the city is taken to have emptied before overflow).`,
      `Fleet: ${vehicles.length} crane trucks, ${counts.join(', ')} per district by its containers, each based at the Afvalpunt nearest its district's middle (${depots.length} Afvalpunten; real depot locations are not public), free to cross district borders.`,
    ],
  };
}

/** A visit as one weighing per lift (its kilograms spread evenly), so `buildRecord` regroups it unchanged. */
function splitVisit(v: RecordedVisit): Array<{ clusterId: string; atMs: number; kg: number }> {
  return Array.from({ length: v.lifts }, (_, k) => ({ clusterId: v.clusterId, atMs: v.atMs + k * 1000, kg: v.kg / v.lifts }));
}

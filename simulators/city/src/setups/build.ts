import { expectedLitresPerDay, generateCity, haversineM, loadAmsterdamCity, type CityContainer, type CityModel, type CitySite } from '@vulgraad/city-model';
import { sharedPath } from '@vulgraad/config';
import { CachedMatrixProvider, MatrixCache, RoadGraphProvider, StraightLineProvider } from '@vulgraad/distances';
import { CalibratedStraightLineProvider } from '../calibrated-straight.provider';
import { TravelNetwork } from '../network';
import { GRONINGEN_FACTS, GRONINGEN_LEG_MODEL, groningenLikeCity } from './groningen-like';
import { studyServiceTimeS, tripCapacity, type BreakModel, type PlanningUnit, type ShiftModel, type SimSetup, type TruckModel } from './setup';

export type CityChoice = SimSetup['city'];

/** What a value run can change about the city and its fleet. */
export interface SetupOptions {
  city: CityChoice;
  seed: number;
  /** Clusters: the Groningen-like and generated city's size; the first N Amsterdam clusters. */
  containers?: number;
  /** Trucks in all (spread over districts by their daily litres). */
  trucks?: number;
  /** Practice: clusters emptied a day over the whole city (spread over districts by cluster count). */
  k?: number;
  /** Truck body, litres of compacted waste; 0 = unlimited (the study's assumption). */
  truckBodyL?: number;
  /** Loose litres per litre of body (default 4). */
  compactionFactor?: number;
  /** Truck payload, kg (default 11,000). */
  payloadKg?: number;
  /** Loose bulk density of the waste as it lies in the containers, kg per litre (default: the city's). */
  densityKgPerL?: number;
  /** Default: study for the Groningen-like and generated cities, planner for Amsterdam. */
  breaks?: 'study' | 'planner';
  /** Groningen-like: deposits a day over the whole city. */
  depositsPerDay?: number;
  /** Folder for road-graph matrices kept between runs (Amsterdam). */
  matrixCacheDir?: string | null;
  onProgress?: (message: string) => void;
}

/** The study's practice: K = 250 of 850 clusters a day. */
export const STUDY_K_SHARE = 250 / 850;
/** A crane truck for underground containers: 22 m3 body, 4:1 compaction of loose bags, 11 t payload, 15 min to unload. */
export const DEFAULT_TRUCK_BODY_L = 22_000;
const DEFAULT_COMPACTION = 4;
const DEFAULT_PAYLOAD_KG = 11_000;
const UNLOAD_S = 900;
/**
 * Loose density of bagged residual waste as it lies in a Groningen container: 0.1 kg/L puts the
 * study's 22,600 deposits of 33.3 L at about 75 t a day, some 40 % of a city of 235,000 people's
 * residual waste at about 170 kg a head a year (the rest goes in wheelie bins).
 */
const GRONINGEN_DENSITY_KG_PER_L = 0.1;
/** Amsterdam's litres were derived from weighings at 0.15 kg/L (AMSTERDAM_ASSUMPTIONS): the same density weighs them back. */
const AMSTERDAM_DENSITY_KG_PER_L = 0.15;
/** Share of a shift a sized fleet is planned to fill (depot legs, breaks and an uneven day take the rest). */
const FLEET_UTILISATION = 0.85;
const STUDY_BREAKS: BreakModel = { kind: 'study', startsMin: [600, 720], durationMin: 30 };
const PLANNER_BREAK: BreakModel = { kind: 'planner', durationMin: 30 };

/** Builds the chosen city with its districts, fleet, matrices and assumptions. */
export async function buildSetup(options: SetupOptions): Promise<SimSetup> {
  if (options.city === 'groningen-like') return groningenLikeSetup(options);
  if (options.city === 'amsterdam') return amsterdamSetup(options);
  return generatedSetup(options);
}

function truckModel(options: SetupOptions, cityDensityKgPerL: number): TruckModel {
  const bodyL = options.truckBodyL ?? DEFAULT_TRUCK_BODY_L;
  const densityKgPerL = options.densityKgPerL ?? cityDensityKgPerL;
  const compactionFactor = options.compactionFactor ?? DEFAULT_COMPACTION;
  if (bodyL <= 0) return { bodyL: null, compactionFactor, payloadKg: null, densityKgPerL, unloadS: UNLOAD_S };
  return { bodyL, compactionFactor, payloadKg: options.payloadKg ?? DEFAULT_PAYLOAD_KG, densityKgPerL, unloadS: UNLOAD_S };
}

function shiftModel(options: SetupOptions, defaultBreaks: 'study' | 'planner'): ShiftModel {
  return { startMin: 7 * 60, workMin: 6 * 60, breaks: (options.breaks ?? defaultBreaks) === 'planner' ? PLANNER_BREAK : STUDY_BREAKS };
}

function truckText(truck: TruckModel): string {
  if (truck.bodyL === null) return 'Trucks never fill up and never unload (the study\'s assumption): no disposal trips.';
  const looseM3 = (truck.bodyL * truck.compactionFactor) / 1000;
  const byWeightM3 = truck.payloadKg === null ? Infinity : truck.payloadKg / truck.densityKgPerL / 1000;
  return `Truck: ${truck.bodyL / 1000} m3 body, ${truck.compactionFactor}:1 compaction (${looseM3} m3 of loose waste), ${(truck.payloadKg ?? 0) / 1000} t payload (${Math.round(byWeightM3)} m3 at ${truck.densityKgPerL} kg/L loose): a load is at most ${Math.round(Math.min(looseM3, byWeightM3))} m3 of loose waste; unloading takes ${truck.unloadS / 60} min. A truck unloads at planned disposal visits, when the next container would not fit, on a break return when the disposal site is on the way (at most 2 km extra), and at the end of the day.`;
}

function breakText(shift: ShiftModel): string {
  const b = shift.breaks;
  if (b.kind === 'study') return `Shift from 07:00 with ${shift.workMin / 60} h of work in the plan; breaks as in the study: two of ${b.durationMin} min at ${b.startsMin.map(clock).join(' and ')}, at the depot. A truck returns to the depot before a break when its next stop and the way back would run past it; these returns count as distance, waiting for a break is not counted as route time.`;
  if (b.kind === 'planner') return `Shift from 07:00 with ${shift.workMin / 60} h of work; one ${b.durationMin}-min break on the spot in the window around the middle of the shift (our planner's break model), in every policy's plan.`;
  return 'No breaks.';
}

async function groningenLikeSetup(options: SetupOptions): Promise<SimSetup> {
  const model = groningenLikeCity({ seed: options.seed, clusters: options.containers, depositsPerDay: options.depositsPerDay });
  const truck = truckModel(options, GRONINGEN_DENSITY_KG_PER_L);
  const shift = shiftModel(options, 'study');
  const inner = new CalibratedStraightLineProvider(GRONINGEN_LEG_MODEL);
  const matrix = new CachedMatrixProvider(inner, new MatrixCache({ maxBytes: 512 * 1024 * 1024 }));
  const depot = model.depots[0] as CitySite;
  const disposal = truck.bodyL === null ? null : (model.disposalSites[0] as CitySite);
  const n = model.containers.length;
  // The study's 4 trucks never fill up; with truck capacity they cannot carry out its practice (K = 250) in 6 h, 5 can.
  const trucks = options.trucks ?? Math.max(1, Math.round((n / GRONINGEN_FACTS.clusters) * (truck.bodyL === null ? 4 : 5)));
  const k = options.k ?? Math.round(STUDY_K_SHARE * n);
  const network = await TravelNetwork.build([depot, ...(disposal ? [disposal] : []), ...model.containers], matrix);
  const unit: PlanningUnit = {
    district: model.districts[0]?.id ?? 'city',
    containers: model.containers,
    depot,
    disposal,
    truckIds: Array.from({ length: trucks }, (_, i) => `truck-${i + 1}`),
    network,
    practiceK: k,
  };
  const m = GRONINGEN_LEG_MODEL;
  return {
    city: 'groningen-like',
    title: 'Groningen-like city',
    model,
    units: [unit],
    truck,
    shift,
    matrix,
    serviceTimeS: studyServiceTimeS,
    assumptions: [
      ...model.notes,
      `Depot: the study's (${GRONINGEN_FACTS.depot.lat}, ${GRONINGEN_FACTS.depot.lng}); ${disposal ? 'disposal site 200 m from it' : 'no disposal site (trucks never fill)'}.`,
      `Travel: great-circle distance x ${m.detourFactor} (road over straight line on the study's test.db OSRM legs), duration ${m.legOverheadS} s + distance at ${m.speedKmh} km/h (least-squares fit on the same legs, 1.9-8 km long), or distance at ${m.streetSpeedKmh} km/h (the study's truck profile on residential streets) when that is quicker, as on short hops. There is no Groningen road graph here.`,
      `Fleet: ${trucks} trucks${options.trucks ? '' : truck.bodyL === null ? ' (the study\'s)' : ': the study\'s 4 cannot carry out its practice (K = 250 a day) in 6 h once trucks fill up and unload (about 8 clusters a day were left over in a 4-truck run), 5 can'}. Practice empties K = ${k} clusters a day.`,
      truckText(truck),
      breakText(shift),
      'Handling time per cluster: 2 min + 1 min per pit (the study\'s).',
      'Plans are made every day at 07:00, weekends included, as in the study.',
    ],
  };
}

async function generatedSetup(options: SetupOptions): Promise<SimSetup> {
  const n = options.containers ?? 300;
  const base = generateCity({ containers: n, seed: options.seed, fractions: ['residual'], districts: 1, idPrefix: 'gen-' });
  const model: CityModel = { ...base, containers: base.containers.map((c) => ({ ...c, pitCount: 1 })) };
  const truck = truckModel(options, GRONINGEN_DENSITY_KG_PER_L);
  const shift = shiftModel(options, 'study');
  const inner = new StraightLineProvider({ detourFactor: 1.3, speedKmh: 25 });
  const matrix = new CachedMatrixProvider(inner, new MatrixCache({ maxBytes: 512 * 1024 * 1024 }));
  const depot = model.depots[0] as CitySite;
  const disposal = truck.bodyL === null ? null : (model.disposalSites.find((s) => s.fractions.includes('residual')) as CitySite);
  const litres = model.containers.reduce((s, c) => s + expectedLitresPerDay(c), 0);
  const trucks = options.trucks ?? Math.max(1, Math.ceil(litres / 150_000));
  const k = options.k ?? Math.round(STUDY_K_SHARE * n);
  const network = await TravelNetwork.build([depot, ...(disposal ? [disposal] : []), ...model.containers], matrix);
  return {
    city: 'generated',
    title: `Generated city (${n} residual containers)`,
    model,
    units: [{ district: model.districts[0]?.id ?? 'city', containers: model.containers, depot, disposal, truckIds: Array.from({ length: trucks }, (_, i) => `truck-${i + 1}`), network, practiceK: k }],
    truck,
    shift,
    matrix,
    serviceTimeS: studyServiceTimeS,
    assumptions: [...model.notes, 'Travel: great-circle distance x 1.3 at 25 km/h.', `Fleet: ${trucks} trucks. Practice empties K = ${k} a day.`, truckText(truck), breakText(shift)],
  };
}

async function amsterdamSetup(options: SetupOptions): Promise<SimSetup> {
  const log = options.onProgress ?? (() => undefined);
  const model = loadAmsterdamCity({ seed: options.seed, limit: options.containers });
  const truck = truckModel(options, AMSTERDAM_DENSITY_KG_PER_L);
  // Amsterdam's depots are stand-ins far from many clusters: crews break on the route.
  const shift = shiftModel(options, 'planner');
  const graphPath = sharedPath('data', 'amsterdam', 'roads', 'citywide_osm2009');
  if (!graphPath) throw new Error('the Amsterdam road graph (shared data/amsterdam/roads/citywide_osm2009) is absent');
  log(`loading the road graph ${graphPath}`);
  const road = await RoadGraphProvider.fromFile(graphPath);
  road.prepare();
  const matrix = new CachedMatrixProvider(road, new MatrixCache({ maxBytes: 1024 * 1024 * 1024, directory: options.matrixCacheDir ?? null }));
  const disposalSite = model.disposalSites[0] as CitySite;
  const n = model.containers.length;
  const districts = model.districts.filter((d) => model.containers.some((c) => c.district === d.id));
  const byDistrict = new Map(districts.map((d) => [d.id, model.containers.filter((c) => c.district === d.id)]));
  // The fleet is sized for the study's share of clusters a day whatever K practice runs at, so a K sweep keeps one fleet.
  const fleetK = Math.round(STUDY_K_SHARE * n * amsterdamKScale(model));
  const k = options.k ?? fleetK;
  const kCounts = apportion(k, districts.map((d) => (byDistrict.get(d.id) ?? []).length), 0);
  const fleetKCounts = apportion(fleetK, districts.map((d) => (byDistrict.get(d.id) ?? []).length), 0);
  const networks: TravelNetwork[] = [];
  const depots: CitySite[] = [];
  for (const district of districts) {
    const containers = byDistrict.get(district.id) ?? [];
    const depot = nearest(model.depots, district);
    const disposal = truck.bodyL === null ? null : disposalSite;
    log(`matrix for ${district.name}: ${containers.length + 2} points`);
    const t0 = performance.now();
    networks.push(await TravelNetwork.build([depot, ...(disposal ? [disposal] : []), ...containers], matrix));
    depots.push(depot);
    log(`matrix for ${district.name} ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  // The fleet: enough truck-hours in each district for practice's K stops and the trips to the disposal site.
  const needs = districts.map((d, i) => truckHoursNeeded(byDistrict.get(d.id) ?? [], fleetKCounts[i] as number, networks[i] as TravelNetwork, truck.bodyL === null ? null : disposalSite.id, truck));
  log(`truck-hours needed a day: ${needs.map((h) => h.toFixed(1)).join(', ')}`);
  const truckCounts = options.trucks ? apportion(options.trucks, needs, 1) : needs.map((h) => Math.max(1, Math.ceil(h / ((FLEET_UTILISATION * shift.workMin) / 60))));
  const trucks = truckCounts.reduce((s, v) => s + v, 0);
  const units: PlanningUnit[] = [];
  let truckNo = 0;
  for (const [i, district] of districts.entries()) {
    units.push({
      district: district.id,
      containers: byDistrict.get(district.id) ?? [],
      depot: depots[i] as CitySite,
      disposal: truck.bodyL === null ? null : disposalSite,
      truckIds: Array.from({ length: truckCounts[i] as number }, () => `truck-${++truckNo}`),
      network: networks[i] as TravelNetwork,
      practiceK: kCounts[i] as number,
    });
  }
  return {
    city: 'amsterdam',
    title: `Amsterdam (${n} real residual clusters)`,
    model,
    units,
    truck,
    shift,
    matrix,
    serviceTimeS: studyServiceTimeS,
    assumptions: [
      ...model.notes,
      'Travel: the whole-city OpenStreetMap drive graph (shared data, about 2009, with one-way streets), shortest paths by a contraction hierarchy, one full matrix per district kept in the matrix cache.',
      `Each district is planned on its own with its own trucks from the Afvalpunt nearest its middle (a stand-in: real depot locations are not public): ${units.map((u) => `${u.district} ${u.containers.length} clusters, ${u.truckIds.length} trucks, K = ${u.practiceK}`).join('; ')}.`,
      `Fleet: ${trucks} trucks${options.trucks ? '' : `, each district's sized for practice: its K stops (handling time and a hop each) and, with truck capacity, its loads' round trips to the disposal site, filling ${Math.round(FLEET_UTILISATION * 100)} % of 6-hour days`}. Practice: K = ${k} a day, chosen so that practice empties clusters about as full as the study's practice did (K / clusters scaled by the Groningen-like clusters' mean days to fill over Amsterdam's).`,
      truckText(truck),
      breakText(shift),
      'Handling time per cluster: 2 min + 1 min per pit (the study\'s).',
    ],
  };
}

/**
 * Truck-hours a district needs a day for the practice policy: handling time
 * and a hop (twice the mean nearest-neighbour drive) per stop, and with truck
 * capacity one round trip to the disposal site (from the mean cluster) plus
 * unloading per load of loose waste.
 */
function truckHoursNeeded(containers: readonly CityContainer[], stops: number, network: TravelNetwork, disposalId: string | null, truck: TruckModel): number {
  if (containers.length === 0) return 0;
  const index = containers.map((c) => network.indexOf(c.id));
  let nearestS = 0;
  for (const i of index) {
    let best = Infinity;
    for (const j of index) if (i !== j && network.durationS(i, j) < best) best = network.durationS(i, j);
    nearestS += Number.isFinite(best) ? best : 0;
  }
  const hopS = (2 * nearestS) / index.length;
  const serviceS = containers.reduce((s, c) => s + studyServiceTimeS(c), 0) / containers.length;
  let hours = (stops * (serviceS + hopS)) / 3600;
  const capacity = tripCapacity(truck);
  const load = Math.min(capacity.looseL, capacity.kg / truck.densityKgPerL);
  if (disposalId !== null && Number.isFinite(load)) {
    const disposal = network.indexOf(disposalId);
    const tripS = index.reduce((s, i) => s + network.durationS(i, disposal) + network.durationS(disposal, i), 0) / index.length;
    const litres = containers.reduce((s, c) => s + expectedLitresPerDay(c), 0);
    hours += ((litres / load) * (tripS + truck.unloadS)) / 3600;
  }
  return hours;
}

/** Amsterdam's clusters are bigger for their use than Groningen's: practice's K scales with how fast they fill. */
function amsterdamKScale(model: CityModel): number {
  const daysToFill = (cs: CityModel['containers']): number => cs.reduce((s, c) => s + c.volumeL, 0) / cs.reduce((s, c) => s + expectedLitresPerDay(c), 0);
  const groningen = groningenLikeCity({ seed: 1 });
  return daysToFill(groningen.containers) / daysToFill(model.containers);
}

function nearest(sites: readonly CitySite[], to: { lng: number; lat: number }): CitySite {
  let best = sites[0] as CitySite;
  let bestM = Infinity;
  for (const s of sites) {
    const m = haversineM(s.lng, s.lat, to.lng, to.lat);
    if (m < bestM) {
      bestM = m;
      best = s;
    }
  }
  if (!best) throw new Error('no depot to start from');
  return best;
}

/** Splits a whole number in proportion to weights (largest remainders), each share at least `floor`. */
export function apportion(total: number, weights: readonly number[], floor: number): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const raw = weights.map((w) => (sum > 0 ? (w / sum) * total : total / weights.length));
  const out = raw.map((r) => Math.max(floor, Math.floor(r)));
  let left = total - out.reduce((s, v) => s + v, 0);
  const order = raw.map((r, i) => ({ i, rest: r - Math.floor(r) })).sort((a, b) => b.rest - a.rest);
  for (let k = 0; left > 0 && order.length > 0; k = (k + 1) % order.length, left--) out[(order[k] as { i: number }).i]++;
  return out;
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

import { existsSync, readFileSync } from 'node:fs';
import { WASTE_FRACTIONS } from '@vulgraad/contracts';
import { sharedPath } from '@vulgraad/config';
import { parseCsvRecords } from '@vulgraad/csv';
import type { CityContainer, CityDistrict, CityModel, CitySite, WeeklyProfile } from './city';
import { GRONINGEN_DEPOSIT_VOLUME, meanDepositL } from './city';
import { compassLabel, haversineM } from './geo';
import { kMeans } from './kmeans';
import { groningenDailyShares, syntheticDailyShares, weeklyProfile } from './profiles';
import { Rng } from './random';

/**
 * The assumptions that turn Amsterdam's emptying weights into fill rates.
 * Each one is a stated choice, not a measured fact; see the notes of the model.
 */
export interface AmsterdamAssumptions {
  /** Bulk density of bagged residual waste as it lies in an underground container, kg per litre. */
  densityKgPerL: number;
  /** Volume of one underground residual-waste pit in Amsterdam, litres. */
  pitVolumeL: number;
  /** Sensor-to-bottom distance of a pit, millimetres. */
  pitDepthMm: number;
  /** A visit is assumed to find a cluster at most this full on average (sizes the number of pits). */
  fillAtVisit: number;
  /** Weighings of one cluster closer together than this belong to one visit (one pit each), minutes. */
  visitGapMin: number;
  /** Clusters whose 2020-21 count of weighings reaches this existed over most of the span: its mean is used. */
  minWeighingsForTwoYearRate: number;
  /**
   * Imputed rates are capped at this quantile of the measured ones: a cluster
   * with few weighings and a high mean weight is more likely a sparse record
   * than the busiest site in town.
   */
  imputedCapQuantile: number;
  /** Fill rates are kept within these bounds, kg per day (a few source values are glitches). */
  minKgPerDay: number;
  maxKgPerDay: number;
  /** Clusters within this distance of Dam square get the inner-city access window 07:00-11:00, metres. */
  innerCityRadiusM: number;
}

export const AMSTERDAM_ASSUMPTIONS: AmsterdamAssumptions = {
  densityKgPerL: 0.15,
  pitVolumeL: 5000,
  pitDepthMm: 2300,
  fillAtVisit: 0.8,
  visitGapMin: 60,
  minWeighingsForTwoYearRate: 100,
  imputedCapQuantile: 0.9,
  minKgPerDay: 5,
  maxKgPerDay: 2000,
  innerCityRadiusM: 1500,
};

export interface AmsterdamCityOptions {
  seed?: number;
  /** Number of districts made by k-means on the RD coordinates (default 7, like the city's boroughs). */
  districts?: number;
  /** Keep only the first N clusters (in file order), for small tests and demos. */
  limit?: number;
  idPrefix?: string;
  assumptions?: Partial<AmsterdamAssumptions>;
  /** Override the file locations (defaults: the shared data folder). */
  files?: Partial<AmsterdamFiles>;
}

export interface AmsterdamFiles {
  clusters: string;
  weighings: string | null;
  arrivalsByHour: string | null;
  afvalpunten: string | null;
}

/** The shared data folder (or the cluster file in it) is absent. */
export class AmsterdamDataMissingError extends Error {
  constructor(what: string) {
    super(`Amsterdam data not found: ${what}. Set VULGRAAD_SHARED_DIR to the folder holding data/amsterdam, or use the generated city.`);
    this.name = 'AmsterdamDataMissingError';
  }
}

/** Where the Amsterdam files are, or null when the cluster file is missing. */
export function amsterdamFiles(): AmsterdamFiles | null {
  const clusters = sharedPath('data', 'amsterdam', 'containers', 'rest_clusters_2020-2021.csv');
  if (!clusters) return null;
  return {
    clusters,
    weighings: sharedPath('data', 'amsterdam', 'containers', 'rest_weighings_2021-03.csv'),
    arrivalsByHour: sharedPath('data', 'groningen', 'arrivals_by_hour_q1_2023_digitised.csv'),
    afvalpunten: sharedPath('data', 'amsterdam', 'facilities', 'afvalpunten.geojson'),
  };
}

const DAM_SQUARE = { lng: 4.8924, lat: 52.3731 };
/** The AEB waste-to-energy plant, Australiëhavenweg 21 (Westpoort): approximate coordinates, typed in by hand. */
const AEB_PLANT: CitySite = { id: 'disposal-aeb', name: 'AEB Afval Energie Bedrijf (approximate location)', lng: 4.8297, lat: 52.4055, fractions: ['residual'], address: 'Australiëhavenweg 21, Amsterdam' };
/** Days in 2020-2021, the span of the cluster file's weighing counts. */
const TWO_YEAR_DAYS = 731;

interface ClusterRow {
  clusterId: string;
  lng: number;
  lat: number;
  rdX: number;
  rdY: number;
  avgKg: number;
  weighings: number;
}

interface Visit {
  startMs: number;
  lastMs: number;
  pits: number;
  kg: number;
}

/**
 * The 6,308 real residual-waste clusters of Amsterdam, with fill rates from
 * their emptying weights (see `AMSTERDAM_ASSUMPTIONS` and the model's notes
 * for how), the Groningen study's hourly deposit profile, districts by
 * k-means, the city's Afvalpunten as depots and the AEB plant as disposal site.
 */
export function loadAmsterdamCity(options: AmsterdamCityOptions = {}): CityModel {
  const files = { ...(amsterdamFiles() ?? {}), ...options.files } as Partial<AmsterdamFiles>;
  if (!files.clusters || !existsSync(files.clusters)) throw new AmsterdamDataMissingError('data/amsterdam/containers/rest_clusters_2020-2021.csv');
  const a = { ...AMSTERDAM_ASSUMPTIONS, ...options.assumptions };
  const seed = options.seed ?? 1;
  const prefix = options.idPrefix ?? 'ams-';
  const notes: string[] = [];

  let rows = readClusters(files.clusters);
  if (options.limit !== undefined) rows = rows.slice(0, Math.max(0, Math.floor(options.limit)));
  const visits = files.weighings && existsSync(files.weighings) ? readVisits(files.weighings, a.visitGapMin) : new Map<string, Visit[]>();
  const medianIntervalDays = medianVisitIntervalDays(visits) ?? 5;
  const positiveAvg = rows.map((r) => r.avgKg).filter((v) => v > 0);
  const cityMedianKg = median(positiveAvg) ?? 300;

  const dailyShares = files.arrivalsByHour && existsSync(files.arrivalsByHour) ? groningenDailyShares(files.arrivalsByHour) : null;
  const profile: WeeklyProfile = dailyShares
    ? weeklyProfile(`${prefix}groningen-hourly`, dailyShares, 'Groningen study Q1 2023 deposits by hour (digitised); no weekday effect in the data')
    : weeklyProfile(`${prefix}synthetic-hourly`, syntheticDailyShares(), 'synthetic day curve (Groningen arrivals file absent)');
  const depositL = meanDepositL(GRONINGEN_DEPOSIT_VOLUME);

  const counts = { march: 0, twoYear: 0, imputed: 0, clamped: 0 };
  const origin = rows.length > 0 ? { x: mean(rows.map((r) => r.rdX)), y: mean(rows.map((r) => r.rdY)) } : { x: 0, y: 0 };
  const estimates = rows.map((row) => {
    const own = visits.get(row.clusterId) ?? [];
    const marchRate = intervalRate(own);
    if (marchRate !== null) return { own, kgPerDay: marchRate, rateSource: 'weighings-2021-03' };
    if (row.weighings >= a.minWeighingsForTwoYearRate && row.avgKg > 0) return { own, kgPerDay: (row.avgKg * row.weighings) / TWO_YEAR_DAYS, rateSource: 'weighings-2020-21' };
    const avgKg = row.avgKg > 0 ? row.avgKg : cityMedianKg;
    return { own, kgPerDay: (avgKg * Math.max(1, medianPits(own))) / medianIntervalDays, rateSource: 'imputed' };
  });
  const measured = estimates.filter((e) => e.rateSource !== 'imputed').map((e) => e.kgPerDay);
  const imputedCap = quantile(measured, a.imputedCapQuantile) ?? a.maxKgPerDay;

  const containers: CityContainer[] = rows.map((row, index) => {
    const estimate = estimates[index] as { own: Visit[]; kgPerDay: number; rateSource: string };
    const { own, rateSource } = estimate;
    let kgPerDay = rateSource === 'imputed' ? Math.min(estimate.kgPerDay, imputedCap) : estimate.kgPerDay;
    if (rateSource === 'weighings-2021-03') counts.march++;
    else if (rateSource === 'weighings-2020-21') counts.twoYear++;
    else counts.imputed++;
    if (kgPerDay < a.minKgPerDay || kgPerDay > a.maxKgPerDay) {
      kgPerDay = Math.min(a.maxKgPerDay, Math.max(a.minKgPerDay, kgPerDay));
      counts.clamped++;
    }
    const avgKg = row.avgKg > 0 ? row.avgKg : cityMedianKg;
    const pitsSeen = medianPits(own);
    const litresPerVisit = (avgKg * Math.max(1, pitsSeen)) / a.densityKgPerL;
    const pits = Math.min(8, Math.max(1, pitsSeen, Math.ceil(litresPerVisit / (a.fillAtVisit * a.pitVolumeL))));
    const inner = haversineM(row.lng, row.lat, DAM_SQUARE.lng, DAM_SQUARE.lat) <= a.innerCityRadiusM;
    return {
      id: `${prefix}${String(index + 1).padStart(5, '0')}`,
      externalRef: row.clusterId,
      lng: row.lng,
      lat: row.lat,
      district: '',
      wasteType: 'residual',
      containerType: 'underground',
      volumeL: pits * a.pitVolumeL,
      depthMm: a.pitDepthMm,
      accessWindow: inner ? { fromMin: 7 * 60, toMin: 11 * 60 } : null,
      pitCount: pits,
      demand: {
        depositsPerDay: round(kgPerDay / a.densityKgPerL / depositL, 3),
        profile,
        depositVolumeL: GRONINGEN_DEPOSIT_VOLUME,
      },
      rateSource,
    };
  });

  const districts = assignDistricts(rows, containers, options.districts ?? 7, new Rng(seed).fork('districts'), prefix, origin);
  const depots = readAfvalpunten(files.afvalpunten ?? null, prefix);
  const centre = containers.length > 0 ? { lng: round(mean(containers.map((c) => c.lng)), 6), lat: round(mean(containers.map((c) => c.lat)), 6) } : { ...DAM_SQUARE };

  const totalKgPerDay = containers.reduce((s, c) => s + c.demand.depositsPerDay * depositL * a.densityKgPerL, 0);
  notes.push(
    `Clusters: ${rows.length} real Rest clusters (Gemeente Amsterdam open data via Snap4Waste; lon/lat recomputed from RD), each treated as one container of ${a.pitVolumeL} L per pit.`,
    `Fill rate (kg/day): March 2021 interval estimate (kg of every visit after the first / days from first to last visit; visits = weighings less than ${a.visitGapMin} min apart; needs >= 3 visits over >= 5 days) for ${counts.march}; else the 2020-21 mean (mean kg x weighings / ${TWO_YEAR_DAYS} days, when >= ${a.minWeighingsForTwoYearRate} weighings) for ${counts.twoYear}; else imputed as mean kg per visit / ${round(medianIntervalDays, 2)} days (median March interval between visits), capped at ${Math.round(imputedCap)} kg/day (the ${a.imputedCapQuantile} quantile of the measured rates), for ${counts.imputed}; ${counts.clamped} clamped to ${a.minKgPerDay}-${a.maxKgPerDay} kg/day.`,
    `Litres = kg / ${a.densityKgPerL} kg/L (assumed bulk density of bagged residual waste in an underground container); deposits/day = litres / ${round(depositL, 2)} L (mean of Triangular(10, 30, 60)). Total ${Math.round(totalKgPerDay / 1000)} t/day.`,
    `Pits per cluster = max(weighings per visit in March 2021, ceil(litres per visit / (${a.fillAtVisit} x ${a.pitVolumeL} L))), at most 8.`,
    `Hourly profile: ${profile.source}.`,
    `Districts: k-means (k = ${districts.length}) on RD coordinates. Inner city (within ${a.innerCityRadiusM} m of Dam square): access window 07:00-11:00.`,
    `Depots: ${depots.length > 0 ? "the city's Afvalpunten (drop-off centres) stand in for truck depots, whose locations are not public" : 'none (afvalpunten.geojson absent)'}; disposal: the AEB waste-to-energy plant (approximate location).`,
  );

  return {
    name: 'Amsterdam (residual-waste clusters 2020-21)',
    kind: 'amsterdam',
    timezone: 'Europe/Amsterdam',
    seed,
    centre,
    districts,
    containers,
    depots,
    disposalSites: [{ ...AEB_PLANT, id: `${prefix}${AEB_PLANT.id}` }],
    notes,
  };
}

function readClusters(file: string): ClusterRow[] {
  const rows: ClusterRow[] = [];
  for (const [i, raw] of parseCsvRecords(readFileSync(file, 'utf8')).entries()) {
    const row: ClusterRow = {
      clusterId: raw.cluster_id ?? '',
      lng: Number(raw.lon),
      lat: Number(raw.lat),
      rdX: Number(raw.rd_x),
      rdY: Number(raw.rd_y),
      avgKg: Number(raw.avg_netto_weight_kg),
      weighings: Number(raw.num_weighings),
    };
    const bad = !row.clusterId || ![row.lng, row.lat, row.rdX, row.rdY, row.avgKg, row.weighings].every(Number.isFinite);
    if (bad) throw new Error(`${file}: row ${i + 2} is not a valid cluster: ${JSON.stringify(raw)}`);
    rows.push(row);
  }
  return rows;
}

/**
 * Weighings grouped into visits per cluster. The file's timestamps carry a
 * literal "Z" but are local time; only differences are used, so the suffix is
 * dropped and the times are read as if they were UTC.
 */
function readVisits(file: string, gapMin: number): Map<string, Visit[]> {
  const byCluster = new Map<string, Array<{ ms: number; kg: number }>>();
  for (const raw of parseCsvRecords(readFileSync(file, 'utf8'))) {
    const ms = Date.parse(`${(raw.dateObserved ?? '').slice(0, 19)}Z`);
    const kg = Number(raw.weight);
    if (!raw.id || !Number.isFinite(ms) || !Number.isFinite(kg)) continue;
    const list = byCluster.get(raw.id) ?? [];
    list.push({ ms, kg: Math.max(0, kg) });
    byCluster.set(raw.id, list);
  }
  const visits = new Map<string, Visit[]>();
  for (const [id, list] of byCluster) {
    list.sort((x, y) => x.ms - y.ms);
    const grouped: Visit[] = [];
    for (const w of list) {
      const last = grouped[grouped.length - 1];
      if (last && w.ms - last.lastMs < gapMin * 60_000) {
        last.pits++;
        last.kg += w.kg;
        last.lastMs = w.ms;
      } else grouped.push({ startMs: w.ms, lastMs: w.ms, pits: 1, kg: w.kg });
    }
    visits.set(id, grouped);
  }
  return visits;
}

/** kg/day from the waste collected at every visit after the first, over the time from first to last visit. */
function intervalRate(visits: Visit[]): number | null {
  if (visits.length < 3) return null;
  const spanDays = ((visits[visits.length - 1] as Visit).startMs - (visits[0] as Visit).startMs) / 86_400_000;
  if (spanDays < 5) return null;
  const kg = visits.slice(1).reduce((s, v) => s + v.kg, 0);
  return kg / spanDays;
}

function medianPits(visits: Visit[]): number {
  return visits.length === 0 ? 0 : Math.round(median(visits.map((v) => v.pits)) ?? 1);
}

function medianVisitIntervalDays(visits: Map<string, Visit[]>): number | null {
  const gaps: number[] = [];
  for (const list of visits.values()) for (let i = 1; i < list.length; i++) gaps.push(((list[i] as Visit).startMs - (list[i - 1] as Visit).startMs) / 86_400_000);
  return median(gaps);
}

function assignDistricts(rows: ClusterRow[], containers: CityContainer[], k: number, rng: Rng, prefix: string, origin: { x: number; y: number }): CityDistrict[] {
  const { assignment, centres } = kMeans(rows.map((r) => ({ x: r.rdX, y: r.rdY })), k, rng);
  // Number districts clockwise from north around the centre of all clusters, so ids do not depend on k-means' start.
  const order = centres
    .map((c, i) => ({ i, bearing: (Math.atan2(c.x - origin.x, c.y - origin.y) + 2 * Math.PI) % (2 * Math.PI) }))
    .sort((p, q) => p.bearing - q.bearing)
    .map((entry) => entry.i);
  const rank = new Map(order.map((clusterIndex, position) => [clusterIndex, position]));
  containers.forEach((c, i) => {
    c.district = `${prefix}d${(rank.get(assignment[i] as number) ?? 0) + 1}`;
  });
  return order.map((clusterIndex, position) => {
    const id = `${prefix}d${position + 1}`;
    const members = containers.filter((c) => c.district === id);
    const lng = mean(members.map((c) => c.lng));
    const lat = mean(members.map((c) => c.lat));
    const centre = centres[clusterIndex] as { x: number; y: number };
    const label = compassLabel(centre.x - origin.x, centre.y - origin.y);
    return { id, name: `Amsterdam ${position + 1} (${label})`, lng: round(lng, 6), lat: round(lat, 6), containerCount: members.length };
  });
}

function readAfvalpunten(file: string | null, prefix: string): CitySite[] {
  if (!file || !existsSync(file)) return [];
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { features?: Array<{ geometry?: { coordinates?: unknown }; properties?: Record<string, unknown> }> };
  return (parsed.features ?? []).flatMap((feature, i) => {
    const coordinates = feature.geometry?.coordinates;
    if (!Array.isArray(coordinates) || typeof coordinates[0] !== 'number' || typeof coordinates[1] !== 'number') return [];
    const name = typeof feature.properties?.name === 'string' ? feature.properties.name : `Afvalpunt ${i + 1}`;
    const address = typeof feature.properties?.address === 'string' ? feature.properties.address : undefined;
    return [{ id: `${prefix}depot-${i + 1}`, name, lng: coordinates[0], lat: coordinates[1], fractions: [...WASTE_FRACTIONS], address }];
  });
}

function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))] as number;
}

function mean(values: number[]): number {
  return values.length === 0 ? NaN : values.reduce((s, v) => s + v, 0) / values.length;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}


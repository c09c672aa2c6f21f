import type { WasteFraction } from '@vulgraad/contracts';
import { WASTE_FRACTIONS } from '@vulgraad/contracts';
import type { CityContainer, CityDistrict, CityModel, CitySite, DepositVolume, WeeklyProfile } from './city';
import { GRONINGEN_DEPOSIT_VOLUME } from './city';
import { compassLabel, offsetM, toLocalM } from './geo';
import { syntheticDailyShares, weeklyProfile } from './profiles';
import { Rng } from './random';

/** How each fraction is stocked and used in the generated city (synthetic, plausible for a Dutch town). */
export interface FractionSpec {
  /** Share of all containers. */
  share: number;
  /** Container sizes (litres) and how often each occurs. */
  volumes: Array<{ volumeL: number; weight: number }>;
  /** Median deposits per day per container, before per-container variation. */
  medianDepositsPerDay: number;
  depositVolumeL: DepositVolume;
  /** Weekday factors, Monday first: more residual after the weekend. */
  weekdayFactors: number[];
}

export const GENERATED_FRACTIONS: Record<WasteFraction, FractionSpec> = {
  residual: {
    share: 0.5,
    volumes: [{ volumeL: 5000, weight: 0.7 }, { volumeL: 4000, weight: 0.3 }],
    medianDepositsPerDay: 18,
    depositVolumeL: GRONINGEN_DEPOSIT_VOLUME,
    weekdayFactors: [1.1, 0.98, 0.95, 0.95, 0.97, 1.02, 1.03],
  },
  paper: {
    share: 0.18,
    volumes: [{ volumeL: 5000, weight: 0.6 }, { volumeL: 4000, weight: 0.4 }],
    medianDepositsPerDay: 10,
    depositVolumeL: { minL: 5, modeL: 20, maxL: 60 },
    weekdayFactors: [1.05, 1, 0.97, 0.97, 0.98, 1.02, 1.01],
  },
  glass: {
    share: 0.12,
    volumes: [{ volumeL: 3000, weight: 0.6 }, { volumeL: 4000, weight: 0.4 }],
    medianDepositsPerDay: 12,
    depositVolumeL: { minL: 2, modeL: 5, maxL: 15 },
    weekdayFactors: [1.05, 0.95, 0.92, 0.93, 0.98, 1.12, 1.05],
  },
  plastic: {
    share: 0.12,
    volumes: [{ volumeL: 5000, weight: 1 }],
    medianDepositsPerDay: 12,
    depositVolumeL: GRONINGEN_DEPOSIT_VOLUME,
    weekdayFactors: [1.08, 0.99, 0.96, 0.96, 0.97, 1.02, 1.02],
  },
  organic: {
    share: 0.05,
    volumes: [{ volumeL: 3000, weight: 1 }],
    medianDepositsPerDay: 20,
    depositVolumeL: { minL: 3, modeL: 8, maxL: 20 },
    weekdayFactors: [1.05, 1, 0.98, 0.98, 0.99, 1, 1],
  },
  textile: {
    share: 0.03,
    volumes: [{ volumeL: 3000, weight: 1 }],
    medianDepositsPerDay: 3,
    depositVolumeL: { minL: 10, modeL: 25, maxL: 50 },
    weekdayFactors: [0.95, 0.95, 0.95, 0.95, 0.95, 1.15, 1.1],
  },
};

export interface GeneratedCityOptions {
  /** Number of containers. */
  containers: number;
  seed?: number;
  name?: string;
  /** Defaults to a made-up spot in the woods east of Utrecht. */
  centre?: { lng: number; lat: number };
  /** Number of districts; by default about one per 400 containers (1 below 200, at most 12). */
  districts?: number;
  /** Prefix of every id (containers, districts, sites), so parallel runs never collide. */
  idPrefix?: string;
  timezone?: string;
  /** Replace the synthetic day curve (e.g. with the Groningen study's). */
  dailyShares?: readonly number[];
  /** Only these fractions (e.g. ['residual'] for a study like Groningen's). */
  fractions?: readonly WasteFraction[];
  /** Multiplies every container's deposit rate (e.g. to match a study's deposits per day). */
  demandScale?: number;
  /** Log-scale standard deviation of the per-container rate multiplier (default 0.45). */
  rateSpread?: number;
}

/** Sites (container locations) per square kilometre: a dense Dutch neighbourhood. */
const SITES_PER_KM2 = 35;
/** Containers standing together at one site, and how often. */
const SITE_SIZES = [
  { size: 1, weight: 0.55 },
  { size: 2, weight: 0.25 },
  { size: 3, weight: 0.15 },
  { size: 4, weight: 0.05 },
];
/** Inner-city containers may only be emptied 07:00-11:00, as in many Dutch town centres. */
const CENTRE_ACCESS_WINDOW = { fromMin: 7 * 60, toMin: 11 * 60 };

/**
 * A synthetic city of any size: sites strung along street-like lines around a
 * centre, denser towards the middle; a central district and sectors around
 * it; one depot and two disposal sites outside the built-up area. Works
 * without any data file (it is the demo city of `npm start`).
 */
export function generateCity(options: GeneratedCityOptions): CityModel {
  const total = Math.floor(options.containers);
  if (!(total >= 1)) throw new RangeError(`containers must be at least 1, got ${options.containers}`);
  const seed = options.seed ?? 1;
  const prefix = options.idPrefix ?? 'vul-';
  const centre = options.centre ?? { lng: 5.295, lat: 52.062 };
  const timezone = options.timezone ?? 'Europe/Amsterdam';
  const rng = new Rng(seed);
  const fractionsUsed = options.fractions && options.fractions.length > 0 ? [...options.fractions] : [...WASTE_FRACTIONS];
  const demandScale = options.demandScale ?? 1;
  const rateSpread = options.rateSpread ?? 0.45;
  if (!(demandScale > 0) || !(rateSpread >= 0)) throw new RangeError('demandScale must be positive and rateSpread not negative');
  const districtCount = Math.max(1, Math.floor(options.districts ?? (total < 200 ? 1 : Math.min(12, Math.max(2, Math.round(total / 400))))));

  const fractions = assignFractions(total, fractionsUsed, rng.fork('fractions'));
  const siteSizes = drawSiteSizes(total, rng.fork('site-sizes'));
  const radiusM = Math.sqrt(siteSizes.length / (Math.PI * SITES_PER_KM2)) * 1000;
  const sitePoints = layOutSites(siteSizes.length, radiusM, rng.fork('streets'));

  const dailyShares = options.dailyShares ? [...options.dailyShares] : syntheticDailyShares();
  const profileSource = options.dailyShares ? 'given day curve' : 'synthetic day curve';
  const profiles = new Map<WasteFraction, WeeklyProfile>(
    fractionsUsed.map((fraction) => [fraction, weeklyProfile(`${prefix}${fraction}`, dailyShares, `${profileSource}, synthetic weekday factors`, GENERATED_FRACTIONS[fraction].weekdayFactors)]),
  );

  const districtIds = Array.from({ length: districtCount }, (_, i) => `${prefix}d${i + 1}`);
  const districtOf = (x: number, y: number): number => {
    if (districtCount === 1) return 0;
    const r = Math.hypot(x, y);
    if (r < 0.35 * radiusM) return 0;
    const bearing = (Math.atan2(x, y) + 2 * Math.PI) % (2 * Math.PI);
    return 1 + Math.min(districtCount - 2, Math.floor((bearing / (2 * Math.PI)) * (districtCount - 1)));
  };
  const districtFactor = districtIds.map((_, i) => (i === 0 && districtCount > 1 ? 1.15 : rng.fork(`district-${i}`).between(0.85, 1.1)));

  const containers: CityContainer[] = [];
  const width = Math.max(5, String(total).length);
  let next = 0;
  siteSizes.forEach((size, siteIndex) => {
    const point = sitePoints[siteIndex] as { x: number; y: number };
    const district = districtOf(point.x, point.y);
    for (let k = 0; k < size; k++) {
      const index = next++;
      const fraction = fractions[index] as WasteFraction;
      const spec = GENERATED_FRACTIONS[fraction];
      const own = rng.fork(`container-${index}`);
      const volumeL = weightedPick(spec.volumes.map((v) => ({ item: v.volumeL, weight: v.weight })), own);
      const position = offsetM(centre.lng, centre.lat, point.x + k * 2.5, point.y + k * 1.0);
      const id = `${prefix}${String(index + 1).padStart(width, '0')}`;
      containers.push({
        id,
        externalRef: `${prefix}site-${siteIndex + 1}-${k + 1}-${fraction}`,
        lng: round(position.lng, 7),
        lat: round(position.lat, 7),
        district: districtIds[district] as string,
        wasteType: fraction,
        containerType: 'underground',
        volumeL,
        depthMm: Math.round(1200 + 0.22 * volumeL),
        accessWindow: district === 0 && districtCount > 1 ? { ...CENTRE_ACCESS_WINDOW } : null,
        pitCount: 1,
        demand: {
          depositsPerDay: round(spec.medianDepositsPerDay * demandScale * (districtFactor[district] as number) * own.logNormal(1, rateSpread), 3),
          profile: profiles.get(fraction) as WeeklyProfile,
          depositVolumeL: spec.depositVolumeL,
        },
        rateSource: 'synthetic',
      });
    }
  });

  const districts: CityDistrict[] = districtIds.map((id, i) => {
    const members = containers.filter((c) => c.district === id);
    const lng = members.length ? members.reduce((s, c) => s + c.lng, 0) / members.length : centre.lng;
    const lat = members.length ? members.reduce((s, c) => s + c.lat, 0) / members.length : centre.lat;
    const local = toLocalM(lng, lat, centre.lng, centre.lat);
    const name = districtCount === 1 ? 'Whole city' : i === 0 ? 'Centrum' : `District ${i + 1} (${compassLabel(local.x, local.y)})`;
    return { id, name, lng: round(lng, 6), lat: round(lat, 6), containerCount: members.length };
  });

  const site = (id: string, name: string, bearingDeg: number, distanceM: number, accepts: WasteFraction[]): CitySite => {
    const b = (bearingDeg * Math.PI) / 180;
    const p = offsetM(centre.lng, centre.lat, Math.sin(b) * distanceM, Math.cos(b) * distanceM);
    return { id: `${prefix}${id}`, name, lng: round(p.lng, 7), lat: round(p.lat, 7), fractions: accepts };
  };
  const depots = [site('depot-1', 'Depot Vulstad (synthetic)', 100, radiusM * 1.05 + 300, [...WASTE_FRACTIONS])];
  const disposalSites = [
    site('disposal-1', 'Waste-to-energy plant (synthetic)', 300, radiusM * 1.4 + 1500, ['residual', 'textile']),
    site('disposal-2', 'Recycling park (synthetic)', 150, radiusM * 1.25 + 1000, ['paper', 'glass', 'plastic', 'organic', 'textile']),
  ];

  return {
    name: options.name ?? 'Vulstad (synthetic)',
    kind: 'generated',
    timezone,
    seed,
    centre,
    districts,
    containers,
    depots,
    disposalSites,
    notes: [
      `Synthetic city: ${total} containers at ${siteSizes.length} sites within ${Math.round(radiusM)} m of (${centre.lng}, ${centre.lat}); nothing here is real.`,
      `Deposits: Poisson by local hour (${profileSource}) and weekday; volumes triangular per fraction (residual and plastic 10/30/60 L as in the Groningen study).`,
      `Districts: ${districtCount === 1 ? 'one' : `a central disc (r < 35% of the radius, access 07:00-11:00) and ${districtCount - 1} sector${districtCount === 2 ? '' : 's'}`}.`,
    ],
  };
}

/** Fractions in exact proportion to their shares (largest remainder), then shuffled. */
function assignFractions(total: number, used: WasteFraction[], rng: Rng): WasteFraction[] {
  const weightSum = used.reduce((s, f) => s + GENERATED_FRACTIONS[f].share, 0);
  const exact = used.map((f) => (GENERATED_FRACTIONS[f].share / weightSum) * total);
  const counts = exact.map(Math.floor);
  let missing = total - counts.reduce((s, c) => s + c, 0);
  const order = exact.map((value, i) => ({ i, rest: value - Math.floor(value) })).sort((a, b) => b.rest - a.rest);
  for (let k = 0; missing > 0; k = (k + 1) % order.length, missing--) {
    const i = (order[k] as { i: number }).i;
    counts[i] = (counts[i] as number) + 1;
  }
  const list: WasteFraction[] = used.flatMap((f, i) => new Array<WasteFraction>(counts[i] as number).fill(f));
  for (let i = list.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [list[i], list[j]] = [list[j] as WasteFraction, list[i] as WasteFraction];
  }
  return list;
}

function drawSiteSizes(total: number, rng: Rng): number[] {
  const sizes: number[] = [];
  let placed = 0;
  while (placed < total) {
    const size = Math.min(total - placed, weightedPick(SITE_SIZES.map((s) => ({ item: s.size, weight: s.weight })), rng));
    sizes.push(size);
    placed += size;
  }
  return sizes;
}

/**
 * Points (metres east/north of the centre) along street-like lines: each
 * street starts at a random spot (denser towards the centre), runs radially
 * or along a ring with a slowly wandering heading, and gets a site every
 * 60-160 m, slightly off its centre line.
 */
function layOutSites(count: number, radiusM: number, rng: Rng): Array<{ x: number; y: number }> {
  const points: Array<{ x: number; y: number }> = [];
  const limit = radiusM * 1.05;
  while (points.length < count) {
    const r = radiusM * Math.pow(rng.uniform(), 0.6);
    const angle = rng.between(0, 2 * Math.PI);
    let x = r * Math.sin(angle);
    let y = r * Math.cos(angle);
    let heading = angle + (rng.chance(0.5) ? 0 : Math.PI / 2) + rng.normal(0, 0.15) + (rng.chance(0.5) ? Math.PI : 0);
    const lengthM = rng.between(250, 1400);
    for (let walked = 0; walked < lengthM && points.length < count; ) {
      if (Math.hypot(x, y) > limit) break;
      const side = rng.normal(0, 5);
      points.push({ x: x + Math.cos(heading) * side, y: y - Math.sin(heading) * side });
      const step = rng.between(60, 160);
      walked += step;
      heading += rng.normal(0, 0.08);
      x += Math.sin(heading) * step;
      y += Math.cos(heading) * step;
    }
  }
  return points;
}

function weightedPick<T>(options: Array<{ item: T; weight: number }>, rng: Rng): T {
  const total = options.reduce((s, o) => s + o.weight, 0);
  let target = rng.uniform() * total;
  for (const option of options) {
    target -= option.weight;
    if (target <= 0) return option.item;
  }
  return (options[options.length - 1] as { item: T }).item;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

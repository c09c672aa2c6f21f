import { GRONINGEN_DEPOSIT_VOLUME, groningenDailyShares, offsetM, Rng, syntheticDailyShares, weeklyProfile, type CityContainer, type CityModel, type CitySite } from '@vulgraad/city-model';
import { sharedPath } from '@vulgraad/config';
import type { CalibratedLegModel } from '../calibrated-straight.provider';

/**
 * The published facts of the Groningen case (Wouda, Aerts-Veenstra & van
 * Foreest 2024; shared/data/groningen/SETUP.md and RESULTS.md) that the
 * Groningen-like city is built from.
 */
export const GRONINGEN_FACTS = {
  clusters: 850,
  containers: 1120,
  depositsPerDay: 22_600,
  /** Stadsbeheer, Duinkerkenstraat 45: every route starts and ends here. */
  depot: { lng: 6.6127883, lat: 53.197625 },
  /** The disposal site is about 200 m down the road from the depot. */
  disposalOffsetM: 200,
  /** Grote Markt, the middle of the inner city. */
  centre: { lng: 6.5665, lat: 53.219 },
} as const;

/**
 * Legs of the study's `test.db` OSRM matrix (6 real locations, 30 legs of 1.9-8.0 km):
 * road metres over great-circle metres summed over all legs = 1.48 (depot legs alone 1.53);
 * least-squares duration = 77 s + distance / 41.0 km/h (RMSE 33 s). Legs shorter than about
 * 1.4 km go at 25 km/h, the study's truck profile's speed on residential streets.
 */
export const GRONINGEN_LEG_MODEL: CalibratedLegModel = { detourFactor: 1.48, speedKmh: 41, legOverheadS: 77, streetSpeedKmh: 25 };

export interface GroningenLikeOptions {
  seed?: number;
  /** Clusters (default 850); containers and deposits scale with it. */
  clusters?: number;
  /** Deposits a day over all clusters (default 22,600 x clusters / 850). */
  depositsPerDay?: number;
  /** Log-scale spread of the per-cluster deposit rate (default 0.6). */
  rateSpread?: number;
  idPrefix?: string;
}

/** Inner-city clusters: this share of all, within this radius of Grote Markt, visited by 11:00 as in the study. */
const INNER_CITY_SHARE = 0.13;
const INNER_CITY_RADIUS_M = 900;
const INNER_CITY_WINDOW = { fromMin: 0, toMin: 11 * 60 };
/** The built-up area: an ellipse around the city's middle (about Vinkhuizen to Lewenborg, Beijum to Helpman). */
const URBAN_CENTRE = { lng: 6.566, lat: 53.222 };
const URBAN_SEMI_AXIS_EAST_M = 4300;
const URBAN_SEMI_AXIS_NORTH_M = 3200;
/** Pit sizes: the study's containers are typically 4 or 5 m3. */
const PIT_SIZES = [
  { volumeL: 5000, weight: 0.7 },
  { volumeL: 4000, weight: 0.3 },
];
const MAX_PITS_PER_CLUSTER = 4;

/**
 * A synthetic city shaped after the Groningen study's published description:
 * 850 residual-waste clusters of 1,120 underground containers (pits of 4 or
 * 5 m3; the extra pits stand where deposits are highest), about 22,600
 * deposits a day with the study's hourly curve and no weekday effect,
 * Triangular(10, 30, 60) L deposits, the real depot with the disposal site
 * 200 m away, an inner city visited by 11:00. Where clusters stand and how
 * busy each one is are synthetic (the real data is not public).
 */
export function groningenLikeCity(options: GroningenLikeOptions = {}): CityModel {
  const seed = options.seed ?? 1;
  const prefix = options.idPrefix ?? 'gro-';
  const clusters = Math.floor(options.clusters ?? GRONINGEN_FACTS.clusters);
  if (!(clusters >= 1)) throw new RangeError(`clusters must be at least 1, got ${options.clusters}`);
  const scale = clusters / GRONINGEN_FACTS.clusters;
  const depositsPerDay = options.depositsPerDay ?? GRONINGEN_FACTS.depositsPerDay * scale;
  const pitsTotal = Math.max(clusters, Math.round(GRONINGEN_FACTS.containers * scale));
  const rateSpread = options.rateSpread ?? 0.6;
  const rng = new Rng(seed);
  const notes: string[] = [];

  const curvePath = sharedPath('data', 'groningen', 'arrivals_by_hour_q1_2023_digitised.csv');
  const shares = curvePath ? groningenDailyShares(curvePath) : syntheticDailyShares();
  notes.push(curvePath ? 'Deposits by hour: the study\'s Q1 2023 curve (digitised), the same every day.' : 'Deposits by hour: synthetic day curve (the digitised Groningen curve was not found in the shared data folder).');
  const profile = weeklyProfile(`${prefix}groningen-day`, shares, curvePath ? 'Groningen Q1 2023 deposits by hour (digitised), no weekday effect' : 'synthetic day curve');

  // Where clusters stand.
  const place = rng.fork('places');
  const positions: Array<{ lng: number; lat: number; inner: boolean }> = [];
  const innerCount = Math.round(clusters * INNER_CITY_SHARE);
  for (let k = 0; k < clusters; k++) {
    if (k < innerCount) {
      const r = INNER_CITY_RADIUS_M * Math.sqrt(place.uniform());
      const a = 2 * Math.PI * place.uniform();
      positions.push({ ...offsetM(GRONINGEN_FACTS.centre.lng, GRONINGEN_FACTS.centre.lat, r * Math.sin(a), r * Math.cos(a)), inner: true });
      continue;
    }
    for (;;) {
      const x = (2 * place.uniform() - 1) * URBAN_SEMI_AXIS_EAST_M;
      const y = (2 * place.uniform() - 1) * URBAN_SEMI_AXIS_NORTH_M;
      if ((x / URBAN_SEMI_AXIS_EAST_M) ** 2 + (y / URBAN_SEMI_AXIS_NORTH_M) ** 2 > 1) continue;
      const p = offsetM(URBAN_CENTRE.lng, URBAN_CENTRE.lat, x, y);
      const fromCentre = offsetDistanceM(p, GRONINGEN_FACTS.centre);
      if (fromCentre <= INNER_CITY_RADIUS_M) continue;
      positions.push({ ...p, inner: false });
      break;
    }
  }

  // How busy: log-normal around the mean, scaled to the city's total.
  const busy = rng.fork('rates');
  const raw = positions.map(() => busy.logNormal(1, rateSpread));
  const rawTotal = raw.reduce((s, v) => s + v, 0);
  const rates = raw.map((v) => (v / rawTotal) * depositsPerDay);

  // Pits: one each, the rest where a cluster would fill soonest (the city sizes clusters to their use).
  const sizes = rng.fork('pits');
  const pits: number[][] = positions.map(() => [pickPit(sizes)]);
  const litresPerDay = rates.map((r) => r * ((GRONINGEN_DEPOSIT_VOLUME.minL + GRONINGEN_DEPOSIT_VOLUME.modeL + GRONINGEN_DEPOSIT_VOLUME.maxL) / 3));
  for (let extra = pitsTotal - clusters; extra > 0; extra--) {
    let best = -1;
    let bestDays = Infinity;
    for (let k = 0; k < clusters; k++) {
      const list = pits[k] as number[];
      if (list.length >= MAX_PITS_PER_CLUSTER) continue;
      const days = sum(list) / (litresPerDay[k] as number);
      if (days < bestDays) {
        bestDays = days;
        best = k;
      }
    }
    if (best < 0) break;
    (pits[best] as number[]).push(pickPit(sizes));
  }

  const width = Math.max(4, String(clusters).length);
  const district = `${prefix}city`;
  const containers: CityContainer[] = positions.map((p, k) => {
    const list = pits[k] as number[];
    const largest = Math.max(...list);
    return {
      id: `${prefix}${String(k + 1).padStart(width, '0')}`,
      externalRef: null,
      lng: round(p.lng, 7),
      lat: round(p.lat, 7),
      district,
      wasteType: 'residual',
      containerType: 'underground',
      volumeL: sum(list),
      // The sensor hangs in one pit; the pits of a cluster are assumed to fill alike.
      depthMm: Math.round(1200 + 0.22 * largest),
      accessWindow: p.inner ? { ...INNER_CITY_WINDOW } : null,
      pitCount: list.length,
      demand: { depositsPerDay: round(rates[k] as number, 4), profile, depositVolumeL: GRONINGEN_DEPOSIT_VOLUME },
      rateSource: 'synthetic (Groningen-like)',
    };
  });

  const depot: CitySite = { id: `${prefix}depot`, name: 'Stadsbeheer depot, Duinkerkenstraat 45', ...GRONINGEN_FACTS.depot, fractions: ['residual'] };
  const disposalAt = offsetM(GRONINGEN_FACTS.depot.lng, GRONINGEN_FACTS.depot.lat, GRONINGEN_FACTS.disposalOffsetM, 0);
  const disposal: CitySite = { id: `${prefix}disposal`, name: 'Disposal site 200 m from the depot', lng: round(disposalAt.lng, 7), lat: round(disposalAt.lat, 7), fractions: ['residual'] };
  const pitCount = containers.reduce((s, c) => s + c.pitCount, 0);
  notes.push(
    `${clusters} clusters of ${pitCount} pits (4 or 5 m3), ${Math.round(depositsPerDay)} deposits a day (log-normal spread ${rateSpread} across clusters), Triangular(10, 30, 60) L a deposit.`,
    `${innerCount} inner-city clusters within ${INNER_CITY_RADIUS_M} m of Grote Markt are visited by 11:00; the rest stand in an ellipse of ${URBAN_SEMI_AXIS_EAST_M / 1000} x ${URBAN_SEMI_AXIS_NORTH_M / 1000} km (semi-axes) over the built-up area.`,
    'Extra pits go, one at a time, to the cluster that would fill soonest (at most 4 pits a cluster).',
  );
  return {
    name: 'Groningen-like (synthetic)',
    kind: 'generated',
    timezone: 'Europe/Amsterdam',
    seed,
    centre: { ...GRONINGEN_FACTS.centre },
    districts: [{ id: district, name: 'Whole city', lng: URBAN_CENTRE.lng, lat: URBAN_CENTRE.lat, containerCount: clusters }],
    containers,
    depots: [depot],
    disposalSites: [disposal],
    notes,
  };
}

function pickPit(rng: Rng): number {
  const u = rng.uniform();
  let acc = 0;
  for (const size of PIT_SIZES) {
    acc += size.weight;
    if (u < acc) return size.volumeL;
  }
  return (PIT_SIZES[PIT_SIZES.length - 1] as { volumeL: number }).volumeL;
}

function offsetDistanceM(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const x = (a.lng - b.lng) * 111_320 * Math.cos((b.lat * Math.PI) / 180);
  const y = (a.lat - b.lat) * 110_574;
  return Math.hypot(x, y);
}

const sum = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0);
const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

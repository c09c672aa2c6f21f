/**
 * How fast a collection truck drives on each kind of road. OSM `maxspeed`
 * wins where present; otherwise the class default. A truck never drives
 * faster than `truckMaxKmh`, and `urbanFactor` scales everything for the
 * junctions, traffic and manoeuvring a free-flow speed ignores.
 */
export interface SpeedOptions {
  /** km/h by OSM highway value; merged over DEFAULT_SPEEDS_KMH. */
  speedsKmh?: Readonly<Record<string, number>>;
  /** Top speed of the truck, km/h. Default 80. */
  truckMaxKmh?: number;
  /** Multiplier on every speed (0 < f <= 1). Default 0.8. */
  urbanFactor?: number;
}

/** Free-flow defaults by highway class, km/h (Dutch urban limits where a class implies one). */
export const DEFAULT_SPEEDS_KMH: Readonly<Record<string, number>> = {
  motorway: 100,
  motorway_link: 60,
  trunk: 80,
  trunk_link: 50,
  primary: 50,
  primary_link: 40,
  secondary: 50,
  secondary_link: 40,
  tertiary: 40,
  tertiary_link: 30,
  unclassified: 30,
  residential: 30,
  living_street: 15,
  service: 15,
  road: 30,
};

/** Highway classes a collection truck may use. */
export const DRIVABLE_HIGHWAYS: ReadonlySet<string> = new Set(Object.keys(DEFAULT_SPEEDS_KMH));

const FALLBACK_KMH = 30;
const MPH = 1.609344;

/** Named limits that OSM writes instead of numbers (country:zone). */
const NAMED_LIMITS: Readonly<Record<string, number>> = {
  'nl:urban': 50,
  'nl:rural': 80,
  'nl:trunk': 100,
  'nl:motorway': 130,
  'de:urban': 50,
  'de:rural': 100,
  'be:urban': 50,
  'be-vlg:urban': 50,
  'be-vlg:rural': 70,
  walk: 7,
  living_street: 15,
};

/**
 * Reads an OSM `maxspeed` value ("50", "30 mph", "NL:urban", "50;30", "['30', '50']"
 * from OSMnx) as km/h; null when absent or unreadable. Of several values the
 * lowest counts: a truck obeys the strictest sign.
 */
export function parseMaxspeed(raw: string | null | undefined): number | null {
  if (raw === null || raw === undefined) return null;
  const cleaned = raw.replace(/[[\]'"]/g, '').trim();
  if (cleaned === '' || cleaned === 'none' || cleaned === 'signals' || cleaned === 'variable') return null;
  let best: number | null = null;
  for (const part of cleaned.split(/[;,|]/)) {
    const value = part.trim().toLowerCase();
    let kmh: number | null = null;
    const numeric = /^(\d+(?:\.\d+)?)\s*(mph|km\/h|kmh|kph)?$/.exec(value);
    if (numeric) kmh = Number(numeric[1]) * (numeric[2] === 'mph' ? MPH : 1);
    else if (NAMED_LIMITS[value] !== undefined) kmh = NAMED_LIMITS[value];
    if (kmh !== null && kmh > 0 && (best === null || kmh < best)) best = kmh;
  }
  return best;
}

/** Resolved speed model: the km/h a truck drives on a road of a class with a posted limit. */
export class SpeedModel {
  private readonly speeds: Readonly<Record<string, number>>;
  readonly truckMaxKmh: number;
  readonly urbanFactor: number;

  constructor(options: SpeedOptions = {}) {
    this.speeds = { ...DEFAULT_SPEEDS_KMH, ...(options.speedsKmh ?? {}) };
    this.truckMaxKmh = options.truckMaxKmh ?? 80;
    this.urbanFactor = options.urbanFactor ?? 0.8;
    if (!(this.urbanFactor > 0 && this.urbanFactor <= 1)) throw new RangeError(`urbanFactor must be in (0, 1], got ${this.urbanFactor}`);
    if (!(this.truckMaxKmh > 0)) throw new RangeError(`truckMaxKmh must be > 0, got ${this.truckMaxKmh}`);
  }

  /** km/h on a road; `maxspeedKmh` null or 0 means unknown (class default applies). */
  kmh(highway: string, maxspeedKmh: number | null): number {
    const base = maxspeedKmh && maxspeedKmh > 0 ? maxspeedKmh : (this.speeds[highway] ?? FALLBACK_KMH);
    return Math.min(base, this.truckMaxKmh) * this.urbanFactor;
  }

  /** A stable description for cache fingerprints. */
  describe(): string {
    const classes = Object.keys(this.speeds)
      .sort()
      .map((k) => `${k}=${this.speeds[k]}`)
      .join(',');
    return `max=${this.truckMaxKmh};factor=${this.urbanFactor};${classes}`;
  }
}

/** Normalises an OSM/OSMnx highway value: lists ("['residential', 'unclassified']") give their first drivable class. */
export function normaliseHighway(raw: string | null | undefined): string {
  if (!raw) return '';
  const parts = raw
    .replace(/[[\]'"]/g, '')
    .split(/[;,]/)
    .map((p) => p.trim())
    .filter(Boolean);
  return parts.find((p) => DRIVABLE_HIGHWAYS.has(p)) ?? parts[0] ?? '';
}

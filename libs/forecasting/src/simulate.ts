import { LocalWeekClock } from './local-week';
import type { CollectionObservation, ContainerHistory, FillObservation } from './types';

const HOUR_MS = 3_600_000;

/**
 * How one synthetic container behaves: deposits arrive as a Poisson process
 * whose rate depends on the local weekday and hour (the Groningen study's
 * setup), each with a triangular volume; a sensor reports the level with
 * noise; the container is emptied on a threshold policy or at given times.
 */
export interface FillSimulationSpec {
  containerId: string;
  startMs: number;
  days: number;
  capacityL: number;
  /** Mean deposits per day over the week. */
  depositsPerDay: number;
  /** 24 shares of a day's deposits by local hour (normalised). Default flat. */
  hourShare?: readonly number[];
  /** 7 factors by local weekday, Monday first (normalised to mean 1). Default flat. */
  weekdayFactor?: readonly number[];
  /** Triangular deposit volume, litres. Default 10 / 30 / 60 (the Groningen pilot). */
  depositL?: { min: number; mode: number; max: number };
  /** Sensor reporting interval, hours. Default 1. */
  readingEveryH?: number;
  /** Sensor noise, points (standard deviation). Default 2. */
  noiseSdPct?: number;
  /** Threshold policy: emptied on the next round when the true fill is at or above this. Default 75. */
  emptyAtPct?: number;
  /** Local hour at which the daily round passes. Default 8. */
  roundHour?: number;
  /** Explicit emptying times; replaces the threshold policy. */
  collectionTimesMs?: readonly number[];
  /** Share of emptyings that also arrive as collection events (the rest only show as a drop). Default 0.5. */
  reportedCollectionShare?: number;
  faults?: {
    /** Windows without any reading. */
    silent?: ReadonlyArray<readonly [number, number]>;
    /** Windows in which the sensor repeats its last value, flagged stuck_value. */
    stuck?: ReadonlyArray<readonly [number, number]>;
    /** Share of readings replaced by a random level flagged impossible_jump. */
    jumpShare?: number;
  };
  timeZone?: string;
  seed: number;
}

/** A synthetic history and the true (noise-free, uncapped) fill at every reading. */
export interface FillSimulation {
  history: ContainerHistory;
  truth: Array<{ atMs: number; fillPct: number }>;
  /** Every emptying, reported or not. */
  emptiedAtMs: number[];
}

/** A small, fast, seedable generator (mulberry32): identical seeds give identical histories. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Poisson draw: multiplication method for small means, a rounded normal for large ones. */
export function poisson(random: () => number, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

/** A standard normal draw (Box-Muller). */
export function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function triangular(random: () => number, min: number, mode: number, max: number): number {
  const u = random();
  const cut = (mode - min) / (max - min);
  return u < cut ? min + Math.sqrt(u * (max - min) * (mode - min)) : max - Math.sqrt((1 - u) * (max - min) * (max - mode));
}

function normalised(values: readonly number[] | undefined, length: number, total: number): number[] {
  if (!values) return new Array<number>(length).fill(total / length);
  const sum = values.reduce((a, b) => a + b, 0);
  return values.map((v) => (v / sum) * total);
}

const inWindow = (atMs: number, windows: ReadonlyArray<readonly [number, number]> | undefined): boolean =>
  (windows ?? []).some(([from, to]) => atMs >= from && atMs < to);

/** Generates one container's readings and collections. */
export function simulateFillHistory(spec: FillSimulationSpec): FillSimulation {
  const random = seededRandom(spec.seed);
  const clock = LocalWeekClock.for(spec.timeZone ?? 'Europe/Amsterdam');
  const hourShare = normalised(spec.hourShare, 24, 1);
  const weekdayFactor = normalised(spec.weekdayFactor, 7, 7);
  const deposit = spec.depositL ?? { min: 10, mode: 30, max: 60 };
  const readingEveryMs = (spec.readingEveryH ?? 1) * HOUR_MS;
  const noiseSd = spec.noiseSdPct ?? 2;
  const emptyAt = spec.emptyAtPct ?? 75;
  const roundHour = spec.roundHour ?? 8;
  const reportShare = spec.reportedCollectionShare ?? 0.5;
  const explicit = spec.collectionTimesMs ? [...spec.collectionTimesMs].sort((a, b) => a - b) : null;
  let nextExplicit = 0;

  const readings: FillObservation[] = [];
  const collections: CollectionObservation[] = [];
  const truth: Array<{ atMs: number; fillPct: number }> = [];
  const emptiedAtMs: number[] = [];
  let volumeL = 0;
  let lastReported: number | null = null;
  // Sensors do not report on the hour exactly: a fixed phase per container.
  let nextReadingMs = spec.startMs + Math.floor(random() * readingEveryMs);
  const endMs = spec.startMs + spec.days * 24 * HOUR_MS;

  const empty = (atMs: number): void => {
    emptiedAtMs.push(atMs);
    if (random() < reportShare) collections.push({ atMs, observedFillPct: Math.round((volumeL / spec.capacityL) * 10) * 10 });
    volumeL = 0;
  };

  for (let hourStart = spec.startMs; hourStart < endMs; hourStart += HOUR_MS) {
    const slot = clock.slotOf(hourStart);
    const mean = (spec.depositsPerDay * hourShare[slot % 24] * weekdayFactor[Math.floor(slot / 24)]);
    const count = poisson(random, mean);
    const events: Array<{ atMs: number; volumeL?: number; round?: true }> = [];
    for (let k = 0; k < count; k++) {
      events.push({ atMs: hourStart + random() * HOUR_MS, volumeL: triangular(random, deposit.min, deposit.mode, deposit.max) });
    }
    if (!explicit && slot % 24 === roundHour) events.push({ atMs: hourStart + random() * HOUR_MS, round: true });
    while (explicit && nextExplicit < explicit.length && explicit[nextExplicit] < hourStart + HOUR_MS) {
      if (explicit[nextExplicit] >= hourStart) events.push({ atMs: explicit[nextExplicit], round: true });
      nextExplicit++;
    }
    while (nextReadingMs < hourStart + HOUR_MS) {
      events.push({ atMs: nextReadingMs });
      nextReadingMs += readingEveryMs;
    }
    events.sort((a, b) => a.atMs - b.atMs);
    for (const event of events) {
      if (event.volumeL !== undefined) {
        volumeL += event.volumeL;
      } else if (event.round) {
        if (explicit || (volumeL / spec.capacityL) * 100 >= emptyAt) empty(event.atMs);
      } else {
        const atMs = event.atMs;
        if (inWindow(atMs, spec.faults?.silent)) continue;
        const trueFill = (volumeL / spec.capacityL) * 100;
        truth.push({ atMs, fillPct: trueFill });
        if (inWindow(atMs, spec.faults?.stuck) && lastReported !== null) {
          readings.push({ atMs, fillPct: lastReported, flags: ['stuck_value'] });
        } else if (random() < (spec.faults?.jumpShare ?? 0)) {
          readings.push({ atMs, fillPct: Math.round(random() * 1000) / 10, flags: ['impossible_jump'] });
        } else {
          const seen = Math.min(100, Math.max(0, trueFill + noiseSd * gaussian(random)));
          lastReported = Math.round(seen * 10) / 10;
          readings.push({ atMs, fillPct: lastReported, flags: [] });
        }
      }
    }
  }
  return { history: { containerId: spec.containerId, readings, collections }, truth, emptiedAtMs };
}

import type { ReadingFlag } from '@vulgraad/contracts';

/** Where the doubt starts. Defaults are conservative: a flag should mean something. */
export interface QualityThresholds {
  /** A measurement time this far after receipt is a clock running ahead. */
  futureSkewS: number;
  /** A measurement time this far before receipt is a clock running behind (or a very late replay). */
  staleAfterS: number;
  /** A rise of more than this many percentage points ... */
  jumpPct: number;
  /** ... within this many seconds of the previous reading is not waste being added. */
  jumpWindowS: number;
  /** The same fill value this many readings in a row ... */
  stuckReadings: number;
  /** ... and for at least this long is a sensor that stopped seeing. */
  stuckHours: number;
  /** Degrees from the mounting position beyond which the sensor cannot see the waste. */
  tiltDeg: number;
  /** A computed fill this far outside 0..100 is out of range (sensor noise near the ends is not). */
  fillTolerancePct: number;
}

export const DEFAULT_QUALITY_THRESHOLDS: QualityThresholds = {
  futureSkewS: 300,
  staleAfterS: 48 * 3600,
  jumpPct: 50,
  jumpWindowS: 1800,
  stuckReadings: 12,
  stuckHours: 24,
  tiltDeg: 20,
  fillTolerancePct: 5,
};

/** What the flagging remembers of a container between readings (persisted in container_state). */
export interface QualityMemory {
  lastFillPct: number | null;
  lastMeasuredAt: Date | null;
  /** Since when the fill value has been the same, and over how many readings. */
  unchangedSince: Date | null;
  unchangedCount: number;
}

export const EMPTY_QUALITY_MEMORY: QualityMemory = { lastFillPct: null, lastMeasuredAt: null, unchangedSince: null, unchangedCount: 0 };

export interface ReadingToAssess {
  /** Fill computed from the message, not clamped (null when the message has none). */
  rawFillPct: number | null;
  distanceMm?: number;
  temperatureC?: number;
  batteryPct?: number;
  tiltDeg?: number;
  alarms?: readonly string[];
  measuredAt: Date;
  receivedAt: Date;
}

export interface Assessment {
  flags: ReadingFlag[];
  /** The fill to store: clamped to 0..100. */
  fillPct: number | null;
  memory: QualityMemory;
}

const NO_ALARMS: readonly string[] = [];
/**
 * The flags of a reading that raised none, one array for all of them: most
 * readings raise none, and each array lived on with its row until the commit.
 * Frozen, so that a change is an error (addFlag makes a new array for the first flag).
 */
const NO_FLAGS = Object.freeze([]) as unknown as ReadingFlag[];

function addFlag(flags: ReadingFlag[], f: ReadingFlag): ReadingFlag[] {
  if (flags === NO_FLAGS) return [f];
  if (!flags.includes(f)) flags.push(f);
  return flags;
}

/**
 * Flags a reading against plausible ranges and the container's recent past.
 * Pure: the caller keeps the memory. A reading older than the last one seen
 * (late delivery) is flagged on its own merits only and leaves the memory as
 * it was, so it cannot make the next reading look like a jump.
 */
export function assessReading(reading: ReadingToAssess, memory: QualityMemory, t: QualityThresholds = DEFAULT_QUALITY_THRESHOLDS): Assessment {
  // An array, not a Set: this runs for every reading and rarely holds more than one flag (and no closure to add one: one allocation less per reading).
  let flags = NO_FLAGS;
  const raw = reading.rawFillPct;
  if (raw !== null && (raw < -t.fillTolerancePct || raw > 100 + t.fillTolerancePct)) flags = addFlag(flags, 'out_of_range');
  if (reading.distanceMm !== undefined && reading.distanceMm < 0) flags = addFlag(flags, 'out_of_range');
  if (reading.temperatureC !== undefined && (reading.temperatureC < -40 || reading.temperatureC > 125)) flags = addFlag(flags, 'out_of_range');
  if (reading.batteryPct !== undefined && (reading.batteryPct < 0 || reading.batteryPct > 100)) flags = addFlag(flags, 'out_of_range');

  const aheadS = (reading.measuredAt.getTime() - reading.receivedAt.getTime()) / 1000;
  if (aheadS > t.futureSkewS) flags = addFlag(flags, 'future_timestamp');
  if (-aheadS > t.staleAfterS) flags = addFlag(flags, 'stale_timestamp');

  const alarms = reading.alarms ?? NO_ALARMS;
  if ((reading.tiltDeg !== undefined && Math.abs(reading.tiltDeg) > t.tiltDeg) || alarms.includes('tilt')) flags = addFlag(flags, 'tilted');
  if (alarms.length > 0) flags = addFlag(flags, 'device_alarm');

  const fillPct = raw === null ? null : Math.min(100, Math.max(0, raw));
  let next = memory;
  const inOrder = memory.lastMeasuredAt === null || reading.measuredAt.getTime() > memory.lastMeasuredAt.getTime();
  if (fillPct !== null && inOrder) {
    if (memory.lastFillPct !== null && memory.lastMeasuredAt !== null) {
      const sinceS = (reading.measuredAt.getTime() - memory.lastMeasuredAt.getTime()) / 1000;
      if (fillPct - memory.lastFillPct > t.jumpPct && sinceS <= t.jumpWindowS) flags = addFlag(flags, 'impossible_jump');
    }
    const unchanged = memory.lastFillPct !== null && Math.abs(fillPct - memory.lastFillPct) < 1e-9;
    const unchangedSince = unchanged ? (memory.unchangedSince ?? memory.lastMeasuredAt) : reading.measuredAt;
    const unchangedCount = unchanged ? memory.unchangedCount + 1 : 1;
    if (
      unchanged &&
      unchangedCount >= t.stuckReadings &&
      unchangedSince !== null &&
      reading.measuredAt.getTime() - unchangedSince.getTime() >= t.stuckHours * 3_600_000
    ) {
      flags = addFlag(flags, 'stuck_value');
    }
    next = { lastFillPct: fillPct, lastMeasuredAt: reading.measuredAt, unchangedSince, unchangedCount };
  }
  return { flags, fillPct, memory: next };
}

/**
 * The fill level a reading stands for, in percent and not clamped: the
 * device's own fill when it sends one, else from the level above the floor
 * or the distance to the surface and the container's depth.
 */
export function rawFillPct(reading: { fillPct?: number; levelMm?: number; distanceMm?: number }, depthMm: number | null): number | null {
  if (reading.fillPct !== undefined) return reading.fillPct;
  if (depthMm === null || depthMm <= 0) return null;
  if (reading.levelMm !== undefined) return (reading.levelMm / depthMm) * 100;
  if (reading.distanceMm !== undefined) return ((depthMm - reading.distanceMm) / depthMm) * 100;
  return null;
}

import { readFileSync } from 'node:fs';
import type { WeeklyProfile } from './city';
import { parseCsvRecords } from '@vulgraad/csv';
import { WEEK_SLOTS } from './local-time';

/**
 * A day curve of our own making for the generated city: almost nothing at
 * night, a morning shoulder and a broad afternoon peak, as people drop bags on
 * the way to and from work. Only its shape matters; it is normalised to 1.
 */
export function syntheticDailyShares(): number[] {
  const raw = Array.from({ length: 24 }, (_, hour) => {
    const night = 0.08;
    const morning = 0.45 * Math.exp(-((hour - 9.5) ** 2) / (2 * 1.6 ** 2));
    const afternoon = 1.0 * Math.exp(-((hour - 15.5) ** 2) / (2 * 3.4 ** 2));
    return night + morning + afternoon;
  });
  return normalise(raw);
}

/**
 * The all-cluster deposits by hour of the Groningen study (Q1 2023), read from
 * the digitised CSV in the shared data folder (`share_of_day` column).
 */
export function groningenDailyShares(csvPath: string): number[] {
  const rows = parseCsvRecords(readFileSync(csvPath, 'utf8'));
  const shares = new Array<number>(24).fill(0);
  for (const row of rows) {
    const hour = Number(row.hour);
    const share = Number(row.share_of_day);
    if (!Number.isInteger(hour) || hour < 0 || hour > 23 || !Number.isFinite(share) || share < 0) {
      throw new Error(`${csvPath}: bad row ${JSON.stringify(row)}`);
    }
    shares[hour] = share;
  }
  return normalise(shares);
}

/** A weekly profile from a day curve and seven weekday factors (Monday first; rescaled to average 1). */
export function weeklyProfile(id: string, dailyShares: readonly number[], source: string, weekdayFactors: readonly number[] = [1, 1, 1, 1, 1, 1, 1]): WeeklyProfile {
  if (dailyShares.length !== 24) throw new RangeError('a day curve has 24 hourly shares');
  if (weekdayFactors.length !== 7) throw new RangeError('a week has 7 weekday factors');
  const day = normalise([...dailyShares]);
  const meanFactor = weekdayFactors.reduce((sum, f) => sum + f, 0) / 7;
  const shares = new Array<number>(WEEK_SLOTS);
  for (let weekday = 0; weekday < 7; weekday++) {
    const factor = (weekdayFactors[weekday] as number) / meanFactor;
    for (let hour = 0; hour < 24; hour++) shares[weekday * 24 + hour] = (day[hour] as number) * factor;
  }
  return { id, shares, source };
}

function normalise(values: number[]): number[] {
  const total = values.reduce((sum, v) => sum + v, 0);
  if (!(total > 0)) throw new RangeError('a profile needs a positive total');
  return values.map((v) => v / total);
}

/** What operations staff are told about a sensor. */
export const SENSOR_HEALTH_FLAGS = [
  /** Nothing heard for more than three reporting intervals. */
  'silent',
  /** Battery below BATTERY_LOW_PCT now. */
  'battery_low',
  /** The battery's trend reaches BATTERY_EMPTY_PCT within FAILING_HORIZON_DAYS. */
  'battery_failing',
  /** The last days brought clearly fewer messages than the days before: a sensor fading out. */
  'gaps_growing',
  /** Weak radio: mean RSSI below -115 dBm or mean SNR below -15 dB. */
  'weak_signal',
  /** More than a fifth of its readings carry data-quality flags. */
  'doubtful_data',
  /** Some of its messages were rejected. */
  'rejected_messages',
] as const;
export type SensorHealthFlag = (typeof SENSOR_HEALTH_FLAGS)[number];

export const BATTERY_LOW_PCT = 15;
export const BATTERY_EMPTY_PCT = 5;
export const FAILING_HORIZON_DAYS = 30;

/** One UTC day of one sensor's readings. */
export interface SensorDay {
  /** Days before today (0 = today, partly over). */
  daysAgo: number;
  readings: number;
  flagged: number;
  batteryMinPct: number | null;
}

export interface SensorHealthInput {
  reportingIntervalS: number;
  lastMeasuredAt: Date | null;
  now: Date;
  /** The days of the window that had readings (days without any are simply absent). */
  days: SensorDay[];
  windowDays: number;
  meanRssiDbm: number | null;
  meanSnrDb: number | null;
  rejected: number;
}

export interface SensorHealth {
  flags: SensorHealthFlag[];
  /** Least-squares slope of the daily minimum battery, percentage points a day; null with fewer than 3 days. */
  batteryTrendPctPerDay: number | null;
  /** Days until the trend reaches BATTERY_EMPTY_PCT; null when it does not fall. */
  batteryEmptyInDays: number | null;
  /** Messages received in the last three whole days over those expected from the reporting interval. */
  recentShare: number | null;
  /** The same for the whole days before them in the window. */
  earlierShare: number | null;
}

/**
 * Judges one sensor from its last days: silent, battery low or running down
 * (a straight line through the daily minimum battery), messages thinning out
 * (the last three whole days against the days before), weak radio, doubtful
 * data, rejected messages. Pure: the caller reads the days from the readings.
 */
export function assessSensor(input: SensorHealthInput): SensorHealth {
  const flags: SensorHealthFlag[] = [];
  const silentAfterMs = 3 * input.reportingIntervalS * 1000;
  if (!input.lastMeasuredAt || input.now.getTime() - input.lastMeasuredAt.getTime() > silentAfterMs) flags.push('silent');

  const battery = input.days.filter((d) => d.batteryMinPct !== null).map((d) => ({ x: -d.daysAgo, y: d.batteryMinPct as number }));
  const latestBattery = battery.length > 0 ? battery.reduce((a, b) => (b.x > a.x ? b : a)).y : null;
  if (latestBattery !== null && latestBattery < BATTERY_LOW_PCT) flags.push('battery_low');
  let slope: number | null = null;
  let emptyInDays: number | null = null;
  if (battery.length >= 3) {
    const n = battery.length;
    const mx = battery.reduce((s, p) => s + p.x, 0) / n;
    const my = battery.reduce((s, p) => s + p.y, 0) / n;
    const sxx = battery.reduce((s, p) => s + (p.x - mx) ** 2, 0);
    slope = sxx === 0 ? null : battery.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
    if (slope !== null && slope < -0.01 && latestBattery !== null) {
      emptyInDays = Math.max(0, (latestBattery - BATTERY_EMPTY_PCT) / -slope);
      if (emptyInDays <= FAILING_HORIZON_DAYS) flags.push('battery_failing');
    }
  }

  const expectedPerDay = 86_400 / input.reportingIntervalS;
  const received = (from: number, to: number): number => input.days.filter((d) => d.daysAgo >= from && d.daysAgo <= to).reduce((s, d) => s + d.readings, 0);
  const recentDays = Math.min(3, input.windowDays - 1);
  const earlierDays = input.windowDays - 1 - recentDays;
  const recentShare = recentDays > 0 ? received(1, recentDays) / (recentDays * expectedPerDay) : null;
  const earlierShare = earlierDays > 0 ? received(recentDays + 1, input.windowDays - 1) / (earlierDays * expectedPerDay) : null;
  if (recentShare !== null && earlierShare !== null && earlierShare > 0 && recentShare < 0.8 && recentShare < earlierShare - 0.15) flags.push('gaps_growing');

  if ((input.meanRssiDbm !== null && input.meanRssiDbm < -115) || (input.meanSnrDb !== null && input.meanSnrDb < -15)) flags.push('weak_signal');
  const readings = input.days.reduce((s, d) => s + d.readings, 0);
  const flagged = input.days.reduce((s, d) => s + d.flagged, 0);
  if (readings > 0 && flagged / readings > 0.2) flags.push('doubtful_data');
  if (input.rejected > 0) flags.push('rejected_messages');

  const round = (v: number | null, digits: number): number | null => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);
  return { flags, batteryTrendPctPerDay: round(slope, 3), batteryEmptyInDays: round(emptyInDays, 1), recentShare: round(recentShare, 3), earlierShare: round(earlierShare, 3) };
}

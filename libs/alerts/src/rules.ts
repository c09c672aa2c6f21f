import type { AlertCause, ReadingFlag } from '@vulgraad/contracts';
import { HYSTERESIS, type AlertThresholds } from './thresholds';
import type { AlertSeverity } from './types';

/**
 * What a rule concluded about one cause of one container: the cause is
 * present (open an alert unless one is), it is gone (resolve the one that is
 * open), or the data says nothing either way (leave it as it is).
 */
export type Verdict =
  | { cause: AlertCause; state: 'active'; severity: AlertSeverity; message: string; details: Record<string, unknown> }
  | { cause: AlertCause; state: 'clear'; reason: string };

/** The parts of a container's latest state the reading rules look at. */
export interface ReadingFacts {
  fillPct: number | null;
  temperatureC: number | null;
  batteryPct: number | null;
  flags: readonly string[];
  alarms?: readonly string[];
}

/** Flags that make a reading doubtful (the ingest's quality checks). */
export const DOUBTFUL_FLAGS: readonly ReadingFlag[] = ['out_of_range', 'impossible_jump', 'stuck_value', 'future_timestamp', 'stale_timestamp'];
/** Flags under which the fill value cannot be trusted to open or close container_full. */
const UNTRUSTED_FILL_FLAGS: readonly string[] = ['out_of_range', 'impossible_jump', 'stuck_value', 'tilted'];
const FIRE_ALARMS = new Set(['fire', 'temperature', 'high_temperature', 'heat']);
const TILT_ALARMS = new Set(['tilt', 'tilted', 'fall', 'fallen']);
/** Alarms that say something another rule already covers, so they do not count as a device fault. */
const NOT_A_FAULT = new Set(['full', 'level', ...FIRE_ALARMS]);

const fmt = (value: number): string => (Math.round(value * 10) / 10).toString();

/**
 * The rules that a single reading decides: container full, battery low,
 * temperature high (fire), doubtful data, sensor tilted or other device
 * alarm, and the end of a silence. Pure: thresholds in, verdicts out.
 */
export function evaluateReading(facts: ReadingFacts, t: AlertThresholds): Verdict[] {
  const verdicts: Verdict[] = [];
  const flags = new Set(facts.flags);
  const alarms = (facts.alarms ?? []).map((a) => a.toLowerCase());

  verdicts.push({ cause: 'sensor_silent', state: 'clear', reason: 'the sensor reported again' });

  // Fire: the hottest signal wins and no other rule can hide it.
  const fireAlarm = alarms.find((a) => FIRE_ALARMS.has(a));
  if (fireAlarm || (facts.temperatureC !== null && facts.temperatureC >= t.temperatureHighC)) {
    verdicts.push({
      cause: 'temperature_high',
      state: 'active',
      severity: 'critical',
      message: fireAlarm
        ? `Fire alarm raised by the sensor${facts.temperatureC !== null ? ` at ${fmt(facts.temperatureC)} °C` : ''}`
        : `Temperature ${fmt(facts.temperatureC as number)} °C at or above ${fmt(t.temperatureHighC)} °C: possible fire`,
      details: { temperatureC: facts.temperatureC, thresholdC: t.temperatureHighC, alarm: fireAlarm ?? null },
    });
  } else if (facts.temperatureC !== null && facts.temperatureC < t.temperatureHighC - HYSTERESIS.temperatureC) {
    verdicts.push({ cause: 'temperature_high', state: 'clear', reason: `temperature back to ${fmt(facts.temperatureC)} °C` });
  }

  const untrustedFill = facts.fillPct === null || UNTRUSTED_FILL_FLAGS.some((f) => flags.has(f as ReadingFlag));
  if (!untrustedFill) {
    const fill = facts.fillPct as number;
    if (fill >= t.fullPct) {
      verdicts.push({
        cause: 'container_full',
        state: 'active',
        severity: fill >= 100 ? 'critical' : 'warning',
        message: `Fill ${fmt(fill)} % at or above ${fmt(t.fullPct)} %`,
        details: { fillPct: fill, thresholdPct: t.fullPct },
      });
    } else if (fill < t.fullPct - HYSTERESIS.fullPct) {
      verdicts.push({ cause: 'container_full', state: 'clear', reason: `fill down to ${fmt(fill)} %` });
    }
  }

  if (facts.batteryPct !== null) {
    if (facts.batteryPct < t.batteryLowPct) {
      verdicts.push({
        cause: 'battery_low',
        state: 'active',
        severity: 'info',
        message: `Battery ${fmt(facts.batteryPct)} % below ${fmt(t.batteryLowPct)} %`,
        details: { batteryPct: facts.batteryPct, thresholdPct: t.batteryLowPct },
      });
    } else if (facts.batteryPct >= t.batteryLowPct + HYSTERESIS.batteryPct) {
      verdicts.push({ cause: 'battery_low', state: 'clear', reason: `battery at ${fmt(facts.batteryPct)} %` });
    }
  }

  const doubtful = DOUBTFUL_FLAGS.filter((f) => flags.has(f));
  if (doubtful.length > 0) {
    verdicts.push({
      cause: 'doubtful_data',
      state: 'active',
      severity: 'info',
      message: `Doubtful reading: ${doubtful.join(', ').replace(/_/g, ' ')}`,
      details: { flags: doubtful },
    });
  } else {
    verdicts.push({ cause: 'doubtful_data', state: 'clear', reason: 'a reading without quality flags arrived' });
  }

  const tiltAlarm = alarms.find((a) => TILT_ALARMS.has(a));
  const faultAlarms = alarms.filter((a) => !NOT_A_FAULT.has(a) && !TILT_ALARMS.has(a));
  const otherDeviceAlarm = flags.has('device_alarm') && alarms.length === 0;
  if (flags.has('tilted') || tiltAlarm || faultAlarms.length > 0 || otherDeviceAlarm) {
    const what = flags.has('tilted') || tiltAlarm ? 'Sensor tilted: it cannot see the waste' : 'Device alarm';
    const named = [...(tiltAlarm ? [tiltAlarm] : []), ...faultAlarms];
    verdicts.push({
      cause: 'sensor_tilted',
      state: 'active',
      severity: 'warning',
      message: named.length > 0 ? `${what} (${named.join(', ')})` : what,
      details: { alarms: named, tilted: flags.has('tilted') || Boolean(tiltAlarm) },
    });
  } else {
    verdicts.push({ cause: 'sensor_tilted', state: 'clear', reason: 'the sensor reports upright without alarms' });
  }

  return verdicts;
}

/** A container's sensor as the silence check sees it. */
export interface SilenceFacts {
  /** Time of the latest reading, or null when it never reported. */
  lastMeasuredAt: Date | null;
  /** When the current device was bound (the clock of a sensor that never reported starts here). */
  boundSince: Date;
  reportingIntervalS: number;
}

/** sensor_silent: no reading for `silentMultiple` reporting intervals. */
export function evaluateSilence(facts: SilenceFacts, now: Date, t: AlertThresholds): Verdict {
  const since = facts.lastMeasuredAt ?? facts.boundSince;
  const allowedMs = t.silentMultiple * facts.reportingIntervalS * 1000;
  const silentMs = now.getTime() - since.getTime();
  if (silentMs >= allowedMs) {
    const hours = silentMs / 3_600_000;
    return {
      cause: 'sensor_silent',
      state: 'active',
      severity: 'warning',
      message: facts.lastMeasuredAt
        ? `No reading for ${fmt(hours)} h (reports every ${fmt(facts.reportingIntervalS / 60)} min)`
        : `Never reported since it was fitted ${fmt(hours)} h ago`,
      details: { lastMeasuredAt: facts.lastMeasuredAt?.toISOString() ?? null, reportingIntervalS: facts.reportingIntervalS, silentMultiple: t.silentMultiple },
    };
  }
  return { cause: 'sensor_silent', state: 'clear', reason: 'reported within its interval' };
}

/** A container's overflow outlook as the forecast gives it. */
export interface OverflowFacts {
  /** Probability the fill reaches 100 % before `until`, 0..1. */
  probability: number;
  /** The next planned visit, or the end of the horizon when none is planned. */
  until: Date;
  plannedVisit: boolean;
  /** Expected fill at `until`, percent. */
  expectedFillPct: number;
  /** The forecast rests on history only (silent or doubtful sensor). */
  fromHistoryOnly: boolean;
}

/** predicted_overflow: likely to overflow before the next planned visit. */
export function evaluateOverflow(facts: OverflowFacts, t: AlertThresholds): Verdict | null {
  if (!Number.isFinite(facts.probability)) return null;
  if (facts.probability >= t.overflowRisk) {
    const when = facts.plannedVisit ? `before the planned visit at ${facts.until.toISOString()}` : `before ${facts.until.toISOString()} (no visit planned)`;
    return {
      cause: 'predicted_overflow',
      state: 'active',
      severity: 'warning',
      message: `Overflow ${Math.round(facts.probability * 100)} % likely ${when}`,
      details: {
        probability: facts.probability,
        until: facts.until.toISOString(),
        plannedVisit: facts.plannedVisit,
        expectedFillPct: facts.expectedFillPct,
        fromHistoryOnly: facts.fromHistoryOnly,
        thresholdRisk: t.overflowRisk,
      },
    };
  }
  if (facts.probability < t.overflowRisk * HYSTERESIS.overflowRiskShare) {
    return { cause: 'predicted_overflow', state: 'clear', reason: `overflow risk down to ${Math.round(facts.probability * 100)} %` };
  }
  return null;
}

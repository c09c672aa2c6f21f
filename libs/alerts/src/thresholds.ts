/** The limits the rules compare against; one set per district, defaults from configuration. */
export interface AlertThresholds {
  /** container_full opens at or above this fill, percent. */
  fullPct: number;
  /** battery_low opens below this charge, percent. */
  batteryLowPct: number;
  /** temperature_high (fire) opens at or above this temperature, °C. */
  temperatureHighC: number;
  /** sensor_silent opens after this many reporting intervals without a reading. */
  silentMultiple: number;
  /** predicted_overflow opens when the probability of overflowing before the next planned visit reaches this, 0..1. */
  overflowRisk: number;
}

/** Defaults used when neither configuration nor a district says otherwise. */
export const DEFAULT_THRESHOLDS: AlertThresholds = {
  fullPct: 90,
  batteryLowPct: 15,
  temperatureHighC: 65,
  silentMultiple: 3,
  overflowRisk: 0.5,
};

/**
 * How far a value must come back before an alert resolves on its own, so a
 * value wobbling around a threshold does not open and close alerts in turn.
 */
export const HYSTERESIS = {
  fullPct: 10,
  batteryPct: 5,
  temperatureC: 5,
  /** predicted_overflow resolves below this share of the opening risk. */
  overflowRiskShare: 0.5,
} as const;

/** Per-district overrides as stored (null = use the default). */
export type ThresholdOverrides = { [K in keyof AlertThresholds]?: number | null };

/** The thresholds of a district: defaults overlaid with its non-null overrides. */
export function mergeThresholds(defaults: AlertThresholds, overrides: ThresholdOverrides | undefined): AlertThresholds {
  if (!overrides) return defaults;
  const merged = { ...defaults };
  for (const key of Object.keys(defaults) as Array<keyof AlertThresholds>) {
    const value = overrides[key];
    if (value !== null && value !== undefined && Number.isFinite(value)) merged[key] = value;
  }
  return merged;
}

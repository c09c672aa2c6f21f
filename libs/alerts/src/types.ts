import type { AlertCause, AlertChanged, AlertSeverity } from '@vulgraad/contracts';

export type AlertStatus = AlertChanged['status'];
export type AlertChange = AlertChanged['change'];
export type { AlertSeverity } from '@vulgraad/contracts';

/** Every cause the rules know, in the order the dashboard lists them. */
export const ALERT_CAUSES: readonly AlertCause[] = [
  'temperature_high',
  'container_full',
  'predicted_overflow',
  'sensor_tilted',
  'sensor_silent',
  'doubtful_data',
  'battery_low',
];

/** An alert as stored. At most one per container and cause is not resolved. */
export interface Alert {
  id: string;
  containerId: string;
  district: string;
  cause: AlertCause;
  severity: AlertSeverity;
  status: AlertStatus;
  message: string;
  /** What the rule saw when it opened the alert. */
  details: Record<string, unknown>;
  openedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  /** auto: the cause went away; manual: a person resolved it. */
  resolution: 'auto' | 'manual' | null;
}

/** One line of an alert's history. */
export interface AlertHistoryEntry {
  alertId: string;
  at: Date;
  change: AlertChange;
  /** User name, or `system` for the rules engine. */
  by: string;
  note: string | null;
  details: Record<string, unknown>;
}

/** The actor name the rules engine writes into history. */
export const SYSTEM_ACTOR = 'system';

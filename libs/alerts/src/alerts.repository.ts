import { DomainError, type AlertCause, type AlertChanged } from '@vulgraad/contracts';
import type { Database, Queryable } from '@vulgraad/database';
import type { ThresholdOverrides } from './thresholds';
import type { Alert, AlertChange, AlertHistoryEntry, AlertSeverity, AlertStatus } from './types';

/** What a rule hands over to open an alert. */
export interface OpenAlertInput {
  containerId: string;
  district: string;
  cause: AlertCause;
  severity: AlertSeverity;
  message: string;
  details: Record<string, unknown>;
}

/** Filters of the alert list; districts = the user's scope (null = all). */
export interface AlertFilter {
  status?: AlertStatus | 'unresolved';
  district?: string;
  districts?: readonly string[] | null;
  cause?: AlertCause;
  containerId?: string;
  /** Only alerts opened before this time (paging backwards). */
  before?: Date;
  limit?: number;
}

/** A change that was committed, with the event to publish for it. */
export interface CommittedChange {
  alert: Alert;
  event: AlertChanged;
  /** Webhook deliveries queued in the same transaction. */
  deliveriesQueued: number;
}

/** An open device binding with the time of its container's latest reading. */
export interface SilenceCandidate {
  containerId: string;
  district: string;
  deviceId: string;
  boundSince: Date;
  reportingIntervalS: number;
  lastMeasuredAt: Date | null;
}

interface AlertRow {
  id: string;
  container_id: string;
  district: string;
  cause: AlertCause;
  severity: AlertSeverity;
  status: AlertStatus;
  message: string;
  details: Record<string, unknown> | string;
  opened_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: 'auto' | 'manual' | null;
}

const COLUMNS = `id, container_id, district, cause, severity, status, message, details, opened_at, acknowledged_at,
  acknowledged_by, resolved_at, resolved_by, resolution`;

/** -- Params: $1 container, $2 district, $3 cause, $4 severity, $5 message, $6 details jsonb, $7 opened_at. Nothing when one is unresolved. */
const INSERT_ALERT = `
  INSERT INTO alerts (container_id, district, cause, severity, message, details, opened_at)
  VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
  ON CONFLICT (container_id, cause) WHERE status <> 'resolved' DO NOTHING
  RETURNING ${COLUMNS}`;
/** -- Params: $1 container, $2 cause, $3 at, $4 by. Resolves the unresolved alert of that cause, if any. */
const RESOLVE_AUTO = `
  UPDATE alerts SET status = 'resolved', resolved_at = $3, resolved_by = $4, resolution = 'auto'
  WHERE container_id = $1 AND cause = $2 AND status <> 'resolved'
  RETURNING ${COLUMNS}`;
/** -- Params: $1 id, $2 at, $3 by. Only an open alert can be acknowledged. */
const ACKNOWLEDGE = `
  UPDATE alerts SET status = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3
  WHERE id = $1 AND status = 'open'
  RETURNING ${COLUMNS}`;
/** -- Params: $1 id, $2 at, $3 by */
const RESOLVE_MANUAL = `
  UPDATE alerts SET status = 'resolved', resolved_at = $2, resolved_by = $3, resolution = 'manual'
  WHERE id = $1 AND status <> 'resolved'
  RETURNING ${COLUMNS}`;
/**
 * -- Params: $1 alert id, $2 at, $3 change, $4 by, $5 note, $6 details jsonb, $7 webhook payload jsonb, $8 cause, $9 district.
 * Writes the history line and queues one delivery per matching active webhook; returns the deliveries.
 */
const RECORD_CHANGE = `
  WITH history AS (
    INSERT INTO alert_events (alert_id, at, change, by, note, details) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
  )
  INSERT INTO webhook_deliveries (webhook_id, event, payload, next_attempt_at, created_at)
  SELECT w.id, 'alert.changed', $7::jsonb, $2, $2 FROM webhooks w
  WHERE w.active AND (w.causes IS NULL OR $8 = ANY (w.causes)) AND (w.districts IS NULL OR $9 = ANY (w.districts))
  RETURNING id`;
/** -- Params: $1 id */
const SELECT_ONE = `SELECT ${COLUMNS} FROM alerts WHERE id = $1`;
/** -- Params: $1 status ('unresolved' or a status, null = all), $2 district, $3 districts text[] (null = all), $4 cause, $5 container, $6 before, $7 limit */
const SELECT_LIST = `
  SELECT ${COLUMNS} FROM alerts
  WHERE ($1::text IS NULL OR ($1 = 'unresolved' AND status <> 'resolved') OR status = $1)
    AND ($2::text IS NULL OR district = $2)
    AND ($3::text[] IS NULL OR district = ANY ($3::text[]))
    AND ($4::text IS NULL OR cause = $4)
    AND ($5::text IS NULL OR container_id = $5)
    AND ($6::timestamptz IS NULL OR opened_at < $6)
  ORDER BY opened_at DESC, id
  LIMIT $7`;
/** -- Params: $1 alert id */
const SELECT_HISTORY = `SELECT alert_id, at, change, by, note, details FROM alert_events WHERE alert_id = $1 ORDER BY at, id`;
/** -- Params: none */
const SELECT_UNRESOLVED_KEYS = `SELECT container_id, cause FROM alerts WHERE status <> 'resolved'`;
/**
 * -- Params: $1 now, $2 smallest silent multiple of any district. Open bindings of active containers whose
 * latest reading (or, never reported, the binding's start) is older than that many reporting intervals.
 */
const SELECT_SILENCE_CANDIDATES = `
  SELECT b.container_id, c.district, b.device_id, b.valid_from, d.reporting_interval_s, s.measured_at
  FROM device_bindings b
  JOIN containers c ON c.id = b.container_id AND c.active
  JOIN devices d ON d.id = b.device_id
  LEFT JOIN container_state s ON s.container_id = b.container_id
  WHERE b.valid_to IS NULL AND b.valid_from <= $1
    AND coalesce(s.measured_at, b.valid_from) <= $1::timestamptz - make_interval(secs => d.reporting_interval_s * $2::float8)`;
/** -- Params: none */
const SELECT_SETTINGS = `SELECT district, full_pct, battery_low_pct, temperature_high_c, silent_multiple, overflow_risk FROM alert_settings`;
/** -- Params: $1 district, $2 full_pct, $3 battery_low_pct, $4 temperature_high_c, $5 silent_multiple, $6 overflow_risk, $7 by */
const UPSERT_SETTINGS = `
  INSERT INTO alert_settings (district, full_pct, battery_low_pct, temperature_high_c, silent_multiple, overflow_risk, updated_by)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (district) DO UPDATE SET full_pct = EXCLUDED.full_pct, battery_low_pct = EXCLUDED.battery_low_pct,
    temperature_high_c = EXCLUDED.temperature_high_c, silent_multiple = EXCLUDED.silent_multiple,
    overflow_risk = EXCLUDED.overflow_risk, updated_at = now(), updated_by = EXCLUDED.updated_by`;

const asDate = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const asDateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : asDate(v));
const asJson = (v: unknown): Record<string, unknown> => (typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : ((v ?? {}) as Record<string, unknown>));

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    containerId: row.container_id,
    district: row.district,
    cause: row.cause,
    severity: row.severity,
    status: row.status,
    message: row.message,
    details: asJson(row.details),
    openedAt: asDate(row.opened_at),
    acknowledgedAt: asDateOrNull(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: asDateOrNull(row.resolved_at),
    resolvedBy: row.resolved_by,
    resolution: row.resolution,
  };
}

/** The event every subscriber (planner, gateway, webhooks) receives for a change. */
export function alertChangedEvent(alert: Alert, change: AlertChange, at: Date): AlertChanged {
  return {
    alertId: alert.id,
    containerId: alert.containerId,
    district: alert.district,
    cause: alert.cause,
    status: alert.status,
    change,
    message: alert.message,
    at: at.toISOString(),
  };
}

/** Alerts, their history and per-district thresholds; each change also queues its webhook deliveries. */
export class AlertsRepository {
  constructor(private readonly db: Database) {}

  /** Opens an alert unless one of that container and cause is unresolved; null when one was. */
  async open(input: OpenAlertInput, at: Date): Promise<CommittedChange | null> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<AlertRow>(INSERT_ALERT, [
        input.containerId, input.district, input.cause, input.severity, input.message, JSON.stringify(input.details), at,
      ]);
      if (rows.length === 0) return null;
      return this.record(tx, toAlert(rows[0] as AlertRow), 'opened', at, 'system', null, input.details);
    });
  }

  /** Resolves the unresolved alert of a cause because the cause is gone; null when none was unresolved. */
  async resolveAuto(containerId: string, cause: AlertCause, reason: string, at: Date): Promise<CommittedChange | null> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<AlertRow>(RESOLVE_AUTO, [containerId, cause, at, 'system']);
      if (rows.length === 0) return null;
      return this.record(tx, toAlert(rows[0] as AlertRow), 'resolved', at, 'system', reason, {});
    });
  }

  /** A person saw the alert. Throws not_found, or conflict when it is not open. */
  async acknowledge(id: string, by: string, note: string | null, at: Date): Promise<CommittedChange> {
    return this.personChange(ACKNOWLEDGE, 'acknowledged', id, by, note, at);
  }

  /** A person closed the alert. Throws not_found, or conflict when it is already resolved. */
  async resolveManual(id: string, by: string, note: string | null, at: Date): Promise<CommittedChange> {
    return this.personChange(RESOLVE_MANUAL, 'resolved', id, by, note, at);
  }

  async get(id: string): Promise<Alert | null> {
    const { rows } = await this.db.query<AlertRow>(SELECT_ONE, [id]);
    return rows[0] ? toAlert(rows[0]) : null;
  }

  async list(filter: AlertFilter = {}): Promise<Alert[]> {
    const { rows } = await this.db.query<AlertRow>(SELECT_LIST, [
      filter.status ?? null,
      filter.district ?? null,
      filter.districts ?? null,
      filter.cause ?? null,
      filter.containerId ?? null,
      filter.before ?? null,
      Math.min(Math.max(filter.limit ?? 200, 1), 5000),
    ]);
    return rows.map(toAlert);
  }

  async history(alertId: string): Promise<AlertHistoryEntry[]> {
    const { rows } = await this.db.query<{ alert_id: string; at: Date; change: AlertChange; by: string; note: string | null; details: unknown }>(
      SELECT_HISTORY,
      [alertId],
    );
    return rows.map((r) => ({ alertId: r.alert_id, at: asDate(r.at), change: r.change, by: r.by, note: r.note, details: asJson(r.details) }));
  }

  /** Every (container, cause) with an unresolved alert. */
  async unresolvedKeys(): Promise<Array<{ containerId: string; cause: AlertCause }>> {
    const { rows } = await this.db.query<{ container_id: string; cause: AlertCause }>(SELECT_UNRESOLVED_KEYS);
    return rows.map((r) => ({ containerId: r.container_id, cause: r.cause }));
  }

  /** Bindings silent for at least `minMultiple` reporting intervals at `now`. */
  async silenceCandidates(now: Date, minMultiple: number): Promise<SilenceCandidate[]> {
    const { rows } = await this.db.query<{
      container_id: string;
      district: string;
      device_id: string;
      valid_from: Date;
      reporting_interval_s: number;
      measured_at: Date | null;
    }>(SELECT_SILENCE_CANDIDATES, [now, minMultiple]);
    return rows.map((r) => ({
      containerId: r.container_id,
      district: r.district,
      deviceId: r.device_id,
      boundSince: asDate(r.valid_from),
      reportingIntervalS: Number(r.reporting_interval_s),
      lastMeasuredAt: asDateOrNull(r.measured_at),
    }));
  }

  /** Per-district threshold overrides. */
  async thresholdOverrides(): Promise<Map<string, ThresholdOverrides>> {
    const { rows } = await this.db.query<{
      district: string;
      full_pct: number | null;
      battery_low_pct: number | null;
      temperature_high_c: number | null;
      silent_multiple: number | null;
      overflow_risk: number | null;
    }>(SELECT_SETTINGS);
    return new Map(
      rows.map((r) => [
        r.district,
        { fullPct: r.full_pct, batteryLowPct: r.battery_low_pct, temperatureHighC: r.temperature_high_c, silentMultiple: r.silent_multiple, overflowRisk: r.overflow_risk },
      ]),
    );
  }

  async saveThresholdOverrides(district: string, overrides: ThresholdOverrides, by: string): Promise<void> {
    await this.db.query(UPSERT_SETTINGS, [
      district,
      overrides.fullPct ?? null,
      overrides.batteryLowPct ?? null,
      overrides.temperatureHighC ?? null,
      overrides.silentMultiple ?? null,
      overrides.overflowRisk ?? null,
      by,
    ]);
  }

  private async personChange(sql: string, change: AlertChange, id: string, by: string, note: string | null, at: Date): Promise<CommittedChange> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<AlertRow>(sql, [id, at, by]);
      if (rows.length === 0) {
        const existing = (await tx.query<AlertRow>(SELECT_ONE, [id])).rows[0];
        if (!existing) throw new DomainError('not_found', `alert ${id} does not exist`, 'id');
        throw new DomainError('conflict', `alert ${id} is ${existing.status}; it cannot be ${change}`, 'status');
      }
      return this.record(tx, toAlert(rows[0] as AlertRow), change, at, by, note, {});
    });
  }

  private async record(
    tx: Queryable,
    alert: Alert,
    change: AlertChange,
    at: Date,
    by: string,
    note: string | null,
    details: Record<string, unknown>,
  ): Promise<CommittedChange> {
    const event = alertChangedEvent(alert, change, at);
    const { rowCount } = await tx.query(RECORD_CHANGE, [
      alert.id, at, change, by, note, JSON.stringify(details), JSON.stringify(event), alert.cause, alert.district,
    ]);
    return { alert, event, deliveriesQueued: rowCount };
  }
}

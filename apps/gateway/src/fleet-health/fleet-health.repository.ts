import { Inject, Injectable } from '@nestjs/common';
import { DATABASE } from '@vulgraad/contracts';
import type { Database } from '@vulgraad/database';

/** -- Params: $1 since (window start), $2 districts text[] or null. Every device bound now, with its container and last state. */
const DEVICES = `
  SELECT d.id AS device_id, d.external_ref, d.dev_eui, d.model, d.lorawan_application_id, d.reporting_interval_s,
         c.id AS container_id, c.external_ref AS container_ref, c.district,
         greatest(cs.measured_at, s.last_measured_at) AS last_measured_at, s.last_received_at, s.rssi, s.snr, s.battery_pct,
         (SELECT count(*)::int FROM rejected_messages m WHERE m.received_at >= $1 AND m.device_ref IN (d.external_ref, d.dev_eui)) AS rejected
  FROM devices d
  JOIN device_bindings b ON b.device_id = d.id AND b.valid_to IS NULL
  JOIN containers c ON c.id = b.container_id
  LEFT JOIN container_state cs ON cs.container_id = c.id AND cs.device_id = d.id
  LEFT JOIN LATERAL (
    SELECT max(r.measured_at) AS last_measured_at, max(r.received_at) AS last_received_at, avg(r.rssi_dbm) AS rssi, avg(r.snr_db) AS snr,
           (array_agg(r.battery_pct ORDER BY r.measured_at DESC) FILTER (WHERE r.battery_pct IS NOT NULL))[1] AS battery_pct
    FROM readings r WHERE r.container_id = c.id AND r.device_id = d.id AND r.measured_at >= $1
  ) s ON true
  WHERE ($2::text[] IS NULL OR c.district = ANY($2))
  ORDER BY c.district, d.external_ref`;
/** -- Params: $1 since, $2 districts text[] or null. Per device and UTC day: readings, flagged, lowest battery. */
const DAYS = `
  SELECT r.device_id, date_trunc('day', r.measured_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day, count(*)::int AS readings,
         count(*) FILTER (WHERE cardinality(r.flags) > 0)::int AS flagged, min(r.battery_pct) AS battery_min
  FROM readings r
  JOIN device_bindings b ON b.device_id = r.device_id AND b.valid_to IS NULL AND b.container_id = r.container_id
  JOIN containers c ON c.id = b.container_id
  WHERE r.measured_at >= $1 AND ($2::text[] IS NULL OR c.district = ANY($2))
  GROUP BY 1, 2`;
/** -- Params: $1 external_ref, $2 dev_eui or null, $3 limit. */
const REJECTED = `
  SELECT received_at, topic, reason, detail, format, payload_size, correlation_id FROM rejected_messages
  WHERE device_ref IN ($1, $2) ORDER BY received_at DESC LIMIT $3`;

export interface FleetDeviceRow {
  device_id: string;
  external_ref: string;
  dev_eui: string | null;
  model: string | null;
  lorawan_application_id: string | null;
  reporting_interval_s: number;
  container_id: string;
  container_ref: string;
  district: string;
  last_measured_at: Date | null;
  last_received_at: Date | null;
  rssi: number | null;
  snr: number | null;
  battery_pct: number | null;
  rejected: number;
}

export interface FleetDayRow {
  device_id: string;
  day: Date;
  readings: number;
  flagged: number;
  battery_min: number | null;
}

/** What the fleet-health view reads: bound devices, their days of readings, their rejected messages. */
@Injectable()
export class FleetHealthRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async devices(since: Date, districts: readonly string[] | null): Promise<FleetDeviceRow[]> {
    return (await this.db.query<FleetDeviceRow>(DEVICES, [since, districts])).rows;
  }

  async days(since: Date, districts: readonly string[] | null): Promise<FleetDayRow[]> {
    return (await this.db.query<FleetDayRow>(DAYS, [since, districts])).rows;
  }

  async rejected(externalRef: string, devEui: string | null, limit: number) {
    const { rows } = await this.db.query<{ received_at: Date; topic: string; reason: string; detail: string; format: string | null; payload_size: number; correlation_id: string | null }>(
      REJECTED, [externalRef, devEui, limit],
    );
    return rows.map((r) => ({ receivedAt: new Date(r.received_at).toISOString(), topic: r.topic, reason: r.reason, detail: r.detail, format: r.format, payloadSize: r.payload_size, correlationId: r.correlation_id }));
  }
}

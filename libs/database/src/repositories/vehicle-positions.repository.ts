import type { Queryable } from '../database';
import { chunksFor, toDate, valuesList } from './sql-helpers';

/** A truck's position as stored. */
export interface VehiclePositionRow {
  vehicleId: string;
  measuredAt: Date;
  receivedAt: Date;
  lat: number;
  lng: number;
  speedKmh: number | null;
  heading: number | null;
}

/** A truck's lift as stored. */
export interface VehicleLiftRow {
  vehicleId: string;
  measuredAt: Date;
  receivedAt: Date;
  containerId: string | null;
  rfidTag: string | null;
  lat: number | null;
  lng: number | null;
}

const POSITION_WIDTH = 7;
const POSITION_CASTS = ['text', 'timestamptz', 'timestamptz', 'float8', 'float8', 'float8', 'float8'];
/* Params per row: vehicle_id, measured_at, received_at, lat, lng, speed_kmh, heading. A redelivered position is absorbed. */
const insertPositionsSql = (rows: number): string => `
  INSERT INTO vehicle_positions (vehicle_id, measured_at, received_at, lat, lng, speed_kmh, heading)
  VALUES ${valuesList(rows, POSITION_WIDTH, POSITION_CASTS)}
  ON CONFLICT (vehicle_id, measured_at) DO NOTHING`;
/** -- Params: $1 vehicle_id, $2 measured_at, $3 received_at, $4 container_id, $5 rfid_tag, $6 lat, $7 lng. Returns the row when new. */
const INSERT_LIFT = `
  INSERT INTO vehicle_lifts (vehicle_id, measured_at, received_at, container_id, rfid_tag, lat, lng)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT DO NOTHING RETURNING vehicle_id`;
/** -- Params: $1 rfid_tag. The active container carrying the tag. */
const CONTAINER_BY_RFID = `SELECT id FROM containers WHERE rfid_tag = $1 AND active`;
/** -- Params: none. Every truck the registry knows (active or not: a parked truck may still report). */
const VEHICLE_IDS = `SELECT id FROM vehicles`;
/** -- Params: $1 since. Each truck's latest position at or after since. */
const LATEST_SINCE = `
  SELECT DISTINCT ON (vehicle_id) vehicle_id, measured_at, received_at, lat, lng, speed_kmh, heading
  FROM vehicle_positions WHERE measured_at >= $1 ORDER BY vehicle_id, measured_at DESC`;
/** -- Params: $1 vehicle_id, $2 from, $3 to. A truck's track, oldest first. */
const TRACK = `
  SELECT vehicle_id, measured_at, received_at, lat, lng, speed_kmh, heading FROM vehicle_positions
  WHERE vehicle_id = $1 AND measured_at >= $2 AND measured_at < $3 ORDER BY measured_at`;
/** -- Params: $1 cutoff. Lifts older than the cutoff. */
const DELETE_LIFTS = `DELETE FROM vehicle_lifts WHERE measured_at < $1`;
/** -- Params: $1 cutoff. Positions older than the cutoff (plain PostgreSQL; TimescaleDB drops chunks). */
const DELETE_POSITIONS = `DELETE FROM vehicle_positions WHERE measured_at < $1`;

interface PositionRow {
  vehicle_id: string;
  measured_at: Date;
  received_at: Date;
  lat: number;
  lng: number;
  speed_kmh: number | null;
  heading: number | null;
}

const toPosition = (r: PositionRow): VehiclePositionRow => ({
  vehicleId: r.vehicle_id, measuredAt: toDate(r.measured_at), receivedAt: toDate(r.received_at), lat: r.lat, lng: r.lng, speedKmh: r.speed_kmh, heading: r.heading,
});

/** Where the trucks were and what they lifted. */
export class VehiclePositionsRepository {
  constructor(private readonly db: Queryable) {}

  /** Stores positions in one statement per chunk; a position already stored (same truck and time) is left as it is. */
  async insertPositions(rows: readonly VehiclePositionRow[]): Promise<void> {
    for (const chunk of chunksFor(rows, POSITION_WIDTH)) {
      await this.db.query(insertPositionsSql(chunk.length), chunk.flatMap((p) => [p.vehicleId, p.measuredAt, p.receivedAt, p.lat, p.lng, p.speedKmh, p.heading]));
    }
  }

  /** Stores a lift; false when the same lift was stored before (a redelivery). */
  async insertLift(lift: VehicleLiftRow): Promise<boolean> {
    const { rows } = await this.db.query(INSERT_LIFT, [lift.vehicleId, lift.measuredAt, lift.receivedAt, lift.containerId, lift.rfidTag, lift.lat, lift.lng]);
    return rows.length > 0;
  }

  async containerByRfid(tag: string): Promise<string | null> {
    return (await this.db.query<{ id: string }>(CONTAINER_BY_RFID, [tag])).rows[0]?.id ?? null;
  }

  async vehicleIds(): Promise<string[]> {
    return (await this.db.query<{ id: string }>(VEHICLE_IDS)).rows.map((r) => r.id);
  }

  async latestSince(since: Date): Promise<VehiclePositionRow[]> {
    return (await this.db.query<PositionRow>(LATEST_SINCE, [since])).rows.map(toPosition);
  }

  async track(vehicleId: string, from: Date, to: Date): Promise<VehiclePositionRow[]> {
    return (await this.db.query<PositionRow>(TRACK, [vehicleId, from, to])).rows.map(toPosition);
  }

  /** Retention: removes positions and lifts measured before the cutoff; `dropChunks` on TimescaleDB. Returns the rows deleted (0 for dropped chunks). */
  async deleteOlderThan(cutoff: Date, options: { timescale: boolean }): Promise<number> {
    let deleted = (await this.db.query(DELETE_LIFTS, [cutoff])).rowCount ?? 0;
    if (options.timescale) await this.db.query(`SELECT drop_chunks('vehicle_positions', older_than => $1::timestamptz)`, [cutoff]);
    else deleted += (await this.db.query(DELETE_POSITIONS, [cutoff])).rowCount ?? 0;
    return deleted;
  }
}

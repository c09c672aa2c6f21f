import type { ContainerType, WasteFraction } from '@vulgraad/contracts';
import type { Queryable } from '../database';
import { toDate } from './sql-helpers';

/** Where trucks start and end their shift. */
export interface Depot {
  id: string;
  name: string;
  lng: number;
  lat: number;
  address: string | null;
}

/** Where a full truck unloads. Opening window in minutes after local midnight. */
export interface DisposalSite {
  id: string;
  name: string;
  lng: number;
  lat: number;
  address: string | null;
  fractions: WasteFraction[];
  openFromMin: number;
  openToMin: number;
  serviceTimeS: number;
}

/** A truck: capacity, what it may collect and empty, its costs and its shift (minutes after local midnight). */
export interface Vehicle {
  id: string;
  name: string;
  depotId: string;
  capacityL: number;
  capacityKg: number;
  fractions: WasteFraction[];
  equipment: ContainerType[];
  speedFactor: number;
  costPerKm: number;
  costPerHour: number;
  shiftStartMin: number;
  shiftEndMin: number;
  /** Shift per ISO weekday ("1" = Monday): [start, end] minutes; a weekday not listed has no shift. Null = the shift above every day. */
  shiftByWeekday: Record<string, [number, number]> | null;
  /** The driver's break, minutes; null = the district's. */
  breakMin: number | null;
  maxRouteDurationS: number | null;
  active: boolean;
  status: 'in_service' | 'out_of_service';
  statusReason: string | null;
  updatedAt: Date;
}

export type VehicleInput = Omit<Vehicle, 'updatedAt' | 'statusReason' | 'status' | 'active' | 'shiftByWeekday' | 'breakMin'> &
  Partial<Pick<Vehicle, 'status' | 'statusReason' | 'active' | 'shiftByWeekday' | 'breakMin'>>;

/** A truck's shift on a date's ISO weekday (1 = Monday), minutes after local midnight; null when it has none that day. */
export function vehicleShiftOn(v: Pick<Vehicle, 'shiftStartMin' | 'shiftEndMin' | 'shiftByWeekday'>, isoWeekday: number): { startMin: number; endMin: number } | null {
  if (!v.shiftByWeekday) return { startMin: v.shiftStartMin, endMin: v.shiftEndMin };
  const day = v.shiftByWeekday[String(isoWeekday)];
  return day ? { startMin: day[0], endMin: day[1] } : null;
}

/** -- Params: $1 id, $2 name, $3 lng, $4 lat, $5 address */
const UPSERT_DEPOT = `
  INSERT INTO depots (id, name, lng, lat, address) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, lng = EXCLUDED.lng, lat = EXCLUDED.lat, address = EXCLUDED.address`;
const SELECT_DEPOTS = `SELECT id, name, lng, lat, address FROM depots ORDER BY id`;

/** -- Params: $1 id, $2 name, $3 lng, $4 lat, $5 address, $6 fractions, $7 open_from_min, $8 open_to_min, $9 service_time_s */
const UPSERT_SITE = `
  INSERT INTO disposal_sites (id, name, lng, lat, address, fractions, open_from_min, open_to_min, service_time_s)
  VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9)
  ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, lng = EXCLUDED.lng, lat = EXCLUDED.lat, address = EXCLUDED.address,
    fractions = EXCLUDED.fractions, open_from_min = EXCLUDED.open_from_min, open_to_min = EXCLUDED.open_to_min,
    service_time_s = EXCLUDED.service_time_s`;
const SELECT_SITES = `
  SELECT id, name, lng, lat, address, fractions, open_from_min, open_to_min, service_time_s FROM disposal_sites ORDER BY id`;

const VEHICLE_COLUMNS = `id, name, depot_id, capacity_l, capacity_kg, fractions, equipment, speed_factor, cost_per_km, cost_per_hour,
  shift_start_min, shift_end_min, shift_by_weekday, break_min, max_route_duration_s, active, status, status_reason, updated_at`;
/**
 * -- Params: $1 id, $2 name, $3 depot_id, $4 capacity_l, $5 capacity_kg, $6 fractions, $7 equipment, $8 speed_factor,
 * $9 cost_per_km, $10 cost_per_hour, $11 shift_start_min, $12 shift_end_min, $13 max_route_duration_s, $14 active,
 * $15 status, $16 status_reason, $17 shift_by_weekday jsonb, $18 break_min
 */
const UPSERT_VEHICLE = `
  INSERT INTO vehicles (id, name, depot_id, capacity_l, capacity_kg, fractions, equipment, speed_factor, cost_per_km,
                        cost_per_hour, shift_start_min, shift_end_min, max_route_duration_s, active, status, status_reason,
                        shift_by_weekday, break_min)
  VALUES ($1, $2, $3, $4, $5, $6::text[], $7::text[], $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb, $18)
  ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, depot_id = EXCLUDED.depot_id, capacity_l = EXCLUDED.capacity_l,
    capacity_kg = EXCLUDED.capacity_kg, fractions = EXCLUDED.fractions, equipment = EXCLUDED.equipment,
    speed_factor = EXCLUDED.speed_factor, cost_per_km = EXCLUDED.cost_per_km, cost_per_hour = EXCLUDED.cost_per_hour,
    shift_start_min = EXCLUDED.shift_start_min, shift_end_min = EXCLUDED.shift_end_min,
    max_route_duration_s = EXCLUDED.max_route_duration_s, active = EXCLUDED.active, status = EXCLUDED.status,
    status_reason = EXCLUDED.status_reason, shift_by_weekday = EXCLUDED.shift_by_weekday, break_min = EXCLUDED.break_min,
    updated_at = now()`;
/** -- Params: $1 active only */
const SELECT_VEHICLES = `SELECT ${VEHICLE_COLUMNS} FROM vehicles WHERE (NOT $1::bool OR active) ORDER BY id`;
/** -- Params: $1 id */
const SELECT_VEHICLE = `SELECT ${VEHICLE_COLUMNS} FROM vehicles WHERE id = $1`;
/** -- Params: $1 id, $2 status, $3 reason */
const UPDATE_STATUS = `UPDATE vehicles SET status = $2, status_reason = $3, updated_at = now() WHERE id = $1`;

interface VehicleRow {
  id: string;
  name: string;
  depot_id: string;
  capacity_l: number;
  capacity_kg: number;
  fractions: WasteFraction[];
  equipment: ContainerType[];
  speed_factor: number;
  cost_per_km: number;
  cost_per_hour: number;
  shift_start_min: number;
  shift_end_min: number;
  shift_by_weekday: Record<string, [number, number]> | string | null;
  break_min: number | null;
  max_route_duration_s: number | null;
  active: boolean;
  status: Vehicle['status'];
  status_reason: string | null;
  updated_at: Date;
}

const toVehicle = (r: VehicleRow): Vehicle => ({
  id: r.id,
  name: r.name,
  depotId: r.depot_id,
  capacityL: r.capacity_l,
  capacityKg: r.capacity_kg,
  fractions: r.fractions,
  equipment: r.equipment,
  speedFactor: r.speed_factor,
  costPerKm: r.cost_per_km,
  costPerHour: r.cost_per_hour,
  shiftStartMin: r.shift_start_min,
  shiftEndMin: r.shift_end_min,
  shiftByWeekday: typeof r.shift_by_weekday === 'string' ? (JSON.parse(r.shift_by_weekday) as Record<string, [number, number]>) : r.shift_by_weekday,
  breakMin: r.break_min,
  maxRouteDurationS: r.max_route_duration_s,
  active: r.active,
  status: r.status,
  statusReason: r.status_reason,
  updatedAt: toDate(r.updated_at),
});

export class DepotsRepository {
  constructor(private readonly db: Queryable) {}

  async upsert(depot: Depot): Promise<void> {
    await this.db.query(UPSERT_DEPOT, [depot.id, depot.name, depot.lng, depot.lat, depot.address]);
  }

  async list(): Promise<Depot[]> {
    return (await this.db.query<Depot>(SELECT_DEPOTS)).rows;
  }
}

export class DisposalSitesRepository {
  constructor(private readonly db: Queryable) {}

  async upsert(site: DisposalSite): Promise<void> {
    await this.db.query(UPSERT_SITE, [
      site.id, site.name, site.lng, site.lat, site.address, site.fractions, site.openFromMin, site.openToMin, site.serviceTimeS,
    ]);
  }

  async list(): Promise<DisposalSite[]> {
    const { rows } = await this.db.query<{
      id: string; name: string; lng: number; lat: number; address: string | null; fractions: WasteFraction[];
      open_from_min: number; open_to_min: number; service_time_s: number;
    }>(SELECT_SITES);
    return rows.map((r) => ({
      id: r.id, name: r.name, lng: r.lng, lat: r.lat, address: r.address, fractions: r.fractions,
      openFromMin: r.open_from_min, openToMin: r.open_to_min, serviceTimeS: r.service_time_s,
    }));
  }
}

export class VehiclesRepository {
  constructor(private readonly db: Queryable) {}

  async upsert(v: VehicleInput): Promise<void> {
    await this.db.query(UPSERT_VEHICLE, [
      v.id, v.name, v.depotId, v.capacityL, v.capacityKg, v.fractions, v.equipment, v.speedFactor, v.costPerKm,
      v.costPerHour, v.shiftStartMin, v.shiftEndMin, v.maxRouteDurationS, v.active ?? true, v.status ?? 'in_service',
      v.statusReason ?? null, v.shiftByWeekday ? JSON.stringify(v.shiftByWeekday) : null, v.breakMin ?? null,
    ]);
  }

  async list(filter: { activeOnly?: boolean } = {}): Promise<Vehicle[]> {
    return (await this.db.query<VehicleRow>(SELECT_VEHICLES, [filter.activeOnly ?? true])).rows.map(toVehicle);
  }

  async findById(id: string): Promise<Vehicle | null> {
    const row = (await this.db.query<VehicleRow>(SELECT_VEHICLE, [id])).rows[0];
    return row ? toVehicle(row) : null;
  }

  async setStatus(id: string, status: Vehicle['status'], reason: string | null): Promise<boolean> {
    return (await this.db.query(UPDATE_STATUS, [id, status, reason])).rowCount > 0;
  }
}

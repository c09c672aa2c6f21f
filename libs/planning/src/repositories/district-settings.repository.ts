import type { WasteFraction } from '@vulgraad/contracts';
import type { Queryable } from '@vulgraad/database';
import type { DistrictSettings } from '../types';

const COLUMNS = `district, fraction, risk_level, worth_fill_pct, worth_prize, worth_max_detour_m, collection_days, shift_start_min,
  shift_end_min, break_min, cutoff_min, service_time_s, time_budget_s, vehicle_ids, zone_days`;
/** -- Params: $1 district, $2 fraction */
const SELECT_ONE = `SELECT ${COLUMNS} FROM planner_district_settings WHERE district = $1 AND fraction = $2`;
const SELECT_ALL = `SELECT ${COLUMNS} FROM planner_district_settings ORDER BY district, fraction`;
/** -- Params: $1 district, $2 fraction, $3..$15 the settings (null = default), $16 updated_by */
const UPSERT = `
  INSERT INTO planner_district_settings (${COLUMNS}, updated_by)
  VALUES ($1, $2, $3, $4, $5, $6, $7::smallint[], $8, $9, $10, $11, $12, $13, $14::text[], $15, $16)
  ON CONFLICT (district, fraction) DO UPDATE SET
    risk_level = EXCLUDED.risk_level, worth_fill_pct = EXCLUDED.worth_fill_pct, worth_prize = EXCLUDED.worth_prize,
    worth_max_detour_m = EXCLUDED.worth_max_detour_m, collection_days = EXCLUDED.collection_days,
    shift_start_min = EXCLUDED.shift_start_min, shift_end_min = EXCLUDED.shift_end_min, break_min = EXCLUDED.break_min,
    cutoff_min = EXCLUDED.cutoff_min, service_time_s = EXCLUDED.service_time_s, time_budget_s = EXCLUDED.time_budget_s,
    vehicle_ids = EXCLUDED.vehicle_ids, zone_days = EXCLUDED.zone_days, updated_by = EXCLUDED.updated_by, updated_at = now()`;
/** -- Params: none. Every district/fraction that has active containers. */
const SELECT_DISTRICT_FRACTIONS = `SELECT DISTINCT district, waste_type AS fraction FROM containers WHERE active ORDER BY district, waste_type`;
/** -- Params: none */
const SELECT_COMPACTION = `SELECT id, compaction_factor FROM vehicles WHERE compaction_factor IS NOT NULL`;
/** -- Params: $1 vehicle id, $2 factor (null = default) */
const UPDATE_COMPACTION = `UPDATE vehicles SET compaction_factor = $2, updated_at = now() WHERE id = $1`;

interface Row {
  district: string;
  fraction: WasteFraction;
  risk_level: number | null;
  worth_fill_pct: number | null;
  worth_prize: number | null;
  worth_max_detour_m: number | null;
  collection_days: number[] | null;
  shift_start_min: number | null;
  shift_end_min: number | null;
  break_min: number | null;
  cutoff_min: number | null;
  service_time_s: number | null;
  time_budget_s: number | null;
  vehicle_ids: string[] | null;
  zone_days: number | null;
}

/** The overrides a district/fraction has; a missing field means the configured default. */
export type DistrictSettingsOverrides = Partial<Omit<DistrictSettings, 'district' | 'fraction'>>;

function merge(row: Row | undefined, defaults: DistrictSettings): DistrictSettings {
  if (!row) return defaults;
  return {
    district: defaults.district,
    fraction: defaults.fraction,
    riskLevel: row.risk_level ?? defaults.riskLevel,
    worthFillPct: row.worth_fill_pct ?? defaults.worthFillPct,
    worthPrize: row.worth_prize ?? defaults.worthPrize,
    worthMaxDetourM: row.worth_max_detour_m ?? defaults.worthMaxDetourM,
    collectionDays: row.collection_days?.map(Number) ?? defaults.collectionDays,
    shiftStartMin: row.shift_start_min ?? defaults.shiftStartMin,
    shiftEndMin: row.shift_end_min ?? defaults.shiftEndMin,
    breakMin: row.break_min ?? defaults.breakMin,
    cutoffMin: row.cutoff_min ?? defaults.cutoffMin,
    serviceTimeS: row.service_time_s ?? defaults.serviceTimeS,
    timeBudgetS: row.time_budget_s ?? defaults.timeBudgetS,
    vehicleIds: row.vehicle_ids ?? defaults.vehicleIds,
    zoneDays: row.zone_days ?? defaults.zoneDays,
  };
}

/** Per district and fraction: thresholds, days, shift and trucks, over the configured defaults. */
export class DistrictSettingsRepository {
  constructor(private readonly db: Queryable) {}

  /** The settings in force: the stored overrides over `defaults` (built by `defaultDistrictSettings`). */
  async get(defaults: DistrictSettings): Promise<DistrictSettings> {
    const row = (await this.db.query<Row>(SELECT_ONE, [defaults.district, defaults.fraction])).rows[0];
    return merge(row, defaults);
  }

  /** Stores the overrides of a district/fraction (replacing earlier ones). */
  async set(district: string, fraction: WasteFraction, overrides: DistrictSettingsOverrides, by: string): Promise<void> {
    const o = overrides;
    await this.db.query(UPSERT, [
      district, fraction, o.riskLevel ?? null, o.worthFillPct ?? null, o.worthPrize ?? null, o.worthMaxDetourM ?? null,
      o.collectionDays ?? null, o.shiftStartMin ?? null, o.shiftEndMin ?? null, o.breakMin ?? null, o.cutoffMin ?? null,
      o.serviceTimeS ?? null, o.timeBudgetS ?? null, o.vehicleIds ?? null, o.zoneDays ?? null, by,
    ]);
  }

  /** Every district/fraction pair with a stored row. */
  async listOverridden(): Promise<Array<{ district: string; fraction: WasteFraction }>> {
    return (await this.db.query<Row>(SELECT_ALL)).rows.map((r) => ({ district: r.district, fraction: r.fraction }));
  }

  /** Every district/fraction pair that has active containers: what the daily planning covers. */
  async planningUnits(): Promise<Array<{ district: string; fraction: WasteFraction }>> {
    return (await this.db.query<{ district: string; fraction: WasteFraction }>(SELECT_DISTRICT_FRACTIONS)).rows;
  }

  /** Compaction factors of the trucks that have their own. */
  async compactionFactors(): Promise<Map<string, number>> {
    const rows = (await this.db.query<{ id: string; compaction_factor: number }>(SELECT_COMPACTION)).rows;
    return new Map(rows.map((r) => [r.id, r.compaction_factor]));
  }

  async setCompactionFactor(vehicleId: string, factor: number | null): Promise<boolean> {
    return (await this.db.query(UPDATE_COMPACTION, [vehicleId, factor])).rowCount > 0;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Container, type ContainerType, type WasteFraction } from '@vulgraad/contracts';
import type { Database } from '@vulgraad/database';

/** A container (the shape of @vulgraad/contracts) with its address and latest state: what the map and the lists show. */
export interface ContainerView extends Container {
  address: string | null;
  state: {
    deviceId: string;
    measuredAt: string;
    fillPct: number | null;
    temperatureC: number | null;
    batteryPct: number | null;
    flags: string[];
  } | null;
}

export interface ContainerViewFilter {
  district?: string;
  wasteType?: WasteFraction;
  /** The user's districts (null = all). */
  districts: readonly string[] | null;
  /** [west, south, east, north] */
  bbox?: [number, number, number, number];
  ids?: readonly string[];
  limit: number;
}

/**
 * -- Params: $1 district, $2 waste type, $3 districts text[] (null = all), $4 west, $5 south, $6 east, $7 north
 * (bbox null = anywhere), $8 ids text[] (null = all), $9 limit
 */
const SELECT = `
  SELECT c.id, c.external_ref, c.lng, c.lat, c.district, c.address, c.waste_type, c.container_type, c.volume_l, c.depth_mm,
         c.access_from_min, c.access_to_min, s.device_id, s.measured_at, s.fill_pct, s.temperature_c, s.battery_pct, s.flags
  FROM containers c
  LEFT JOIN container_state s ON s.container_id = c.id
  WHERE c.active
    AND ($1::text IS NULL OR c.district = $1)
    AND ($2::text IS NULL OR c.waste_type = $2)
    AND ($3::text[] IS NULL OR c.district = ANY ($3::text[]))
    AND ($4::float8 IS NULL OR (c.lng BETWEEN $4 AND $6 AND c.lat BETWEEN $5 AND $7))
    AND ($8::text[] IS NULL OR c.id = ANY ($8::text[]))
  ORDER BY c.district, c.id
  LIMIT $9`;

interface Row {
  id: string;
  external_ref: string | null;
  lng: number;
  lat: number;
  district: string;
  address: string | null;
  waste_type: WasteFraction;
  container_type: ContainerType;
  volume_l: number;
  depth_mm: number | null;
  access_from_min: number | null;
  access_to_min: number | null;
  device_id: string | null;
  measured_at: Date | null;
  fill_pct: number | null;
  temperature_c: number | null;
  battery_pct: number | null;
  flags: string[] | null;
}

const toView = (r: Row): ContainerView => ({
  id: r.id,
  externalRef: r.external_ref,
  lng: r.lng,
  lat: r.lat,
  district: r.district,
  address: r.address,
  wasteType: r.waste_type,
  containerType: r.container_type,
  volumeL: r.volume_l,
  depthMm: r.depth_mm,
  accessWindow: r.access_from_min === null || r.access_to_min === null ? null : { fromMin: r.access_from_min, toMin: r.access_to_min },
  state:
    r.measured_at === null || r.device_id === null
      ? null
      : {
          deviceId: r.device_id,
          measuredAt: new Date(r.measured_at).toISOString(),
          fillPct: r.fill_pct,
          temperatureC: r.temperature_c,
          batteryPct: r.battery_pct,
          flags: r.flags ?? [],
        },
});

/** Containers joined with their latest state, filtered the way the API and the live map ask. */
@Injectable()
export class ContainerViewsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async list(filter: ContainerViewFilter): Promise<ContainerView[]> {
    const [west, south, east, north] = filter.bbox ?? [null, null, null, null];
    const { rows } = await this.db.query<Row>(SELECT, [
      filter.district ?? null,
      filter.wasteType ?? null,
      filter.districts ?? null,
      west, south, east, north,
      filter.ids ?? null,
      filter.limit,
    ]);
    return rows.map(toView);
  }
}

import type { AccessWindow, Container, ContainerType, WasteFraction } from '@vulgraad/contracts';
import type { Queryable } from '../database';
import { chunksFor, toDate, valuesList } from './sql-helpers';

/** A container as stored, with its registry fields. */
export interface ContainerRecord extends Container {
  address: string | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What registration provides; the id is generated when absent, externalRef is the natural key when present. */
export interface ContainerInput {
  id?: string;
  externalRef?: string | null;
  lng: number;
  lat: number;
  district: string;
  address?: string | null;
  wasteType: WasteFraction;
  containerType?: ContainerType;
  volumeL: number;
  depthMm?: number | null;
  accessWindow?: AccessWindow | null;
  active?: boolean;
}

interface ContainerRow {
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
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, external_ref, lng, lat, district, address, waste_type, container_type, volume_l, depth_mm,
  access_from_min, access_to_min, active, created_at, updated_at`;

const UPSERT_WIDTH = 13;
const UPSERT_CASTS = ['text', 'text', 'float8', 'float8', 'text', 'text', 'text', 'text', 'int4', 'int4', 'int4', 'int4', 'bool'];
/*
 * Params per row: id (null = generate), external_ref, lng, lat, district, address, waste_type,
 * container_type, volume_l, depth_mm, access_from_min, access_to_min, active.
 * A row whose external_ref exists updates that container; otherwise a row whose id exists updates it.
 */
const upsertSql = (rows: number): string => `
  INSERT INTO containers (id, external_ref, lng, lat, district, address, waste_type, container_type, volume_l, depth_mm,
                          access_from_min, access_to_min, active)
  SELECT coalesce(v.id, (SELECT c.id FROM containers c WHERE c.external_ref = v.external_ref), gen_random_uuid()::text),
         v.external_ref, v.lng, v.lat, v.district, v.address, v.waste_type, v.container_type, v.volume_l, v.depth_mm,
         v.access_from_min, v.access_to_min, v.active
  FROM (VALUES ${valuesList(rows, UPSERT_WIDTH, UPSERT_CASTS)})
       AS v (id, external_ref, lng, lat, district, address, waste_type, container_type, volume_l, depth_mm,
             access_from_min, access_to_min, active)
  ON CONFLICT (id) DO UPDATE SET
    external_ref = EXCLUDED.external_ref, lng = EXCLUDED.lng, lat = EXCLUDED.lat, district = EXCLUDED.district,
    address = EXCLUDED.address, waste_type = EXCLUDED.waste_type, container_type = EXCLUDED.container_type,
    volume_l = EXCLUDED.volume_l, depth_mm = EXCLUDED.depth_mm, access_from_min = EXCLUDED.access_from_min,
    access_to_min = EXCLUDED.access_to_min, active = EXCLUDED.active, updated_at = now()
  RETURNING ${COLUMNS}`;

/** -- Params: $1 ids text[] */
const SELECT_BY_IDS = `SELECT ${COLUMNS} FROM containers WHERE id = ANY($1::text[])`;
/** -- Params: $1 external refs text[] */
const SELECT_BY_REFS = `SELECT ${COLUMNS} FROM containers WHERE external_ref = ANY($1::text[])`;
/** -- Params: $1 district (null = all), $2 waste type (null = all), $3 active only */
const SELECT_LIST = `
  SELECT ${COLUMNS} FROM containers
  WHERE ($1::text IS NULL OR district = $1) AND ($2::text IS NULL OR waste_type = $2) AND (NOT $3::bool OR active)
  ORDER BY district, id`;
/** -- Params: none */
const SELECT_DISTRICTS = `SELECT district, count(*)::int AS containers FROM containers WHERE active GROUP BY district ORDER BY district`;
/** -- Params: $1 id, $2 active */
const UPDATE_ACTIVE = `UPDATE containers SET active = $2, updated_at = now() WHERE id = $1`;

/** One input per external reference (the last wins): one statement may not touch a row twice. */
function lastPerKey(inputs: readonly ContainerInput[]): ContainerInput[] {
  const byKey = new Map<string, ContainerInput>();
  inputs.forEach((input, i) => byKey.set(input.externalRef ?? input.id ?? `#${i}`, input));
  return [...byKey.values()];
}

function toRecord(row: ContainerRow): ContainerRecord {
  return {
    id: row.id,
    externalRef: row.external_ref,
    lng: row.lng,
    lat: row.lat,
    district: row.district,
    address: row.address,
    wasteType: row.waste_type,
    containerType: row.container_type,
    volumeL: row.volume_l,
    depthMm: row.depth_mm,
    accessWindow: row.access_from_min === null || row.access_to_min === null ? null : { fromMin: row.access_from_min, toMin: row.access_to_min },
    active: row.active,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

/** Containers: registration, look-up and listing. */
export class ContainersRepository {
  constructor(private readonly db: Queryable) {}

  /** Inserts or updates by external reference (or id); returns the stored records. */
  async upsert(inputs: readonly ContainerInput[]): Promise<ContainerRecord[]> {
    const out: ContainerRecord[] = [];
    for (const chunk of chunksFor(lastPerKey(inputs), UPSERT_WIDTH)) {
      const params = chunk.flatMap((c) => [
        c.id ?? null,
        c.externalRef ?? null,
        c.lng,
        c.lat,
        c.district,
        c.address ?? null,
        c.wasteType,
        c.containerType ?? 'underground',
        Math.round(c.volumeL),
        c.depthMm === null || c.depthMm === undefined ? null : Math.round(c.depthMm),
        c.accessWindow?.fromMin ?? null,
        c.accessWindow?.toMin ?? null,
        c.active ?? true,
      ]);
      const { rows } = await this.db.query<ContainerRow>(upsertSql(chunk.length), params);
      out.push(...rows.map(toRecord));
    }
    return out;
  }

  async findById(id: string): Promise<ContainerRecord | null> {
    return (await this.findByIds([id]))[0] ?? null;
  }

  async findByIds(ids: readonly string[]): Promise<ContainerRecord[]> {
    if (ids.length === 0) return [];
    return (await this.db.query<ContainerRow>(SELECT_BY_IDS, [ids])).rows.map(toRecord);
  }

  async findByExternalRefs(refs: readonly string[]): Promise<ContainerRecord[]> {
    if (refs.length === 0) return [];
    return (await this.db.query<ContainerRow>(SELECT_BY_REFS, [refs])).rows.map(toRecord);
  }

  async list(filter: { district?: string; wasteType?: WasteFraction; activeOnly?: boolean } = {}): Promise<ContainerRecord[]> {
    const { rows } = await this.db.query<ContainerRow>(SELECT_LIST, [filter.district ?? null, filter.wasteType ?? null, filter.activeOnly ?? true]);
    return rows.map(toRecord);
  }

  async districts(): Promise<Array<{ district: string; containers: number }>> {
    return (await this.db.query<{ district: string; containers: number }>(SELECT_DISTRICTS)).rows;
  }

  async setActive(id: string, active: boolean): Promise<boolean> {
    return (await this.db.query(UPDATE_ACTIVE, [id, active])).rowCount > 0;
  }
}

import type { CollectionRecorded } from '@vulgraad/contracts';
import type { Queryable } from '../database';
import { chunksFor, toDate, valuesList } from './sql-helpers';

/** A container emptied. */
export interface Collection {
  containerId: string;
  collectedAt: Date;
  observedFillPct: number | null;
  weightKg: number | null;
  source: CollectionRecorded['source'];
  planId: string | null;
  vehicleId: string | null;
  note: string | null;
}

const WIDTH = 8;
const CASTS = ['text', 'timestamptz', 'float8', 'float8', 'text', 'text', 'text', 'text'];
/* Params per row: container_id, collected_at, observed_fill_pct, weight_kg, source, plan_id, vehicle_id, note. */
const insertSql = (rows: number): string => `
  INSERT INTO collections (container_id, collected_at, observed_fill_pct, weight_kg, source, plan_id, vehicle_id, note)
  VALUES ${valuesList(rows, WIDTH, CASTS)}
  ON CONFLICT (container_id, collected_at, source) DO NOTHING`;

const COLUMNS = `container_id, collected_at, observed_fill_pct, weight_kg, source, plan_id, vehicle_id, note`;
/** -- Params: $1 container ids text[], $2 from (inclusive), $3 to (exclusive) */
const SELECT_RANGE = `
  SELECT ${COLUMNS} FROM collections
  WHERE container_id = ANY($1::text[]) AND collected_at >= $2 AND collected_at < $3
  ORDER BY container_id, collected_at`;
/** -- Params: $1 container ids text[] */
const SELECT_LAST = `
  SELECT DISTINCT ON (container_id) ${COLUMNS} FROM collections
  WHERE container_id = ANY($1::text[]) ORDER BY container_id, collected_at DESC`;

interface Row {
  container_id: string;
  collected_at: Date;
  observed_fill_pct: number | null;
  weight_kg: number | null;
  source: Collection['source'];
  plan_id: string | null;
  vehicle_id: string | null;
  note: string | null;
}

const toCollection = (r: Row): Collection => ({
  containerId: r.container_id,
  collectedAt: toDate(r.collected_at),
  observedFillPct: r.observed_fill_pct,
  weightKg: r.weight_kg,
  source: r.source,
  planId: r.plan_id,
  vehicleId: r.vehicle_id,
  note: r.note,
});

/** Emptying events. The same container, time and source is stored once. */
export class CollectionsRepository {
  constructor(private readonly db: Queryable) {}

  /** Returns how many were new. */
  async insertMany(collections: readonly Collection[]): Promise<number> {
    let inserted = 0;
    for (const chunk of chunksFor(collections, WIDTH)) {
      const params = chunk.flatMap((c) => [
        c.containerId, c.collectedAt, c.observedFillPct, c.weightKg, c.source, c.planId, c.vehicleId, c.note,
      ]);
      inserted += (await this.db.query(insertSql(chunk.length), params)).rowCount;
    }
    return inserted;
  }

  async range(containerIds: readonly string[], from: Date, to: Date): Promise<Collection[]> {
    if (containerIds.length === 0) return [];
    return (await this.db.query<Row>(SELECT_RANGE, [containerIds, from, to])).rows.map(toCollection);
  }

  /** The most recent emptying of each container that has one. */
  async lastOf(containerIds: readonly string[]): Promise<Collection[]> {
    if (containerIds.length === 0) return [];
    return (await this.db.query<Row>(SELECT_LAST, [containerIds])).rows.map(toCollection);
  }
}

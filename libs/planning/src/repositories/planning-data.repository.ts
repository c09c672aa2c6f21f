import type { Queryable } from '@vulgraad/database';
import type { CollectionObservation, FillObservation } from '@vulgraad/forecasting';

/** -- Params: $1 container ids text[], $2 from (exclusive), $3 to (inclusive). Readings the forecast learns from. */
const SELECT_READINGS = `
  SELECT container_id, measured_at, fill_pct, flags FROM readings
  WHERE container_id = ANY($1::text[]) AND measured_at > $2 AND measured_at <= $3
  ORDER BY container_id, measured_at`;
/** -- Params: $1 container ids text[], $2 from (exclusive), $3 to (inclusive) */
const SELECT_COLLECTIONS = `
  SELECT container_id, collected_at, observed_fill_pct FROM collections
  WHERE container_id = ANY($1::text[]) AND collected_at > $2 AND collected_at <= $3
  ORDER BY container_id, collected_at`;

/** New readings and emptyings per container, in time order. */
export interface HistorySlice {
  readings: Map<string, FillObservation[]>;
  collections: Map<string, CollectionObservation[]>;
}

/** What the forecast reads from the store: readings with their quality flags, and emptyings. */
export class PlanningDataRepository {
  constructor(private readonly db: Queryable) {}

  /** Readings and collections of the containers in (from, to]. */
  async historySlice(containerIds: readonly string[], from: Date, to: Date): Promise<HistorySlice> {
    const slice: HistorySlice = { readings: new Map(), collections: new Map() };
    if (containerIds.length === 0) return slice;
    const readings = await this.db.query<{ container_id: string; measured_at: Date; fill_pct: number | null; flags: string[] }>(
      SELECT_READINGS,
      [containerIds, from, to],
    );
    for (const r of readings.rows) {
      let list = slice.readings.get(r.container_id);
      if (!list) slice.readings.set(r.container_id, (list = []));
      list.push({ atMs: new Date(r.measured_at).getTime(), fillPct: r.fill_pct, flags: r.flags });
    }
    const collections = await this.db.query<{ container_id: string; collected_at: Date; observed_fill_pct: number | null }>(
      SELECT_COLLECTIONS,
      [containerIds, from, to],
    );
    for (const c of collections.rows) {
      let list = slice.collections.get(c.container_id);
      if (!list) slice.collections.set(c.container_id, (list = []));
      list.push({ atMs: new Date(c.collected_at).getTime(), observedFillPct: c.observed_fill_pct });
    }
    return slice;
  }
}

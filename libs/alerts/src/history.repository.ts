import type { CollectionObservation, FillObservation } from '@vulgraad/forecasting';
import type { Queryable } from '@vulgraad/database';

/** -- Params: $1 container ids text[], $2 since. Oldest first per container. */
const SELECT_READINGS = `
  SELECT container_id, measured_at, fill_pct, flags FROM readings
  WHERE container_id = ANY ($1::text[]) AND measured_at >= $2
  ORDER BY container_id, measured_at`;
/** -- Params: $1 container ids text[], $2 since */
const SELECT_COLLECTIONS = `
  SELECT container_id, collected_at, observed_fill_pct FROM collections
  WHERE container_id = ANY ($1::text[]) AND collected_at >= $2`;

/** The recent history the overflow forecast learns from, read for many containers at once. */
export class HistoryRepository {
  constructor(private readonly db: Queryable) {}

  async since(containerIds: readonly string[], since: Date): Promise<Map<string, { readings: FillObservation[]; collections: CollectionObservation[] }>> {
    const out = new Map<string, { readings: FillObservation[]; collections: CollectionObservation[] }>();
    for (const id of containerIds) out.set(id, { readings: [], collections: [] });
    if (containerIds.length === 0) return out;
    const [readings, collections] = await Promise.all([
      this.db.query<{ container_id: string; measured_at: Date; fill_pct: number | null; flags: string[] }>(SELECT_READINGS, [containerIds, since]),
      this.db.query<{ container_id: string; collected_at: Date; observed_fill_pct: number | null }>(SELECT_COLLECTIONS, [containerIds, since]),
    ]);
    for (const r of readings.rows) out.get(r.container_id)?.readings.push({ atMs: new Date(r.measured_at).getTime(), fillPct: r.fill_pct, flags: r.flags });
    for (const c of collections.rows) out.get(c.container_id)?.collections.push({ atMs: new Date(c.collected_at).getTime(), observedFillPct: c.observed_fill_pct });
    return out;
  }
}

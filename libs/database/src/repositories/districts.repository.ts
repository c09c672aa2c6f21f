import type { Queryable } from '../database';

/** A district: its id (as containers.district holds it), a name and a centre. */
export interface District {
  id: string;
  name: string;
  lng: number | null;
  lat: number | null;
}

/** -- Params: $1 ids text[], $2 names text[], $3 lngs float8[], $4 lats float8[] */
const UPSERT = `
  INSERT INTO districts (id, name, lng, lat)
  SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[])
  ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, lng = EXCLUDED.lng, lat = EXCLUDED.lat, updated_at = now()`;
/** -- Params: none. Districts described, and district ids containers use without a description. */
const SELECT_ALL = `
  SELECT id, name, lng, lat FROM districts
  UNION ALL
  SELECT DISTINCT c.district, c.district, NULL::float8, NULL::float8 FROM containers c
  WHERE NOT EXISTS (SELECT 1 FROM districts d WHERE d.id = c.district)
  ORDER BY 1`;

export class DistrictsRepository {
  constructor(private readonly db: Queryable) {}

  async upsert(districts: readonly District[]): Promise<void> {
    if (districts.length === 0) return;
    const unique = [...new Map(districts.map((d) => [d.id, d])).values()];
    await this.db.query(UPSERT, [unique.map((d) => d.id), unique.map((d) => d.name), unique.map((d) => d.lng), unique.map((d) => d.lat)]);
  }

  /** Every district, including ids containers use that were never described (named by their id). */
  async list(): Promise<District[]> {
    return (await this.db.query<District>(SELECT_ALL)).rows;
  }
}

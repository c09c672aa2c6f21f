import type { Queryable } from '@vulgraad/database';

/**
 * -- Params: $1 now. The earliest not yet driven stop of each container in a published plan, from now on.
 * Reads the planner's plans and plan_stops tables (migrations 0100+).
 */
const SELECT_NEXT_VISITS = `
  SELECT s.container_id, min(s.arrive_at) AS arrive_at
  FROM plan_stops s JOIN plans p ON p.id = s.plan_id
  WHERE p.status = 'published' AND s.kind = 'container' AND s.done_at IS NULL AND s.arrive_at >= $1
  GROUP BY s.container_id`;

/** When each container is next visited by a published plan: the horizon of predicted_overflow and the open data's nextActuationDeadline. */
export class NextVisitsRepository {
  constructor(private readonly db: Queryable) {}

  async from(now: Date): Promise<Map<string, Date>> {
    const { rows } = await this.db.query<{ container_id: string; arrive_at: Date }>(SELECT_NEXT_VISITS, [now]);
    return new Map(rows.map((r) => [r.container_id, r.arrive_at instanceof Date ? r.arrive_at : new Date(String(r.arrive_at))]));
  }
}

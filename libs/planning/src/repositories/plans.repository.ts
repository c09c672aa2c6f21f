import type { Plan, PlanRoute, PlanStop, WasteFraction } from '@vulgraad/contracts';
import type { Database, Queryable } from '@vulgraad/database';
import { chunked, isoOf, isoOrNull, valuesRows } from './sql';

/** -- Params: $1 job_key */
const SELECT_BY_JOB = `SELECT id FROM plans WHERE job_key = $1`;
/** -- Params: $1 lock key text. Serialises publishing per district/fraction/shift. */
const LOCK_SHIFT = `SELECT pg_advisory_xact_lock(hashtext($1))`;
/** -- Params: $1 district, $2 fraction, $3 shift_date */
const NEXT_VERSION = `SELECT coalesce(max(version), 0) + 1 AS version FROM plans WHERE district = $1 AND fraction = $2 AND shift_date = $3::date`;
/**
 * -- Params: $1 district, $2 fraction, $3 shift_date, $4 superseded_at, $5 districts text[]. A fleet plan also
 * supersedes the published plans of the districts it covers.
 */
const SUPERSEDE = `
  UPDATE plans SET status = 'superseded', superseded_at = $4
  WHERE (district = $1 OR district = ANY($5::text[])) AND fraction = $2 AND shift_date = $3::date AND status = 'published'`;
/**
 * -- Params: $1 id, $2 district, $3 fraction, $4 shift_date, $5 version, $6 trigger, $7 job_key, $8 created_at,
 * $9 solve_seconds, $10 distance_m, $11 duration_s, $12 unassigned jsonb, $13 districts text[], $14 must_ids text[]
 */
const INSERT_PLAN = `
  INSERT INTO plans (id, district, fraction, shift_date, version, status, trigger, job_key, created_at, solve_seconds,
                     distance_m, duration_s, unassigned, districts, must_ids)
  VALUES ($1, $2, $3, $4::date, $5, 'published', $6, $7, $8, $9, $10, $11, $12::jsonb, $13::text[], $14::text[])`;
const ROUTE_CASTS = ['text', 'text', 'text', 'timestamptz', 'timestamptz', 'float8', 'float8', 'jsonb', 'text[]'];
/* Params per row: id, plan_id, vehicle_id, start_at, end_at, distance_m, duration_s, geometry, districts. */
const insertRoutesSql = (rows: number): string => `
  INSERT INTO plan_routes (id, plan_id, vehicle_id, start_at, end_at, distance_m, duration_s, geometry, districts)
  VALUES ${valuesRows(rows, ROUTE_CASTS)}`;
const STOP_CASTS = ['text', 'text', 'int4', 'text', 'text', 'text', 'float8', 'float8', 'timestamptz', 'timestamptz', 'float8', 'float8', 'jsonb', 'timestamptz'];
/* Params per row: route_id, plan_id, seq, kind, container_id, disposal_site_id, lng, lat, arrive_at, depart_at, load_after_l, load_after_kg, why, done_at. */
const insertStopsSql = (rows: number): string => `
  INSERT INTO plan_stops (route_id, plan_id, seq, kind, container_id, disposal_site_id, lng, lat, arrive_at, depart_at,
                          load_after_l, load_after_kg, why, done_at)
  VALUES ${valuesRows(rows, STOP_CASTS)}`;

const PLAN_COLUMNS = `id, district, fraction, shift_date::text AS shift_date, version, status, trigger, created_at, solve_seconds,
  distance_m, duration_s, unassigned, districts, must_ids`;
/** -- Params: $1 plan ids text[] */
const SELECT_PLANS = `SELECT ${PLAN_COLUMNS} FROM plans WHERE id = ANY($1::text[])`;
/** -- Params: $1 district (or the fleet scope), $2 fraction, $3 shift_date. A district finds the fleet plan that covers it. */
const SELECT_PUBLISHED = `
  SELECT id FROM plans WHERE (district = $1 OR $1 = ANY(districts)) AND fraction = $2 AND shift_date = $3::date AND status = 'published'
  ORDER BY (district = $1) DESC LIMIT 1`;
/** -- Params: $1 shift_date, $2 district (null = all): the plans of the district and the fleet plans that cover it. */
const SELECT_PUBLISHED_ON = `
  SELECT id FROM plans WHERE shift_date = $1::date AND status = 'published' AND ($2::text IS NULL OR district = $2 OR $2 = ANY(districts))
  ORDER BY district, fraction`;
/** -- Params: $1 district (or the fleet scope), $2 fraction, $3 shift_date. A district finds the fleet plan's versions that cover it. */
const SELECT_VERSIONS = `
  SELECT ${PLAN_COLUMNS} FROM plans WHERE (district = $1 OR $1 = ANY(districts)) AND fraction = $2 AND shift_date = $3::date ORDER BY version`;
/** -- Params: $1 plan ids text[] */
const SELECT_ROUTES = `
  SELECT id, plan_id, vehicle_id, start_at, end_at, distance_m, duration_s, geometry, districts FROM plan_routes
  WHERE plan_id = ANY($1::text[]) ORDER BY plan_id, vehicle_id`;
/** -- Params: $1 plan ids text[] */
const SELECT_STOPS = `
  SELECT route_id, seq, kind, container_id, disposal_site_id, lng, lat, arrive_at, depart_at, load_after_l, load_after_kg, why, done_at
  FROM plan_stops WHERE plan_id = ANY($1::text[]) ORDER BY route_id, seq`;
/** -- Params: $1 container_id, $2 shift_date. The published plan of that date with a not yet driven stop at the container. */
const SELECT_OPEN_STOP = `
  SELECT p.id AS plan_id, s.route_id, r.vehicle_id, s.seq, p.district, p.fraction
  FROM plan_stops s JOIN plans p ON p.id = s.plan_id JOIN plan_routes r ON r.id = s.route_id
  WHERE s.container_id = $1 AND p.shift_date = $2::date AND p.status = 'published'
  ORDER BY s.done_at NULLS FIRST, s.seq LIMIT 1`;
/**
 * -- Params: $1 plan_id, $2 container_id, $3 done_at. Marks the container's stop, and the depot start, unloading and
 * break visits before it on the same route (they were driven to get there); skipped containers before it stay open.
 */
const MARK_DONE = `
  WITH target AS (
    SELECT route_id, seq FROM plan_stops WHERE plan_id = $1 AND container_id = $2 AND done_at IS NULL ORDER BY seq LIMIT 1
  ), before AS (
    UPDATE plan_stops s SET done_at = least(s.depart_at, $3::timestamptz) FROM target t
    WHERE s.route_id = t.route_id AND s.seq < t.seq AND s.kind <> 'container' AND s.done_at IS NULL
  )
  UPDATE plan_stops s SET done_at = $3 FROM target t WHERE s.route_id = t.route_id AND s.seq = t.seq`;
interface PlanRow {
  id: string;
  district: string;
  fraction: WasteFraction;
  shift_date: string;
  version: number;
  status: Plan['status'];
  trigger: string;
  created_at: Date;
  solve_seconds: number;
  distance_m: number;
  duration_s: number;
  unassigned: Plan['unassigned'] | string;
  districts: string[];
  must_ids: string[];
}
interface RouteRow {
  id: string;
  plan_id: string;
  vehicle_id: string;
  start_at: Date;
  end_at: Date;
  distance_m: number;
  duration_s: number;
  geometry: PlanRoute['geometry'] | string | null;
  districts: string[];
}
interface StopRow {
  route_id: string;
  seq: number;
  kind: PlanStop['kind'];
  container_id: string | null;
  disposal_site_id: string | null;
  lng: number | null;
  lat: number | null;
  arrive_at: Date;
  depart_at: Date;
  load_after_l: number;
  load_after_kg: number;
  why: PlanStop['why'] | string | null;
  done_at: Date | null;
}

/** The stop of a published plan at a container, for driver feedback. */
export interface OpenStop {
  planId: string;
  routeId: string;
  vehicleId: string;
  seq: number;
  district: string;
  fraction: WasteFraction;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
const isDatabase = (db: Queryable): db is Database => typeof (db as Partial<Database>).transaction === 'function';

/** The id a plan gets in storage: readable and unique per district, fraction, shift and version. */
export const planIdFor = (district: string, fraction: string, shiftDate: string, version: number): string =>
  `plan-${district}-${fraction}-${shiftDate}-v${version}`;

/**
 * Plans with their routes and stops. Publishing is versioned: the new plan
 * of a district/fraction/shift supersedes the published one in the same
 * transaction, so there is always exactly one published version. The
 * gateway reads plans through this repository too.
 */
export class PlansRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Stores a plan as the next version and supersedes the previous one. With
   * a `jobKey`, a second call for the same key returns the plan stored the
   * first time (`created: false`) instead of storing another version.
   * Version and ids are assigned here; the stored plan is returned.
   */
  async publish(plan: Plan, options: { jobKey?: string | null } = {}): Promise<{ plan: Plan; created: boolean }> {
    const db = this.db;
    if (!isDatabase(db)) return this.publishIn(db, plan, options.jobKey ?? null);
    return db.transaction((tx) => this.publishIn(tx, plan, options.jobKey ?? null));
  }

  private async publishIn(tx: Queryable, plan: Plan, jobKey: string | null): Promise<{ plan: Plan; created: boolean }> {
    await tx.query(LOCK_SHIFT, [`plans|${plan.district}|${plan.fraction}|${plan.shiftDate}`]);
    if (jobKey) {
      const existing = (await tx.query<{ id: string }>(SELECT_BY_JOB, [jobKey])).rows[0];
      if (existing) return { plan: (await new PlansRepository(tx).findById(existing.id)) as Plan, created: false };
    }
    const version = (await tx.query<{ version: number }>(NEXT_VERSION, [plan.district, plan.fraction, plan.shiftDate])).rows[0].version;
    const id = planIdFor(plan.district, plan.fraction, plan.shiftDate, version);
    const stored: Plan = {
      ...plan,
      id,
      version,
      status: 'published',
      routes: plan.routes.map((r) => ({ ...r, id: `${id}:${r.vehicleId}`, districts: r.districts ?? [] })),
      districts: plan.districts ?? [plan.district],
      mustIds: plan.mustIds ?? [],
    };
    const districts = stored.districts as string[];
    await tx.query(SUPERSEDE, [plan.district, plan.fraction, plan.shiftDate, new Date(), districts]);
    await tx.query(INSERT_PLAN, [
      id, plan.district, plan.fraction, plan.shiftDate, version, plan.trigger, jobKey, plan.createdAt, plan.solveSeconds,
      plan.distanceM, plan.durationS, JSON.stringify(plan.unassigned), districts, stored.mustIds,
    ]);
    for (const chunk of chunked(stored.routes, ROUTE_CASTS.length)) {
      const params = chunk.flatMap((r) => [
        r.id, id, r.vehicleId, r.startAt, r.endAt, r.distanceM, r.durationS, r.geometry ? JSON.stringify(r.geometry) : null, r.districts,
      ]);
      await tx.query(insertRoutesSql(chunk.length), params);
    }
    const stops = stored.routes.flatMap((r) => r.stops.map((s) => ({ routeId: r.id, s })));
    for (const chunk of chunked(stops, STOP_CASTS.length)) {
      const params = chunk.flatMap(({ routeId, s }) => [
        routeId, id, s.seq, s.kind, s.containerId, s.disposalSiteId, s.lng, s.lat, s.arriveAt, s.departAt, s.loadAfterL,
        s.loadAfterKg, s.why ? JSON.stringify(s.why) : null, s.doneAt,
      ]);
      await tx.query(insertStopsSql(chunk.length), params);
    }
    return { plan: stored, created: true };
  }

  async findById(id: string): Promise<Plan | null> {
    return (await this.load([id]))[0] ?? null;
  }

  /** The plan a job stored, if it got that far. */
  async findByJobKey(jobKey: string): Promise<Plan | null> {
    const row = (await this.db.query<{ id: string }>(SELECT_BY_JOB, [jobKey])).rows[0];
    return row ? this.findById(row.id) : null;
  }

  /** The published version for a district (or the fleet plan covering it), fraction and shift. */
  async published(district: string, fraction: WasteFraction, shiftDate: string): Promise<Plan | null> {
    const row = (await this.db.query<{ id: string }>(SELECT_PUBLISHED, [district, fraction, shiftDate])).rows[0];
    return row ? this.findById(row.id) : null;
  }

  /** Every published plan of a shift date (optionally of one district: its plans and the fleet plans covering it). */
  async publishedOn(shiftDate: string, district: string | null = null): Promise<Plan[]> {
    const ids = (await this.db.query<{ id: string }>(SELECT_PUBLISHED_ON, [shiftDate, district])).rows.map((r) => r.id);
    return this.load(ids);
  }

  /** All versions of a shift's plan, oldest first (routes included). */
  async versions(district: string, fraction: WasteFraction, shiftDate: string): Promise<Plan[]> {
    const ids = (await this.db.query<PlanRow>(SELECT_VERSIONS, [district, fraction, shiftDate])).rows.map((r) => r.id);
    return this.load(ids);
  }

  /** The published plan's stop at a container on a date, preferring one not yet driven. */
  async openStopOf(containerId: string, shiftDate: string): Promise<OpenStop | null> {
    const row = (
      await this.db.query<{ plan_id: string; route_id: string; vehicle_id: string; seq: number; district: string; fraction: WasteFraction }>(
        SELECT_OPEN_STOP,
        [containerId, shiftDate],
      )
    ).rows[0];
    return row
      ? { planId: row.plan_id, routeId: row.route_id, vehicleId: row.vehicle_id, seq: row.seq, district: row.district, fraction: row.fraction }
      : null;
  }

  /** Marks a container's stop driven; false when there was no open stop. */
  async markStopDone(planId: string, containerId: string, doneAt: Date): Promise<boolean> {
    return (await this.db.query(MARK_DONE, [planId, containerId, doneAt])).rowCount > 0;
  }

  private async load(ids: readonly string[]): Promise<Plan[]> {
    if (ids.length === 0) return [];
    const plans = (await this.db.query<PlanRow>(SELECT_PLANS, [ids])).rows;
    const routes = (await this.db.query<RouteRow>(SELECT_ROUTES, [ids])).rows;
    const stops = (await this.db.query<StopRow>(SELECT_STOPS, [ids])).rows;
    const stopsByRoute = new Map<string, PlanStop[]>();
    for (const s of stops) {
      let list = stopsByRoute.get(s.route_id);
      if (!list) stopsByRoute.set(s.route_id, (list = []));
      list.push({
        seq: s.seq,
        kind: s.kind,
        containerId: s.container_id,
        disposalSiteId: s.disposal_site_id,
        lng: s.lng,
        lat: s.lat,
        arriveAt: isoOf(s.arrive_at),
        departAt: isoOf(s.depart_at),
        loadAfterL: s.load_after_l,
        loadAfterKg: s.load_after_kg,
        why: s.why === null ? null : json(s.why),
        doneAt: isoOrNull(s.done_at),
      });
    }
    const routesByPlan = new Map<string, PlanRoute[]>();
    for (const r of routes) {
      let list = routesByPlan.get(r.plan_id);
      if (!list) routesByPlan.set(r.plan_id, (list = []));
      list.push({
        id: r.id,
        vehicleId: r.vehicle_id,
        startAt: isoOf(r.start_at),
        endAt: isoOf(r.end_at),
        distanceM: r.distance_m,
        durationS: r.duration_s,
        stops: stopsByRoute.get(r.id) ?? [],
        geometry: r.geometry === null ? null : json(r.geometry),
        districts: r.districts,
      });
    }
    const byId = new Map(
      plans.map((p): [string, Plan] => [
        p.id,
        {
          id: p.id,
          district: p.district,
          fraction: p.fraction,
          shiftDate: p.shift_date,
          version: p.version,
          status: p.status,
          trigger: p.trigger,
          createdAt: isoOf(p.created_at),
          solveSeconds: p.solve_seconds,
          distanceM: p.distance_m,
          durationS: p.duration_s,
          routes: routesByPlan.get(p.id) ?? [],
          unassigned: json(p.unassigned),
          districts: p.districts,
          mustIds: p.must_ids,
        },
      ]),
    );
    return ids.map((id) => byId.get(id)).filter((p): p is Plan => p !== undefined);
  }
}

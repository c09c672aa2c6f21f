import type { Queryable } from '@vulgraad/database';
import { localTimeMs } from '@vulgraad/time';

/**
 * An independent check of a published day, written apart from the solver:
 * it reads what was published and does its own arithmetic on times and
 * loads, so a fault in the solver's or the planner's bookkeeping shows here.
 */

/** A truck as the check sees it (the vehicles table). */
export interface CheckedVehicle {
  id: string;
  capacityL: number;
  capacityKg: number;
  /** Loose litres per litre of body; null = the default given to the check. */
  compactionFactor: number | null;
  shiftStartMin: number;
  shiftEndMin: number;
}

/** One stop as published. */
export interface CheckedStop {
  seq: number;
  kind: string;
  containerId: string | null;
  arriveMs: number;
  departMs: number;
  loadAfterL: number;
  loadAfterKg: number;
  /** Container volume, litres (null for other stops or an unknown container). */
  volumeL: number | null;
  predictedFillAtArrivalPct: number | null;
}

/** One route of a published plan. */
export interface CheckedRoute {
  planId: string;
  routeId: string;
  fraction: string;
  vehicleId: string;
  startMs: number;
  endMs: number;
  stops: CheckedStop[];
}

/** A published plan's promises about its must stops. */
export interface CheckedPlan {
  planId: string;
  fraction: string;
  /** The districts the plan covers. */
  districts: string[];
  mustIds: string[];
  unassigned: Array<{ containerId: string; reason: string }>;
}

/** Everything published for one day. */
export interface PublishedDay {
  shiftDate: string;
  plans: CheckedPlan[];
  routes: CheckedRoute[];
  vehicles: Map<string, CheckedVehicle>;
  /** Containers a planner locked or added for this shift (active edits), by fraction. */
  plannerMusts: Array<{ containerId: string; fraction: string; district: string }>;
}

/** What the check found; the four counts are the promises of a published day. */
export interface DayCheck {
  shiftDate: string;
  plans: number;
  routes: number;
  vehicles: number;
  stops: number;
  /** Pairs of routes of one truck whose times overlap. */
  doubleBooked: number;
  /** Routes that start before or end after their truck's shift. */
  overShift: number;
  /** Trips (from the depot or an unloading to the next unloading) that carry more than the truck holds. */
  overloaded: number;
  /** Must stops neither visited nor listed as unplaced with a reason. */
  mustMissed: number;
  /** Must stops listed as unplaced (with a reason): allowed, but worth knowing. */
  mustUnplaced: number;
  /** Stops whose times run backwards (departure before arrival, or a leg ending before it starts). */
  timeline: number;
  /** One line per violation. */
  problems: string[];
}

const TOLERANCE_MS = 1000;
const TOLERANCE_L = 0.5;

/**
 * Checks a published day: no truck on two routes at once (across all plans
 * of the day, every fraction), no route outside its truck's shift, no trip
 * over the truck's litres or kilograms (the stored loads, and the
 * containers' volumes times their predicted fill, compacted), no must stop
 * lost. Pure arithmetic over what `readPublishedDay` read.
 */
export function checkDay(day: PublishedDay, options: { timeZone: string; defaultCompactionFactor: number }): DayCheck {
  const problems: string[] = [];
  let doubleBooked = 0;
  let overShift = 0;
  let overloaded = 0;
  let timeline = 0;

  const byVehicle = new Map<string, CheckedRoute[]>();
  for (const route of day.routes) {
    const list = byVehicle.get(route.vehicleId) ?? [];
    list.push(route);
    byVehicle.set(route.vehicleId, list);
  }
  const span = (r: CheckedRoute): [number, number] => [
    Math.min(r.startMs, ...r.stops.map((s) => s.arriveMs)),
    Math.max(r.endMs, ...r.stops.map((s) => s.departMs)),
  ];
  for (const [vehicleId, routes] of byVehicle) {
    for (let i = 0; i < routes.length; i++) {
      for (let j = i + 1; j < routes.length; j++) {
        const [a0, a1] = span(routes[i] as CheckedRoute);
        const [b0, b1] = span(routes[j] as CheckedRoute);
        if (a0 < b1 - TOLERANCE_MS && b0 < a1 - TOLERANCE_MS) {
          doubleBooked++;
          problems.push(`double booked: ${vehicleId} in ${(routes[i] as CheckedRoute).planId} and ${(routes[j] as CheckedRoute).planId} at once`);
        }
      }
    }
  }

  for (const route of day.routes) {
    const vehicle = day.vehicles.get(route.vehicleId);
    if (!vehicle) {
      overShift++;
      problems.push(`over shift: ${route.routeId} has an unknown truck ${route.vehicleId}`);
      continue;
    }
    const [from, to] = span(route);
    const shiftFrom = localTimeMs(day.shiftDate, vehicle.shiftStartMin, options.timeZone);
    const shiftTo = localTimeMs(day.shiftDate, vehicle.shiftEndMin, options.timeZone);
    if (from < shiftFrom - TOLERANCE_MS || to > shiftTo + TOLERANCE_MS) {
      overShift++;
      problems.push(`over shift: ${route.routeId} runs ${new Date(from).toISOString()}-${new Date(to).toISOString()}, shift ${new Date(shiftFrom).toISOString()}-${new Date(shiftTo).toISOString()}`);
    }
    let previousDepart = -Infinity;
    for (const stop of route.stops) {
      if (stop.departMs < stop.arriveMs - TOLERANCE_MS || stop.arriveMs < previousDepart - TOLERANCE_MS) {
        timeline++;
        problems.push(`timeline: ${route.routeId} stop ${stop.seq} arrives ${new Date(stop.arriveMs).toISOString()} after a departure at ${new Date(previousDepart).toISOString()} or leaves before it arrives`);
      }
      previousDepart = stop.departMs;
    }

    // Trips: from the start or an unloading to the next unloading (or the end).
    const compaction = vehicle.compactionFactor ?? options.defaultCompactionFactor;
    let tripPeakL = 0;
    let tripPeakKg = 0;
    let tripEstimateL = 0;
    let lastL = 0;
    let lastKg = 0;
    let dropped = false;
    const closeTrip = (at: number): void => {
      const over = tripPeakL > vehicle.capacityL + TOLERANCE_L || tripPeakKg > vehicle.capacityKg + TOLERANCE_L || tripEstimateL > vehicle.capacityL + TOLERANCE_L;
      if (over || dropped) {
        overloaded++;
        problems.push(
          `overloaded: ${route.routeId} trip ending at stop ${at}: ${tripPeakL.toFixed(0)} L / ${tripPeakKg.toFixed(0)} kg stored, ${tripEstimateL.toFixed(0)} L from the containers, truck holds ${vehicle.capacityL} L / ${vehicle.capacityKg} kg${dropped ? '; the load fell without an unloading' : ''}`,
        );
      }
      tripPeakL = tripPeakKg = tripEstimateL = 0;
      dropped = false;
    };
    for (const stop of route.stops) {
      if (stop.kind === 'container') {
        if (stop.loadAfterL < lastL - TOLERANCE_L || stop.loadAfterKg < lastKg - TOLERANCE_L) dropped = true;
        if (stop.volumeL !== null && stop.predictedFillAtArrivalPct !== null) tripEstimateL += (stop.volumeL * Math.min(100, Math.max(0, stop.predictedFillAtArrivalPct))) / 100 / compaction;
      }
      tripPeakL = Math.max(tripPeakL, stop.loadAfterL);
      tripPeakKg = Math.max(tripPeakKg, stop.loadAfterKg);
      lastL = stop.loadAfterL;
      lastKg = stop.loadAfterKg;
      if (stop.kind === 'disposal') {
        closeTrip(stop.seq);
        lastL = lastKg = 0;
      }
    }
    if (tripPeakL > 0 || tripEstimateL > 0 || dropped) closeTrip(route.stops.at(-1)?.seq ?? 0);
  }

  // Musts: the planner's chosen musts and the planner's locks and additions.
  const visited = new Map<string, Set<string>>();
  for (const route of day.routes) {
    for (const stop of route.stops) {
      if (stop.kind !== 'container' || !stop.containerId) continue;
      const set = visited.get(route.fraction) ?? new Set<string>();
      set.add(stop.containerId);
      visited.set(route.fraction, set);
    }
  }
  const unplaced = new Map<string, Set<string>>();
  const musts = new Map<string, Set<string>>();
  for (const plan of day.plans) {
    const list = unplaced.get(plan.fraction) ?? new Set<string>();
    for (const u of plan.unassigned) if (u.reason.trim().length > 0) list.add(u.containerId);
    unplaced.set(plan.fraction, list);
    const m = musts.get(plan.fraction) ?? new Set<string>();
    for (const id of plan.mustIds) m.add(id);
    musts.set(plan.fraction, m);
  }
  for (const { containerId, fraction, district } of day.plannerMusts) {
    if (!day.plans.some((p) => p.fraction === fraction && p.districts.includes(district))) continue;
    (musts.get(fraction) as Set<string>).add(containerId);
  }
  let mustMissed = 0;
  let mustUnplaced = 0;
  for (const [fraction, ids] of musts) {
    for (const id of ids) {
      if (visited.get(fraction)?.has(id)) continue;
      if (unplaced.get(fraction)?.has(id)) {
        mustUnplaced++;
        continue;
      }
      mustMissed++;
      problems.push(`must missed: ${fraction} container ${id} is neither visited nor listed as unplaced`);
    }
  }

  return {
    shiftDate: day.shiftDate,
    plans: day.plans.length,
    routes: day.routes.length,
    vehicles: byVehicle.size,
    stops: day.routes.reduce((n, r) => n + r.stops.filter((s) => s.kind === 'container').length, 0),
    doubleBooked,
    overShift,
    overloaded,
    mustMissed,
    mustUnplaced,
    timeline,
    problems,
  };
}

/** -- Params: $1 shift_date. The published plans of the day. */
const SELECT_PLANS = `
  SELECT id, fraction, district, districts, must_ids, unassigned FROM plans WHERE shift_date = $1::date AND status = 'published' ORDER BY id`;
/** -- Params: $1 shift_date. Their routes. */
const SELECT_ROUTES = `
  SELECT r.id, r.plan_id, p.fraction, r.vehicle_id, r.start_at, r.end_at
  FROM plan_routes r JOIN plans p ON p.id = r.plan_id
  WHERE p.shift_date = $1::date AND p.status = 'published' ORDER BY r.id`;
/** -- Params: $1 shift_date. Their stops, with the container's volume. */
const SELECT_STOPS = `
  SELECT s.route_id, s.seq, s.kind, s.container_id, s.arrive_at, s.depart_at, s.load_after_l, s.load_after_kg,
         c.volume_l, (s.why->>'predictedFillAtArrivalPct')::float8 AS predicted_fill_pct
  FROM plan_stops s JOIN plans p ON p.id = s.plan_id LEFT JOIN containers c ON c.id = s.container_id
  WHERE p.shift_date = $1::date AND p.status = 'published' ORDER BY s.route_id, s.seq`;
/** -- Params: $1 ISO weekday as text. Every truck, with its shift of that weekday (null = none that day). */
const SELECT_VEHICLES = `
  SELECT id, capacity_l, capacity_kg, compaction_factor,
         CASE WHEN shift_by_weekday IS NULL THEN shift_start_min ELSE (shift_by_weekday->($1::text)->>0)::int END AS shift_start_min,
         CASE WHEN shift_by_weekday IS NULL THEN shift_end_min ELSE (shift_by_weekday->($1::text)->>1)::int END AS shift_end_min
  FROM vehicles`;
/**
 * -- Params: $1 shift_date. Locks and additions in force for the shift: the last edit per container (of that shift
 * or of every shift) is a lock or an add.
 */
const SELECT_PLANNER_MUSTS = `
  SELECT DISTINCT ON (e.container_id) e.container_id, e.action, c.waste_type, c.district
  FROM planner_edits e JOIN containers c ON c.id = e.container_id
  WHERE e.shift_date = $1::date OR e.shift_date IS NULL
  ORDER BY e.container_id, e.created_at DESC, e.id DESC`;

/** Reads a published day for `checkDay`, with SQL of its own (not the plans repository). */
export async function readPublishedDay(db: Queryable, shiftDate: string): Promise<PublishedDay> {
  const plans = (await db.query<{ id: string; fraction: string; district: string; districts: string[]; must_ids: string[]; unassigned: unknown }>(SELECT_PLANS, [shiftDate])).rows;
  const routes = (await db.query<{ id: string; plan_id: string; fraction: string; vehicle_id: string; start_at: Date; end_at: Date }>(SELECT_ROUTES, [shiftDate])).rows;
  const stops = (
    await db.query<{
      route_id: string; seq: number; kind: string; container_id: string | null; arrive_at: Date; depart_at: Date;
      load_after_l: number; load_after_kg: number; volume_l: number | null; predicted_fill_pct: number | null;
    }>(SELECT_STOPS, [shiftDate])
  ).rows;
  const vehicles = (
    await db.query<{ id: string; capacity_l: number; capacity_kg: number; compaction_factor: number | null; shift_start_min: number | null; shift_end_min: number | null }>(
      SELECT_VEHICLES,
      [String(((new Date(`${shiftDate}T12:00:00Z`).getUTCDay() + 6) % 7) + 1)],
    )
  ).rows;
  const edits = (await db.query<{ container_id: string; action: string; waste_type: string; district: string }>(SELECT_PLANNER_MUSTS, [shiftDate])).rows;

  const stopsByRoute = new Map<string, CheckedStop[]>();
  for (const s of stops) {
    const list = stopsByRoute.get(s.route_id) ?? [];
    list.push({
      seq: s.seq, kind: s.kind, containerId: s.container_id, arriveMs: new Date(s.arrive_at).getTime(), departMs: new Date(s.depart_at).getTime(),
      loadAfterL: Number(s.load_after_l), loadAfterKg: Number(s.load_after_kg), volumeL: s.volume_l === null ? null : Number(s.volume_l),
      predictedFillAtArrivalPct: s.predicted_fill_pct === null ? null : Number(s.predicted_fill_pct),
    });
    stopsByRoute.set(s.route_id, list);
  }
  const asArray = (value: unknown): Array<{ containerId: string; reason: string }> => {
    const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
    return Array.isArray(parsed) ? (parsed as Array<{ containerId: string; reason: string }>) : [];
  };
  return {
    shiftDate,
    plans: plans.map((p) => ({ planId: p.id, fraction: p.fraction, districts: p.districts?.length ? p.districts : [p.district], mustIds: p.must_ids ?? [], unassigned: asArray(p.unassigned) })),
    routes: routes.map((r) => ({
      planId: r.plan_id, routeId: r.id, fraction: r.fraction, vehicleId: r.vehicle_id,
      startMs: new Date(r.start_at).getTime(), endMs: new Date(r.end_at).getTime(), stops: stopsByRoute.get(r.id) ?? [],
    })),
    vehicles: new Map(vehicles.map((v) => [v.id, {
      id: v.id, capacityL: Number(v.capacity_l), capacityKg: Number(v.capacity_kg), compactionFactor: v.compaction_factor === null ? null : Number(v.compaction_factor),
      // No shift that weekday: any route is outside it.
      shiftStartMin: v.shift_start_min ?? 0, shiftEndMin: v.shift_end_min ?? 0,
    }])),
    plannerMusts: edits.filter((e) => e.action === 'lock' || e.action === 'add').map((e) => ({ containerId: e.container_id, fraction: e.waste_type, district: e.district })),
  };
}

/** Reads and checks a published day. */
export async function checkPublishedDay(db: Queryable, shiftDate: string, options: { timeZone: string; defaultCompactionFactor: number }): Promise<DayCheck> {
  return checkDay(await readPublishedDay(db, shiftDate), options);
}

import type { WasteFraction } from './containers';

/**
 * A collection plan as stored and as the gateway shows it: one shift, one
 * district and fraction, several routes, and for every stop why it is there.
 */
export interface Plan {
  id: string;
  district: string;
  fraction: WasteFraction;
  /** Local date of the shift, YYYY-MM-DD. */
  shiftDate: string;
  version: number;
  status: 'published' | 'superseded';
  trigger: string;
  createdAt: string;
  solveSeconds: number;
  distanceM: number;
  durationS: number;
  routes: PlanRoute[];
  /** Containers the planner wanted but could not place, with the reason. */
  unassigned: Array<{ containerId: string; category: StopCategory; reason: string }>;
  /**
   * The districts the plan covers. A fleet plan (`district` = `FLEET_SCOPE`)
   * covers every district collected that day; a district's plan, its own.
   */
  districts?: string[];
  /** Must stops the planner chose (visited or listed in `unassigned`): what a check of the day holds the plan to. */
  mustIds?: string[];
}

/** The `district` of a plan made for the whole fleet of a fraction: one route per truck across districts. */
export const FLEET_SCOPE = 'fleet';

export interface PlanRoute {
  id: string;
  vehicleId: string;
  startAt: string;
  endAt: string;
  distanceM: number;
  durationS: number;
  stops: PlanStop[];
  /** GeoJSON LineString of the road path, when a road provider computed it. */
  geometry: { type: 'LineString'; coordinates: Array<[number, number]> } | null;
  /** The districts of the containers the route empties (a truck's day may cross districts). */
  districts?: string[];
}

export type PlanStopKind = 'depot_start' | 'container' | 'disposal' | 'break' | 'depot_end';
export type StopCategory = 'must' | 'worth' | 'planner_added' | 'locked';

export interface PlanStop {
  seq: number;
  kind: PlanStopKind;
  containerId: string | null;
  disposalSiteId: string | null;
  lng: number | null;
  lat: number | null;
  arriveAt: string;
  departAt: string;
  /** Load on the truck after this stop, litres (compacted volume) and kilograms. */
  loadAfterL: number;
  loadAfterKg: number;
  why: StopReason | null;
  /** Set once driven: a partially driven route is re-planned from here on. */
  doneAt: string | null;
}

export interface StopReason {
  category: StopCategory;
  fillNowPct: number | null;
  predictedFillAtArrivalPct: number | null;
  /** Probability the container overflows before the next chance to empty it, 0..1. */
  overflowRisk: number | null;
  plannerDecision: { action: string; reason: string; by: string } | null;
  /** The forecast came from history only (silent or doubtful sensor). */
  fromHistoryOnly: boolean;
}

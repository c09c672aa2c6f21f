import type { Container, ContainerType, Plan, StopCategory, StopReason, WasteFraction } from '@vulgraad/contracts';
import type { ContainerHistory, FillModel, ForecastOptions } from '@vulgraad/forecasting';
import type { LngLat, MatrixProvider } from '@vulgraad/distances';
import type { RoutingProblem, RoutingSolution, SolveOptions } from '@vulgraad/routing';

/**
 * How one district and fraction is collected and how its containers are
 * chosen. Stored per district/fraction in `planner_district_settings`; a
 * district without a row gets `defaultDistrictSettings(config)`.
 */
export interface DistrictSettings {
  district: string;
  fraction: WasteFraction;
  /** Must when the overflow probability before the next chance reaches this, 0..1. */
  riskLevel: number;
  /** Worth it when the predicted fill at the shift reaches this, percent. */
  worthFillPct: number;
  /** Prize of emptying a full optional container, cost units (scaled by fill squared). */
  worthPrize: number;
  /** Optional stops further than this (straight line) from every must stop and depot are not offered, metres. */
  worthMaxDetourM: number;
  /** ISO weekdays (Monday = 1) on which this district/fraction is collected. */
  collectionDays: number[];
  /**
   * Collection zones taking turns (see zones.ts): on each collection day one
   * of this many parts of the district is due, and its containers are emptied
   * when they would not last until the zone's next turn. 1 or absent = no zones.
   */
  zoneDays?: number;
  /** Local shift start and end, minutes after midnight. */
  shiftStartMin: number;
  shiftEndMin: number;
  /** Driver's break, minutes (0 = none), taken around the middle of the shift. */
  breakMin: number;
  /** Local time of the day before a shift by which the plan is built, minutes after midnight. */
  cutoffMin: number;
  /** Time to empty one container (pit), seconds. */
  serviceTimeS: number;
  /** Solver time budget, seconds. */
  timeBudgetS: number;
  /** The trucks that serve this district; null = every in-service truck equipped for the fraction. */
  vehicleIds: string[] | null;
}

/** A container as the planner needs it; extra fields are optional. */
export interface PlanningContainer extends Container {
  /** Pits pooled at this location: a visit empties all, service time grows with it (default 1). */
  pitCount?: number;
  /** Overrides the district's service time, seconds. */
  serviceTimeS?: number;
}

/** A container with what the forecast learns from: a fitted model, or its history (then it is fitted here). */
export interface ContainerInput {
  container: PlanningContainer;
  model?: FillModel;
  history?: ContainerHistory;
}

/** A truck as the planner needs it (structurally a `Vehicle` of @vulgraad/database, plus compaction). */
export interface PlanningVehicle {
  id: string;
  depotId: string;
  /** Body volume, litres of compacted waste. */
  capacityL: number;
  capacityKg: number;
  fractions: readonly WasteFraction[];
  /** Container types the truck can empty (a crane for underground). */
  equipment: readonly ContainerType[];
  /** Loose litres that fit in one litre of the body (default: the configured factor). */
  compactionFactor?: number | null;
  speedFactor?: number;
  costPerKm?: number;
  costPerHour?: number;
  shiftStartMin?: number;
  shiftEndMin?: number;
  maxRouteDurationS?: number | null;
  /** The driver's break, minutes; absent or null = the longest of the districts it serves. */
  breakMin?: number | null;
  status?: 'in_service' | 'out_of_service';
}

/** A place with a position and an id: depot or disposal site. */
export interface PlanningSite extends LngLat {
  id: string;
  name?: string;
  /** Fractions a disposal site accepts (absent = all). */
  fractions?: readonly WasteFraction[];
  openFromMin?: number;
  openToMin?: number;
  serviceTimeS?: number;
}

/** Actions a planner takes on a container; `clear` withdraws the earlier ones. */
export type PlannerEditAction = 'lock' | 'exclude' | 'add' | 'clear';

/** One planner decision, as stored in the append-only `planner_edits` table. */
export interface PlannerEdit {
  id: string;
  district: string;
  /** The shift it applies to; null = every shift until cleared. */
  shiftDate: string | null;
  containerId: string;
  action: PlannerEditAction;
  /** For a lock: the truck that must take it (null = any truck). */
  vehicleId: string | null;
  reason: string;
  by: string;
  createdAt: string;
}

/** Where a truck is while its route is under way: the rest is re-planned from here. */
export interface VehicleProgressInput {
  vehicleId: string;
  position: LngLat;
  /** When the truck is at `position`, epoch ms. */
  atMs: number;
  /** Loose litres and kilograms on board now. */
  loadL: number;
  loadKg: number;
  breakTaken: boolean;
}

/** Everything one plan is made from. Plain data; no database needed. */
export interface PlanShiftInput {
  district: string;
  fraction: WasteFraction;
  /** Local date of the shift, YYYY-MM-DD. */
  shiftDate: string;
  timeZone: string;
  /** The planner's now, epoch ms: forecasts start here, sensors are silent relative to it. */
  nowMs: number;
  settings: DistrictSettings;
  containers: readonly ContainerInput[];
  vehicles: readonly PlanningVehicle[];
  depots: readonly PlanningSite[];
  disposalSites: readonly PlanningSite[];
  edits?: readonly PlannerEdit[];
  /** Loose bulk density of the fraction, kg per litre. */
  densityKgPerL: number;
  /** Compaction of trucks that do not state their own. */
  defaultCompactionFactor: number;
  /** Why this plan is made: `daily`, or the event of a re-plan. */
  trigger: string;
  planId?: string;
  version?: number;
  /** The plan being re-planned: its driven stops stay, its order seeds the search. */
  previous?: Plan | null;
  /** Trucks under way, for re-planning what is not yet driven. */
  progress?: readonly VehicleProgressInput[];
  /** Containers emptied earlier in this shift (driver feedback) that have no done stop in `previous`. */
  doneContainerIds?: readonly string[];
}

/** A time a truck is already taken on the shift's day (a route of another fraction's plan), epoch ms. */
export interface VehicleBusyInput {
  vehicleId: string;
  fromMs: number;
  toMs: number;
}

/**
 * Everything one fleet plan is made from: one fraction's shift for every
 * district collected that day, each truck given one route for its day
 * across the districts it may serve (see `planFleetShift`).
 */
export interface FleetShiftInput extends Omit<PlanShiftInput, 'district' | 'settings'> {
  /** What the plan is stored under: `FLEET_SCOPE`, or a district's id for a plan of that district alone. */
  scope: string;
  /** The settings of every district in the plan; a container of another district is not planned. */
  districts: readonly DistrictSettings[];
  /** When the trucks are taken by routes of other plans of the day (other fractions). */
  busy?: readonly VehicleBusyInput[];
  /**
   * A re-plan that concerns only these trucks: the others keep their routes
   * of `previous` as they are (their stops are not planned again). Absent =
   * every truck.
   */
  concernedVehicleIds?: readonly string[];
}

/** The solver, injected so the planner can run it in a worker or in-line. */
export type SolveFn = (problem: RoutingProblem, options: SolveOptions) => Promise<RoutingSolution> | RoutingSolution;

/** What `planShift` calls out to. */
export interface PlanShiftDeps {
  matrix: MatrixProvider;
  solve: SolveFn;
  /** Options of the fill forecast (time zone is taken from the input). */
  forecast?: ForecastOptions;
  /** Ask the provider for each route's road geometry (default true). */
  geometry?: boolean;
  /** Solver seed (default 1). */
  seed?: number;
  /** Overrides the district's time budget, milliseconds. */
  timeBudgetMs?: number;
  /** Stops the search after this many iterations (with the seed: the same plan every run). */
  maxIterations?: number;
  signal?: AbortSignal;
  /** Progress 0..1 of the steps, for job progress. */
  onProgress?: (fraction: number, step: string) => void;
}

/** What the planner decided about one container, including those that wait. */
export interface ContainerDecision {
  containerId: string;
  category: StopCategory | 'waits' | 'excluded' | 'done';
  /** The reasons; a stop's `why` is these plus its category. */
  why: Omit<StopReason, 'category'>;
  /** Prize offered to the solver (optional stops only). */
  prize: number | null;
  /** Loose litres and kilograms expected at the stop. */
  demandL: number;
  demandKg: number;
}

/** Time spent per step, milliseconds. */
export interface PlanTimings {
  forecastMs: number;
  chooseMs: number;
  matrixMs: number;
  solveMs: number;
  geometryMs: number;
  totalMs: number;
}

/** The plan and how it came about. */
export interface PlanShiftResult {
  plan: Plan;
  decisions: ContainerDecision[];
  timings: PlanTimings;
  /** Solver cost of the routes (money units of the vehicles' costs). */
  cost: number;
  matrixFromCache: boolean;
  /** Must stops (must, locked, planner_added) that no route serves. */
  mustMissed: number;
  /** With collection zones: the zone due this shift and each container's zone (zones.ts); null without zones. */
  zones: { due: number; byContainer: ReadonlyMap<string, number> } | null;
}

/** A fleet plan and how it came about; zones per district. */
export interface FleetShiftResult extends Omit<PlanShiftResult, 'zones'> {
  zones: Map<string, { due: number; byContainer: ReadonlyMap<string, number> }>;
}

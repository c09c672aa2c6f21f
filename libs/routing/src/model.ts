/**
 * The routing problem and solution model: what the planner hands to the
 * solver and what it gets back. Plain data, no behaviour; the solver
 * validates it (see `InfeasibleProblemError`) before it starts.
 *
 * Units: distances in metres, times in seconds on one clock (for example
 * seconds since local midnight of the shift date), costs in whatever money
 * unit the caller uses consistently. Locations are indices into the
 * caller's matrices.
 *
 * Compatibility promise: fields are only ever added (as optional fields).
 */

/** A flat row-major n x n matrix: cell `i * n + j` is the trip from location i to location j (asymmetric allowed). */
export type Matrix = Float64Array | Float32Array | Int32Array | Uint32Array;

/** A closed time interval in seconds. */
export interface TimeWindow {
  /** Earliest moment, seconds. */
  startS: number;
  /** Latest moment, seconds (inclusive). */
  endS: number;
}

/** A driver's break: the truck stands still for `durationS`, starting inside `window`; it is taken between two visits. */
export interface BreakRule {
  /** Length of the break, seconds. */
  durationS: number;
  /** The break must start inside this window. */
  window: TimeWindow;
}

/** What a truck has already done today, for re-planning the rest of a partially driven route. */
export interface VehicleProgress {
  /** Where the truck is now (location index); the remaining route starts here instead of the start depot. */
  locationIndex: number;
  /** Now, seconds: the remaining route leaves at this moment, not earlier. */
  timeS: number;
  /** Load on board now, per capacity dimension; it counts against the current trip until the next disposal visit. */
  load?: number[];
  /** Load collected so far today, per capacity dimension; it counts against `routeCapacity`. */
  collectedToday?: number[];
  /** Stops served so far today; they count against `maxStops`. */
  stopsServed?: number;
  /** True when the driver already took the break. */
  breakTaken?: boolean;
  /** When the route started, seconds; the time since counts against `maxDurationS` (default: shift start). */
  startedAtS?: number;
}

/** One truck. */
export interface Vehicle {
  /** The caller's id, echoed in the solution. */
  id: string;
  /** Location index where the route starts (the depot). */
  startLocationIndex: number;
  /** Location index where the route ends (usually the same depot). */
  endLocationIndex: number;
  /** Capacity of one trip per dimension (same order as `RoutingProblem.dimensions`); a disposal visit empties the truck. */
  capacity: number[];
  /** Most load per dimension the truck may collect over the whole day, across trips (e.g. a crew's daily limit). */
  routeCapacity?: number[];
  /** Most stops the truck may serve in the day. */
  maxStops?: number;
  /** Working hours: leaves the start no earlier than `startS`, back at the end no later than `endS`. */
  shift?: TimeWindow;
  /** Longest route, seconds from leaving the start to arriving at the end (waiting included). */
  maxDurationS?: number;
  /** Name of the duration matrix in `RoutingProblem.durationProfiles` this truck drives by (default: `durations`). */
  durationProfile?: string;
  /** Multiplies this truck's travel durations (1.25 = a quarter slower); service times are not scaled. */
  durationFactor?: number;
  /** Cost of using the truck at all (once, when its route has a stop). */
  fixedCost?: number;
  /** Cost per metre driven (default 1). */
  costPerDistanceM?: number;
  /** Cost per second of route duration, waiting included (default 0). */
  costPerDurationS?: number;
  /** Equipment tags (waste fraction, crane for underground containers...); a stop needs all of its `requiredEquipment` here. */
  equipment?: string[];
  /** The driver's break; absent means no break. */
  break?: BreakRule;
  /** Indices into `RoutingProblem.disposalSites` this truck may unload at (default: all). */
  disposalSiteIndices?: number[];
  /** Whether the last trip ends with a disposal visit before the end depot (default: true when there are disposal sites). */
  endWithDisposal?: boolean;
  /** Set when re-planning a route that is already under way. */
  progress?: VehicleProgress;
}

/** A planner's lock on a stop. */
export interface StopPin {
  /** The stop may only be served by this vehicle (`Vehicle.id`). */
  vehicleId: string;
  /** When set, the vehicle serves its sequence-pinned stops in increasing `sequence` (other stops may come in between). */
  sequence?: number;
}

/** One container to empty (or any other stop). */
export interface Stop {
  /** The caller's id, echoed in the solution and in errors. */
  id: string;
  /** Location index of the stop. */
  locationIndex: number;
  /** Load picked up, per capacity dimension (default zeros). */
  demand?: number[];
  /** Time spent at the stop, seconds (default 0). */
  serviceTimeS?: number;
  /** Service must start inside this window (default: any time). */
  timeWindow?: TimeWindow;
  /** Equipment tags a truck needs to serve this stop. */
  requiredEquipment?: string[];
  /** When set the stop is optional and visiting it is worth `prize` (in cost units); absent means mandatory. */
  prize?: number;
  /** Locks the stop to a vehicle (and optionally an order). */
  pin?: StopPin;
}

/** A place where trucks unload (landfill, transfer station, incinerator). */
export interface DisposalSite {
  /** The caller's id, echoed in the solution. */
  id: string;
  /** Location index of the site. */
  locationIndex: number;
  /** Unloading time, seconds (default 0). */
  serviceTimeS?: number;
  /** Unloading must start inside this window (default: any time). */
  openingWindow?: TimeWindow;
}

/** Everything the solver needs for one plan. */
export interface RoutingProblem {
  /** Number of locations n; every matrix is n x n. */
  locationCount: number;
  /** Distances in metres between locations. */
  distances: Matrix;
  /** Travel durations in seconds between locations (the default profile). */
  durations: Matrix;
  /** Further duration matrices by name, for trucks that drive differently (`Vehicle.durationProfile`). */
  durationProfiles?: Record<string, Matrix>;
  /** Names of the capacity dimensions, e.g. `['litres', 'kg']` (default `['load']`); demand and capacity vectors follow this order. */
  dimensions?: string[];
  /** The fleet; each vehicle drives at most one route. */
  vehicles: Vehicle[];
  /** The stops to serve (mandatory) or to consider (optional). */
  stops: Stop[];
  /** Disposal sites; when present, trucks unload there when full and (by default) at the end of the day. */
  disposalSites?: DisposalSite[];
  /** Optional planar coordinates per location as [x0, y0, x1, y1, ...]; used only to steer the search, never for costs. */
  coordinates?: Float64Array;
}

/** Why a mandatory stop could not be served. */
export type UnservedReason =
  /** Every route that could take it is already full (trip or daily capacity). */
  | 'capacity_exhausted'
  /** No route had time left to reach it inside its window and shift. */
  | 'time_exhausted'
  /** The trucks that could serve it have a stop limit or other daily limit reached. */
  | 'route_limit_reached'
  /** No vehicle was left that is compatible with it. */
  | 'no_compatible_vehicle';

/** Kind of a visit in a route. */
export type VisitKind = 'start' | 'stop' | 'disposal' | 'break' | 'end';

/** One visit of a route with its timing and the load after it. */
export interface Visit {
  /** What is visited. */
  kind: VisitKind;
  /** Location index of the visit (for a break: where the truck was before it). */
  locationIndex: number;
  /** Index into `RoutingProblem.stops` for a stop visit. */
  stopIndex?: number;
  /** Index into `RoutingProblem.disposalSites` for a disposal visit. */
  disposalSiteIndex?: number;
  /** Arrival at the location, seconds. */
  arrivalS: number;
  /** Start of service (or of the break), seconds: arrival plus waiting. */
  startS: number;
  /** Departure, seconds. */
  departureS: number;
  /** Metres driven from the previous visit. */
  distanceFromPreviousM: number;
  /** Load on board after the visit, per capacity dimension (zero after a disposal visit). */
  loadAfter: number[];
}

/** The route of one vehicle. */
export interface SolutionRoute {
  /** Index into `RoutingProblem.vehicles`. */
  vehicleIndex: number;
  /** `Vehicle.id`. */
  vehicleId: string;
  /** Start, stops, disposal visits, the break and end, in order. */
  visits: Visit[];
  /** Metres driven. */
  distanceM: number;
  /** Seconds from leaving the start to arriving at the end. */
  durationS: number;
  /** Fixed, distance and time cost of this route. */
  cost: number;
  /** Number of trips (disposal visits split the day into trips). */
  trips: number;
  /** Load collected over the route per dimension. */
  collected: number[];
}

/** A mandatory stop the solution could not serve. */
export interface UnservedStop {
  /** Index into `RoutingProblem.stops`. */
  stopIndex: number;
  /** `Stop.id`. */
  stopId: string;
  /** Why. */
  reason: UnservedReason;
  /** One sentence for the planner. */
  detail: string;
}

/** What the solver returns: the best solution found. */
export interface RoutingSolution {
  /** Routes of the vehicles that are used (vehicles without stops are left out). */
  routes: SolutionRoute[];
  /** Sum of route costs. */
  cost: number;
  /** `cost` plus the prizes of optional stops left out: what the solver minimises (unserved mandatory stops aside). */
  objective: number;
  /** Total metres. */
  distanceM: number;
  /** Total route seconds. */
  durationS: number;
  /** Optional stops not visited (indices into `RoutingProblem.stops`). */
  droppedOptional: number[];
  /** Mandatory stops not served, each with a reason. */
  unserved: UnservedStop[];
  /** True when every route respects every constraint (unserved mandatory stops aside). */
  feasible: boolean;
  /** How the search went. */
  stats: SolveStats;
}

/** Search statistics. */
export interface SolveStats {
  /** Seed used. */
  seed: number;
  /** Genetic iterations done. */
  iterations: number;
  /** Wall time spent, milliseconds. */
  elapsedMs: number;
  /** Why the search stopped. */
  stoppedBy: 'time_limit' | 'iteration_limit' | 'aborted' | 'no_improvement';
}

/** Options of one solve. */
export interface SolveOptions {
  /** Seed of the pseudo-random generator: the same seed and iteration limit give the same solution (default 1). */
  seed?: number;
  /** Stop after this many milliseconds (default 10000 when no iteration limit is given). */
  timeLimitMs?: number;
  /** Stop after this many genetic iterations. */
  maxIterations?: number;
  /** Stop early after this many iterations without a better solution (default: search until a limit above). */
  maxIterationsWithoutImprovement?: number;
  /** Called whenever the best solution improves, with its objective and the time since the start. */
  onProgress?: (bestCost: number, elapsedMs: number) => void;
  /** Stops the search; the best solution so far is returned. */
  signal?: AbortSignal;
  /** Routes to start from (stop indices per vehicle index), e.g. yesterday's plan or the plan being re-planned. */
  initialRoutes?: number[][];
}

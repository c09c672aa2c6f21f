import type { AlertCause, AlertChanged, DriverFeedback, PlanPublished, PlannerEditMade, TruckPosition, VehicleStatusChanged } from './events';
import type { WasteFraction } from './containers';
import type { Plan, PlanRoute } from './plans';

/**
 * The live feed between the gateway and the browser: every socket.io event
 * name, its payload and the room names, declared once. The gateway emits
 * through `LiveEventMap`; the dashboard and the driver page read the same
 * names, so a renamed field fails the build on both sides.
 *
 * A browser connects with `auth: { token }`, sends `join` with
 * `{ rooms: [...] }` (see `LIVE_ROOMS`), gets one `snapshot` per room it
 * joined and the changes after.
 */
export const LIVE_EVENTS = {
  /** The state of a room on joining it (district or route). */
  snapshot: 'snapshot',
  /** Changed container states, coalesced per room. */
  containers: 'containers',
  /** An alert was opened, acknowledged, resolved or updated. */
  alert: 'alert',
  /** A plan was published or re-planned. */
  plan: 'plan',
  /** A planner changed what the plan must respect. */
  edit: 'edit',
  /** A truck went out of or back into service. */
  vehicle: 'vehicle',
  /** A driver reported on a stop (the older, planner-facing report). */
  feedback: 'feedback',
  /**
   * Trucks' positions, batched: collected for GATEWAY_POSITION_FLUSH_MS and
   * sent as one list per set of rooms.
   */
  positions: 'positions',
  /** A route's progress: every stop's status and ETA, minutes ahead or behind. */
  progress: 'progress',
  /** One stop was done or skipped (and how it was known). */
  stop: 'stop',
} as const;
export type LiveEventName = (typeof LIVE_EVENTS)[keyof typeof LIVE_EVENTS];

/** What the browser sends to the gateway. */
export const LIVE_REQUESTS = { join: 'join', leave: 'leave' } as const;

/** Room names: `district:<name>` and `route:<vehicleId>:<YYYY-MM-DD>` (a truck's route on a shift, stable across re-plans). */
export const LIVE_ROOMS = {
  district: (district: string): string => `district:${district}`,
  route: (vehicleId: string, shiftDate: string): string => `route:${vehicleId}:${shiftDate}`,
} as const;

/** A room name taken apart. */
export type ParsedLiveRoom = { kind: 'district'; district: string } | { kind: 'route'; vehicleId: string; shiftDate: string };

/** Takes a room name apart; null when it is neither a district nor a route room. */
export function parseLiveRoom(room: unknown): ParsedLiveRoom | null {
  if (typeof room !== 'string' || room.length > 200) return null;
  if (room.startsWith('district:') && room.length > 9) return { kind: 'district', district: room.slice(9) };
  const route = /^route:(.+):(\d{4}-\d{2}-\d{2})$/.exec(room);
  if (route) return { kind: 'route', vehicleId: route[1] as string, shiftDate: route[2] as string };
  return null;
}

/** Alert severities, most urgent first (the order lists sort by). */
export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/**
 * The severity each cause opens with. `container_full` opens as critical
 * once the fill reaches 100 %; the stored alert's `severity` is the truth,
 * this is what a page shows for an event before it has the alert.
 */
export const ALERT_CAUSE_SEVERITY: Readonly<Record<AlertCause, AlertSeverity>> = {
  temperature_high: 'critical',
  stop_skipped: 'critical',
  container_full: 'warning',
  predicted_overflow: 'warning',
  sensor_tilted: 'warning',
  sensor_silent: 'warning',
  doubtful_data: 'info',
  battery_low: 'info',
};

/** What a browser gets of a container on joining a room. */
export interface LiveContainer {
  id: string;
  district: string;
  wasteType: WasteFraction;
  lng: number;
  lat: number;
  volumeL: number;
  fillPct: number | null;
  temperatureC: number | null;
  batteryPct: number | null;
  flags: string[];
  /** ISO-8601 time of the latest reading, or null when it never reported. */
  measuredAt: string | null;
}

/** What a browser gets when a container's state changes. */
export interface LiveState {
  id: string;
  fillPct: number | null;
  temperatureC: number | null;
  batteryPct: number | null;
  flags: string[];
  measuredAt: string;
  /** The ingest's id of the MQTT message this state came from (in its log line and stored row), when known. */
  correlationId?: string;
}

/** An alert as the live feed sends it (times as ISO-8601 strings). */
export interface LiveAlert {
  id: string;
  containerId: string;
  district: string;
  cause: AlertCause;
  severity: AlertSeverity;
  status: AlertChanged['status'];
  message: string;
  details: Record<string, unknown>;
  openedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: 'auto' | 'manual' | null;
}

/** A plan without its stops: what a list shows. */
export interface PlanSummary {
  id: string;
  /** A district, or `fleet` for the plan of the whole fleet; `districts` lists what it covers. */
  district: string;
  districts: string[];
  fraction: Plan['fraction'];
  shiftDate: string;
  version: number;
  status: Plan['status'];
  trigger: string;
  createdAt: string;
  distanceM: number;
  durationS: number;
  routes: Array<{ id: string; vehicleId: string; room: string; districts: string[]; stops: number; containers: number; startAt: string; endAt: string; distanceM: number }>;
  unassigned: number;
}

/** A stop's state during the day. `late`: not yet done and its ETA (or the clock) is past its planned time by more than the tolerance. */
export const STOP_STATUSES = ['planned', 'done', 'skipped', 'late'] as const;
export type StopStatus = (typeof STOP_STATUSES)[number];

/** How a stop became done: a lift event named it, the driver marked it, or the fill dropped while a truck of its fraction was near. */
export const STOP_DONE_HOW = ['lift', 'driver', 'fill-drop'] as const;
export type StopDoneHow = (typeof STOP_DONE_HOW)[number];

/** One container stop of a route, as the day goes. */
export interface StopProgress {
  /** The stop's place in driving order (the plan's `seq`). */
  sequence: number;
  containerId: string;
  status: StopStatus;
  /** ISO-8601 planned arrival. */
  plannedAt: string;
  /** ISO-8601 time it was done, or null. */
  doneAt: string | null;
  doneHow: StopDoneHow | null;
  /** Why it was skipped (a driver action, e.g. `blocked: parked car`), or null. */
  reason: string | null;
  /** ISO-8601 expected arrival for a stop not yet done or skipped, else null. */
  eta: string | null;
  lat: number | null;
  lng: number | null;
}

/** A truck's route on a shift, as the day goes. */
export interface RouteProgress {
  /** The route room (`LIVE_ROOMS.route`). */
  room: string;
  vehicleId: string;
  shiftDate: string;
  planId: string;
  fraction: WasteFraction;
  stops: StopProgress[];
  done: number;
  skipped: number;
  total: number;
  /** Minutes behind the plan (positive) or ahead of it (negative), rounded; 0 before the truck reported. */
  behindMin: number;
  /** The truck's latest position, or null when it has not reported today. */
  position: TruckPosition | null;
  /** ISO-8601 time this progress was computed. */
  at: string;
}

/** One stop done or skipped: sent the moment it is known, before the route's next `progress`. */
export interface StopEvent {
  room: string;
  vehicleId: string;
  shiftDate: string;
  planId: string;
  containerId: string;
  sequence: number;
  status: 'done' | 'skipped';
  doneHow: StopDoneHow | null;
  reason: string | null;
  /** ISO-8601 time it happened. */
  at: string;
}

/** What a browser gets on joining a district room. */
export interface DistrictSnapshot {
  room: string;
  kind: 'district';
  district: string;
  at: string;
  containers: LiveContainer[];
  alerts: LiveAlert[];
  plans: PlanSummary[];
  /** Today's progress of every route that passes the district. */
  progress: RouteProgress[];
}

/** What a browser gets on joining a route room. */
export interface RouteSnapshot {
  room: string;
  kind: 'route';
  at: string;
  plans: Array<{ plan: PlanSummary; route: PlanRoute }>;
  containers: LiveContainer[];
  progress: RouteProgress[];
}

/**
 * Trucks' positions of one window, in the order they arrived. A truck
 * reports far less often than the window, so it is there once as a rule;
 * when the feed catches up after a stall it can be there more than once,
 * and every position is sent (none is dropped). A socket gets each position
 * once, whichever of the truck's route and district rooms it is in; the
 * lists of a socket in several rooms may interleave, so a page keeps a
 * truck's newest `at` and ignores older ones.
 */
export interface LivePositions {
  positions: TruckPosition[];
}

/** A plan message: district rooms get the district's view; route rooms also get the truck's route. */
export interface LivePlanMessage {
  event: PlanPublished;
  plan: PlanSummary | null;
  route?: PlanRoute;
}

/** Every event the gateway emits and its payload. */
export interface LiveEventMap {
  snapshot: DistrictSnapshot | RouteSnapshot;
  containers: { room: string; states: LiveState[] };
  alert: AlertChanged;
  plan: LivePlanMessage;
  edit: PlannerEditMade;
  vehicle: VehicleStatusChanged;
  feedback: DriverFeedback;
  positions: LivePositions;
  progress: RouteProgress;
  stop: StopEvent;
}

/** The answer to `join`. */
export interface JoinAnswer {
  joined: string[];
  refused: Array<{ room: string; reason: string }>;
}

/**
 * What a driver can report at a stop. `done` marks it done; `waste_beside`
 * is a remark (the stop's status stays); the others skip the stop with the
 * action as its reason.
 */
export const DRIVER_ACTIONS = ['done', 'blocked', 'not_accessible', 'damaged', 'contaminated', 'waste_beside'] as const;
export type DriverActionKind = (typeof DRIVER_ACTIONS)[number];
/** The driver actions that skip a stop. */
export const SKIPPING_DRIVER_ACTIONS: readonly DriverActionKind[] = ['blocked', 'not_accessible', 'damaged', 'contaminated'];
/** What blocked the way to a container. */
export const BLOCKED_BY = ['parked_car', 'road_works', 'other'] as const;
export type BlockedBy = (typeof BLOCKED_BY)[number];

/** POST /api/driver/actions: one tap of the driver; `actionId` is made by the phone, so retries of a queued tap count once. */
export interface DriverActionRequest {
  /** Client-generated id (e.g. a UUID), 8-100 characters of letters, digits, `-` and `_`. */
  actionId: string;
  containerId: string;
  kind: DriverActionKind;
  /** For `blocked`: what blocked it. */
  blockedBy?: BlockedBy;
  note?: string;
  /** ISO-8601 time of the tap on the phone (defaults to when it arrives). */
  at?: string;
  /** An optional photo, base64 without a data-URL prefix; JPEG, PNG or WebP; size-limited by GATEWAY_DRIVER_PHOTO_MAX_BYTES. */
  photo?: { contentType: 'image/jpeg' | 'image/png' | 'image/webp'; base64: string };
  /** The truck; a user with role driver may leave it out (their own truck is used). */
  vehicleId?: string;
}

/** The stored action as the API answers (the same for the first post and every retry). */
export interface DriverActionResult {
  actionId: string;
  vehicleId: string;
  containerId: string;
  shiftDate: string;
  kind: DriverActionKind;
  blockedBy: BlockedBy | null;
  note: string | null;
  at: string;
  /** The stop's status after the action. */
  status: StopStatus;
  /** Whether a photo is stored with the stop (GET /api/driver/actions/{actionId}/photo). */
  hasPhoto: boolean;
  /** False when this post was a retry of an action already stored. */
  created: boolean;
}

/** REST paths the live pages use besides the socket. */
export const LIVE_API = {
  /** GET ?date=YYYY-MM-DD&district=: the day's progress per route. */
  progress: '/api/progress',
  /** GET: the driver's route of today (role driver: their truck; others: ?vehicleId=). */
  driverRoute: '/api/driver/route',
  /** POST DriverActionRequest. */
  driverActions: '/api/driver/actions',
} as const;

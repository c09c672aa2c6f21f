import type { ReadingFlag } from './readings';
import type { WasteFraction } from './containers';

/**
 * The messages that flow between the apps, one way: ingest -> planner/alerts
 * -> gateway. Producers publish after the state they describe is committed.
 * Transport: Redis pub/sub in production, in-process in the all-in-one.
 */
export interface EventMap {
  /** The latest state of a container after a reading was committed. */
  'container.state': ContainerStateChanged;
  /** A container was emptied (driver feedback or a detected drop). */
  'collection.recorded': CollectionRecorded;
  /** A message could not be turned into a reading; it is in rejected_messages. */
  'reading.rejected': ReadingRejected;
  /** A plan was stored and published, or replaced by a new version. */
  'plan.published': PlanPublished;
  /** An alert was opened, acknowledged or resolved. */
  'alert.changed': AlertChanged;
  /** A planner changed what the plan must respect (lock, exclude, add). */
  'planner.edit': PlannerEditMade;
  /** A truck became unavailable or available again during a shift. */
  'vehicle.status': VehicleStatusChanged;
  /** A driver reported on a stop. */
  'driver.feedback': DriverFeedback;
  /** A truck's position was stored. */
  'vehicle.position': TruckPosition;
  /** A truck's lift (its crane emptied a container) was stored. */
  'vehicle.lift': VehicleLift;
}
export type EventName = keyof EventMap;

export interface ContainerStateChanged {
  containerId: string;
  district: string;
  wasteType: WasteFraction;
  deviceId: string;
  fillPct: number | null;
  temperatureC: number | null;
  batteryPct: number | null;
  flags: ReadingFlag[];
  /** Alarm names the device raised with this reading (e.g. "fire", "tilt"), when it raised any. */
  alarms?: string[];
  /** ISO-8601 time the reading describes. */
  measuredAt: string;
  /** Correlation id carried from the MQTT message to the stored row. */
  correlationId?: string;
}

export interface CollectionRecorded {
  containerId: string;
  district: string;
  collectedAt: string;
  observedFillPct: number | null;
  source: 'driver' | 'detected' | 'simulator' | 'import';
  planId?: string;
}

export interface ReadingRejected {
  topic: string;
  reason: string;
  detail: string;
  receivedAt: string;
}

export interface PlanPublished {
  planId: string;
  /** The plan's district, or `fleet` for a plan of the whole fleet (then `districts` lists the districts it covers). */
  district: string;
  /** The districts the plan covers, for their rooms and views. */
  districts?: string[];
  fraction: WasteFraction;
  shiftDate: string;
  version: number;
  /** Why a new version exists: the daily run, or the event that triggered a re-plan. */
  trigger: string;
}

export type AlertCause =
  | 'container_full'
  | 'predicted_overflow'
  | 'sensor_silent'
  | 'battery_low'
  | 'doubtful_data'
  | 'temperature_high'
  | 'sensor_tilted'
  /** A must container's stop was skipped or blocked during the shift. */
  | 'stop_skipped';

export interface AlertChanged {
  alertId: string;
  containerId: string;
  district: string;
  cause: AlertCause;
  status: 'open' | 'acknowledged' | 'resolved';
  change: 'opened' | 'acknowledged' | 'resolved' | 'updated';
  message: string;
  at: string;
}

export interface PlannerEditMade {
  editId: string;
  district: string;
  containerId: string;
  action: 'lock' | 'exclude' | 'add' | 'clear';
  vehicleId?: string;
  reason: string;
  by: string;
  shiftDate: string;
}

export interface VehicleStatusChanged {
  vehicleId: string;
  district: string | null;
  status: 'in_service' | 'out_of_service';
  at: string;
  reason?: string;
}

export interface DriverFeedback {
  containerId: string;
  vehicleId?: string;
  planId?: string;
  kind: 'emptied' | 'blocked' | 'damaged';
  observedFillPct?: number;
  note?: string;
  at: string;
}

export interface VehicleLift {
  vehicleId: string;
  /** ISO-8601 time of the lift. */
  at: string;
  /** The container, as sent or resolved from its RFID tag; null when the tag is not in the registry. */
  containerId: string | null;
  rfidTag: string | null;
  lat: number | null;
  lng: number | null;
}

/** A truck's position as it reported it. */
export interface TruckPosition {
  vehicleId: string;
  /** ISO-8601 time the truck measured the position. */
  at: string;
  lat: number;
  lng: number;
  /** Speed over ground, km/h; null when the truck did not send one. */
  speedKmh: number | null;
  /** Heading in degrees clockwise from north, 0..360; null when not sent. */
  heading: number | null;
}

import type { RejectReason } from '@vulgraad/contracts';

/** A truck's topics: `vulgraad/v1/vehicles/{vehicleId}/position` and `.../lift`. */
export const vehiclePositionTopic = (vehicleId: string): string => `vulgraad/v1/vehicles/${vehicleId}/position`;
export const vehicleLiftTopic = (vehicleId: string): string => `vulgraad/v1/vehicles/${vehicleId}/lift`;
/** Everything a truck may publish: its own subtree. */
export const vehicleTopicTree = (vehicleId: string): string => `vulgraad/v1/vehicles/${vehicleId}/#`;
/** The prefix that sends a message to the vehicle handler instead of the readings pipeline. */
export const VEHICLE_TOPIC_PREFIX = 'vulgraad/v1/vehicles/';

const VEHICLE_TOPIC = /^vulgraad\/v1\/vehicles\/([^/]+)\/([^/]+)$/;

/** Whether a topic (without the deployment's prefix) is under the trucks' namespace. */
export const isVehicleTopic = (topic: string): boolean => topic.startsWith(VEHICLE_TOPIC_PREFIX);

/** A position as a truck sends it, checked. */
export interface ParsedPosition {
  vehicleId: string;
  measuredAt: Date;
  lat: number;
  lng: number;
  speedKmh: number | null;
  heading: number | null;
}

/** A lift as a truck sends it, checked: the container by id or by its RFID tag. */
export interface ParsedLift {
  vehicleId: string;
  measuredAt: Date;
  containerId: string | null;
  rfidTag: string | null;
  lat: number | null;
  lng: number | null;
}

/** Why a truck's message was kept as rejected: the readings' reasons, and two of the trucks' own. */
export type VehicleRejectReason = RejectReason | 'unknown_vehicle' | 'out_of_range';

export type VehicleParseResult =
  | { ok: true; kind: 'position'; position: ParsedPosition }
  | { ok: true; kind: 'lift'; lift: ParsedLift }
  | { ok: false; reason: VehicleRejectReason; detail: string; vehicleId?: string };

const ID = /^[A-Za-z0-9._-]{1,100}$/;
const MAX_BYTES = 4096;

/**
 * Parses a truck's message. Position payload (JSON):
 * `{ "time": ISO-8601 or epoch ms, "lat", "lng", "speed": km/h, "heading": degrees }`
 * (speed and heading optional). Lift payload:
 * `{ "time", "containerId" or "rfid", "lat"?, "lng"? }`.
 */
export function parseVehicleMessage(topic: string, payload: Uint8Array): VehicleParseResult {
  const match = VEHICLE_TOPIC.exec(topic);
  if (!match) return { ok: false, reason: 'unknown_topic', detail: `expected vulgraad/v1/vehicles/{vehicleId}/position or .../lift, got ${topic.slice(0, 200)}` };
  const vehicleId = match[1] as string;
  const kind = match[2] as string;
  if (!ID.test(vehicleId)) return { ok: false, reason: 'unknown_vehicle', detail: 'a vehicle id is 1-100 letters, digits, dots, dashes or underscores', vehicleId: vehicleId.slice(0, 100) };
  if (kind !== 'position' && kind !== 'lift') return { ok: false, reason: 'unknown_topic', detail: `a truck publishes on .../position or .../lift, not .../${kind.slice(0, 50)}`, vehicleId };
  if (payload.byteLength > MAX_BYTES) return { ok: false, reason: 'oversize', detail: `a vehicle message is at most ${MAX_BYTES} bytes, got ${payload.byteLength}`, vehicleId };
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch (error) {
    return { ok: false, reason: 'malformed_json', detail: error instanceof Error ? error.message : 'not JSON', vehicleId };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, reason: 'wrong_type', detail: 'the payload must be a JSON object', vehicleId };
  const fields = body as Record<string, unknown>;
  const fail = (reason: VehicleRejectReason, detail: string): VehicleParseResult => ({ ok: false, reason, detail, vehicleId });

  const measuredAt = readTime(fields.time);
  if (measuredAt === undefined) return fail('missing_field', 'time is required (ISO-8601 or epoch milliseconds)');
  if (measuredAt === null) return fail('wrong_type', 'time must be an ISO-8601 string or epoch milliseconds');

  const lat = readNumber(fields.lat);
  const lng = readNumber(fields.lng);
  if (kind === 'position') {
    if (lat === undefined) return fail('missing_field', 'lat is required');
    if (lng === undefined) return fail('missing_field', 'lng is required');
    if (lat === null || lng === null) return fail('wrong_type', 'lat and lng must be numbers');
    if (lat < -90 || lat > 90) return fail('out_of_range', `lat must be within -90..90, got ${lat}`);
    if (lng < -180 || lng > 180) return fail('out_of_range', `lng must be within -180..180, got ${lng}`);
    const speed = readNumber(fields.speed);
    const heading = readNumber(fields.heading);
    if (speed === null) return fail('wrong_type', 'speed must be a number (km/h)');
    if (heading === null) return fail('wrong_type', 'heading must be a number (degrees)');
    if (speed !== undefined && (speed < 0 || speed > 250)) return fail('out_of_range', `speed must be within 0..250 km/h, got ${speed}`);
    if (heading !== undefined && (heading < 0 || heading > 360)) return fail('out_of_range', `heading must be within 0..360 degrees, got ${heading}`);
    return { ok: true, kind: 'position', position: { vehicleId, measuredAt, lat, lng, speedKmh: speed ?? null, heading: heading ?? null } };
  }

  const containerId = fields.containerId;
  const rfidTag = fields.rfid;
  if (containerId !== undefined && (typeof containerId !== 'string' || !ID.test(containerId))) return fail('wrong_type', 'containerId must be 1-100 letters, digits, dots, dashes or underscores');
  if (rfidTag !== undefined && (typeof rfidTag !== 'string' || rfidTag.length === 0 || rfidTag.length > 64)) return fail('wrong_type', 'rfid must be a string of 1-64 characters');
  if (containerId === undefined && rfidTag === undefined) return fail('missing_field', 'a lift names its container: containerId or rfid');
  if (lat === null || lng === null) return fail('wrong_type', 'lat and lng must be numbers');
  if ((lat !== undefined && (lat < -90 || lat > 90)) || (lng !== undefined && (lng < -180 || lng > 180))) return fail('out_of_range', 'lat within -90..90 and lng within -180..180');
  return {
    ok: true,
    kind: 'lift',
    lift: { vehicleId, measuredAt, containerId: (containerId as string | undefined) ?? null, rfidTag: (rfidTag as string | undefined) ?? null, lat: lat ?? null, lng: lng ?? null },
  };
}

/** undefined = absent, null = present but not a number. */
function readNumber(value: unknown): number | null | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** undefined = absent, null = unreadable. */
function readTime(value: unknown): Date | null | undefined {
  if (value === undefined || value === null) return undefined;
  // Beyond +-8.64e15 ms a Date is invalid: unreadable, not a time to store or publish.
  if (typeof value === 'number' && Math.abs(value) <= 8.64e15) return new Date(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? new Date(ms) : null;
  }
  return null;
}

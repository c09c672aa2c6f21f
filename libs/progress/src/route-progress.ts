import type { PlanRoute, RouteProgress, StopDoneHow, StopProgress, TruckPosition, WasteFraction } from '@vulgraad/contracts';
import { LIVE_ROOMS } from '@vulgraad/contracts';
import { haversineM } from '@vulgraad/distances';

/** Roads are longer than the straight line: the factor a straight-line distance is stretched by for an ETA. */
export const ROAD_DETOUR_FACTOR = 1.3;

/** What is known of one container stop of a route: done (and how) or skipped (and why). */
export interface StopOutcome {
  containerId: string;
  status: 'done' | 'skipped';
  doneHow: StopDoneHow | null;
  reason: string | null;
  atMs: number;
}

export interface ProgressOptions {
  /** Average speed from the truck's position to its next stop, km/h. */
  etaSpeedKmh: number;
  /** A stop not yet done is late when its ETA (or now) is this many minutes past its planned arrival. */
  lateAfterMin: number;
}

export interface RouteProgressInput {
  planId: string;
  shiftDate: string;
  fraction: WasteFraction;
  route: Pick<PlanRoute, 'vehicleId' | 'stops'>;
  /** Outcomes by container id. */
  outcomes: ReadonlyMap<string, StopOutcome>;
  /** The truck's latest position today, or null. */
  position: TruckPosition | null;
  nowMs: number;
}

/**
 * A route's progress at `nowMs`: each container stop planned, done, skipped
 * or late, the ETA of the stops left, and minutes behind (+) or ahead (-).
 *
 * The ETA of the next stop left is now plus the drive from the truck's
 * position (straight line times ROAD_DETOUR_FACTOR at `etaSpeedKmh`); each
 * later stop keeps its planned gap to the one before it. Without a position
 * the stops left keep their planned times shifted by how late the last done
 * stop was (never earlier than now once that time has passed).
 * `behindMin` is the next stop's ETA minus its planned arrival; with nothing
 * left, the last done stop's lateness; 0 when nothing is known yet.
 */
export function computeRouteProgress(input: RouteProgressInput, options: ProgressOptions): RouteProgress {
  const stops = input.route.stops.filter((s) => s.kind === 'container' && s.containerId !== null).sort((a, b) => a.seq - b.seq);
  const plannedMs = stops.map((s) => Date.parse(s.arriveAt));
  const out: StopProgress[] = stops.map((s) => {
    const outcome = input.outcomes.get(s.containerId as string);
    return {
      sequence: s.seq,
      containerId: s.containerId as string,
      status: outcome ? outcome.status : 'planned',
      plannedAt: s.arriveAt,
      doneAt: outcome?.status === 'done' ? new Date(outcome.atMs).toISOString() : null,
      doneHow: outcome?.status === 'done' ? outcome.doneHow : null,
      reason: outcome?.reason ?? null,
      eta: null,
      lat: s.lat,
      lng: s.lng,
    };
  });

  // The last done stop in driving order: how late it was done, and where the route stands.
  let lastDone = -1;
  for (let i = 0; i < out.length; i++) if (out[i]!.status === 'done') lastDone = i;
  const lastDoneLateMs = lastDone >= 0 ? (input.outcomes.get(out[lastDone]!.containerId)!.atMs - plannedMs[lastDone]!) : null;

  const left = out.map((s, i) => ({ s, i })).filter(({ s }) => s.status === 'planned');
  let behindMs: number;
  if (left.length > 0) {
    const first = left[0]!;
    let firstEtaMs: number;
    if (input.position && first.s.lat !== null && first.s.lng !== null) {
      const metres = haversineM(input.position.lng, input.position.lat, first.s.lng, first.s.lat) * ROAD_DETOUR_FACTOR;
      const fromMs = Math.max(input.nowMs, Date.parse(input.position.at));
      firstEtaMs = fromMs + (metres / ((options.etaSpeedKmh * 1000) / 3600)) * 1000;
    } else {
      firstEtaMs = plannedMs[first.i]! + (lastDoneLateMs ?? 0);
      if (input.position || lastDoneLateMs !== null) firstEtaMs = Math.max(firstEtaMs, input.nowMs);
    }
    let previous = first;
    let etaMs = firstEtaMs;
    for (const stop of left) {
      if (stop !== first) etaMs += plannedMs[stop.i]! - plannedMs[previous.i]!;
      stop.s.eta = new Date(etaMs).toISOString();
      previous = stop;
    }
    const known = input.position !== null || lastDoneLateMs !== null;
    behindMs = known ? firstEtaMs - plannedMs[first.i]! : 0;
    for (const stop of left) {
      const dueMs = Math.max(Date.parse(stop.s.eta as string), input.nowMs);
      if (dueMs - plannedMs[stop.i]! > options.lateAfterMin * 60_000) stop.s.status = 'late';
    }
  } else {
    behindMs = lastDoneLateMs ?? 0;
  }

  const done = out.filter((s) => s.status === 'done').length;
  const skipped = out.filter((s) => s.status === 'skipped').length;
  return {
    room: LIVE_ROOMS.route(input.route.vehicleId, input.shiftDate),
    vehicleId: input.route.vehicleId,
    shiftDate: input.shiftDate,
    planId: input.planId,
    fraction: input.fraction,
    stops: out,
    done,
    skipped,
    total: out.length,
    behindMin: Math.round(behindMs / 60_000) || 0,
    position: input.position,
    at: new Date(input.nowMs).toISOString(),
  };
}

/**
 * What a person sees of a route's progress, as one comparable key: how many
 * stops are done and skipped, minutes behind, and each stop's status and ETA
 * to the minute (pages show ETAs as hh:mm). Two progresses with the same key
 * look the same on a page, so a position that leaves the key unchanged need
 * not send the route's progress again (the position itself is sent anyway).
 */
export function progressShownKey(progress: Pick<RouteProgress, 'done' | 'skipped' | 'total' | 'behindMin' | 'stops'>): string {
  let key = `${progress.done}/${progress.skipped}/${progress.total}/${progress.behindMin}`;
  for (const stop of progress.stops) key += `|${stop.sequence}:${stop.status}:${stop.eta === null ? '' : Math.floor(Date.parse(stop.eta) / 60_000)}`;
  return key;
}

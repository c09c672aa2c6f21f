import type { LngLat } from '@vulgraad/distances';
import type { DisposalSite as RoutingSite, Stop, Vehicle as RoutingVehicle } from '@vulgraad/routing';
import { localTimeMs } from '@vulgraad/time';
import type { ContainerDecision, DistrictSettings, PlannerEdit, PlanningContainer, PlanningSite, PlanningVehicle, VehicleProgressInput } from '../types';

/** Cost of a truck that states none: money units per km and per hour (a crew of two and a heavy truck). */
export const DEFAULT_COST_PER_KM = 1.5;
export const DEFAULT_COST_PER_HOUR = 45;
/** Capacity dimensions handed to the solver: loose litres and kilograms. */
export const DIMENSIONS = ['litres', 'kg'];

/** A truck as handed to the solver, with what the plan needs to turn its route back into litres of its body. */
export interface VehicleSlot {
  vehicle: PlanningVehicle;
  compaction: number;
  routing: RoutingVehicle;
}

/**
 * Where a local wall-clock time of the shift's day (minutes after local
 * midnight) falls on the problem's time axis: seconds elapsed since local
 * midnight. The two differ on a day the clocks change (06:00 is five hours
 * after midnight on a 23-hour day), so shift times, breaks and windows go
 * through the time zone, never `minutes * 60`.
 */
export type WallClockS = (minutes: number) => number;

/** The wall-clock converter of a shift's day in a zone (see WallClockS). */
export function wallClockS(shiftDate: string, timeZone: string): WallClockS {
  const midnightMs = localTimeMs(shiftDate, 0, timeZone);
  return (minutes) => (localTimeMs(shiftDate, minutes, timeZone) - midnightMs) / 1000;
}

/** A time a truck is already taken on this day (a route of another fraction's plan), epoch ms. */
export interface VehicleBusy {
  vehicleId: string;
  fromMs: number;
  toMs: number;
}

/**
 * The places of the problem, in matrix order: depots, disposal sites, trucks
 * under way, then the stops.
 */
export interface Layout {
  points: LngLat[];
  depotIndex: Map<string, number>;
  siteIndex: number[];
  progressIndex: Map<string, number>;
  stopLocation: Map<string, number>;
}

/** Step 3a: lays out the matrix points of the usable trucks, the sites and the chosen stops. */
export function layoutPoints(args: {
  vehicles: readonly PlanningVehicle[];
  depotsById: ReadonlyMap<string, PlanningSite>;
  sites: readonly PlanningSite[];
  progressByVehicle: ReadonlyMap<string, VehicleProgressInput>;
  stops: readonly PlanningContainer[];
}): Layout {
  const points: LngLat[] = [];
  const depotIndex = new Map<string, number>();
  for (const v of args.vehicles) {
    if (!depotIndex.has(v.depotId)) {
      depotIndex.set(v.depotId, points.length);
      points.push(args.depotsById.get(v.depotId) as PlanningSite);
    }
  }
  const siteIndex = args.sites.map((s) => {
    points.push(s);
    return points.length - 1;
  });
  const progressIndex = new Map<string, number>();
  for (const v of args.vehicles) {
    const p = args.progressByVehicle.get(v.id);
    if (p) {
      progressIndex.set(v.id, points.length);
      points.push(p.position);
    }
  }
  const stopLocation = new Map<string, number>();
  for (const c of args.stops) {
    stopLocation.set(c.id, points.length);
    points.push(c);
  }
  return { points, depotIndex, siteIndex, progressIndex, stopLocation };
}

/** Step 3b: the trucks of the problem, each with its day: shift, break, capacity, equipment, where it stands. */
export function buildVehicles(args: {
  vehicles: readonly PlanningVehicle[];
  /** Districts each truck may serve (eligibility.ts); its shift and break follow theirs. */
  districtsOf: ReadonlyMap<string, readonly string[]>;
  settingsOf: (district: string) => DistrictSettings;
  /** Tag the trucks with the districts they serve (plans of several districts). */
  districtTags: boolean;
  layout: Layout;
  siteCount: number;
  progressByVehicle: ReadonlyMap<string, VehicleProgressInput>;
  doneCount: (vehicleId: string) => number;
  busy: readonly VehicleBusy[];
  midnightMs: number;
  wallS: WallClockS;
  nowMs: number;
  defaultCompactionFactor: number;
}): VehicleSlot[] {
  const startS = (ms: number): number => (ms - args.midnightMs) / 1000;
  const nowS = startS(args.nowMs);
  const slots: VehicleSlot[] = [];
  for (const v of args.vehicles) {
    const served = (args.districtsOf.get(v.id) ?? []).map(args.settingsOf);
    if (served.length === 0) continue;
    const districtFrom = Math.min(...served.map((s) => s.shiftStartMin));
    const districtTo = Math.max(...served.map((s) => s.shiftEndMin));
    const breakMin = v.breakMin ?? Math.max(...served.map((s) => s.breakMin));
    const compaction = v.compactionFactor && v.compactionFactor >= 1 ? v.compactionFactor : args.defaultCompactionFactor;
    const free = freeWindow(
      args.wallS(Math.max(v.shiftStartMin ?? districtFrom, districtFrom)),
      args.wallS(Math.min(v.shiftEndMin ?? districtTo, districtTo)),
      args.busy.filter((b) => b.vehicleId === v.id).map((b) => [startS(b.fromMs), startS(b.toMs)] as const),
    );
    if (!free) continue;
    const [shiftFrom, shiftTo] = free;
    const progress = args.progressByVehicle.get(v.id);
    const leaveAt = Math.max(shiftFrom, progress ? startS(progress.atMs) : nowS);
    if (leaveAt >= shiftTo) continue;
    const noCosts = !v.costPerKm && !v.costPerHour;
    const home = args.layout.depotIndex.get(v.depotId) as number;
    const routing: RoutingVehicle = {
      id: v.id,
      startLocationIndex: home,
      endLocationIndex: home,
      capacity: [v.capacityL * compaction, v.capacityKg],
      shift: { startS: progress ? shiftFrom : leaveAt, endS: shiftTo },
      durationFactor: v.speedFactor && v.speedFactor > 0 ? v.speedFactor : 1,
      costPerDistanceM: (noCosts ? DEFAULT_COST_PER_KM : (v.costPerKm ?? 0)) / 1000,
      costPerDurationS: (noCosts ? DEFAULT_COST_PER_HOUR : (v.costPerHour ?? 0)) / 3600,
      equipment: [...v.equipment, ...v.fractions.map((f) => `fraction:${f}`), ...(args.districtTags ? served.map((s) => `district:${s.district}`) : [])],
      disposalSiteIndices: Array.from({ length: args.siteCount }, (_, k) => k),
      endWithDisposal: args.siteCount > 0,
    };
    if (v.maxRouteDurationS) routing.maxDurationS = v.maxRouteDurationS;
    if (breakMin > 0) {
      const middle = (shiftFrom + shiftTo) / 2;
      const window = { startS: middle - 5400, endS: middle + 3600 };
      // A break whose window is over before the truck can leave (a re-plan late in the day) cannot be placed:
      // asking for it anyway makes every route run late, past the shift's end.
      if (window.endS >= leaveAt) routing.break = { durationS: breakMin * 60, window };
    }
    if (progress) {
      routing.progress = {
        locationIndex: args.layout.progressIndex.get(v.id) as number,
        timeS: leaveAt,
        load: [progress.loadL, progress.loadKg],
        stopsServed: args.doneCount(v.id),
        breakTaken: progress.breakTaken,
        startedAtS: shiftFrom,
      };
    }
    slots.push({ vehicle: v, compaction, routing });
  }
  return slots;
}

/** The longest part of [from, to) not taken by a busy interval (seconds), or null when none is left. */
export function freeWindow(from: number, to: number, busy: ReadonlyArray<readonly [number, number]>): [number, number] | null {
  let windows: Array<[number, number]> = [[from, to]];
  for (const [bFrom, bTo] of busy) {
    windows = windows.flatMap(([a, b]): Array<[number, number]> => {
      if (bTo <= a || bFrom >= b) return [[a, b]];
      const parts: Array<[number, number]> = [];
      if (bFrom > a) parts.push([a, bFrom]);
      if (bTo < b) parts.push([bTo, b]);
      return parts;
    });
  }
  const best = windows.filter(([a, b]) => b > a).sort((x, y) => y[1] - y[0] - (x[1] - x[0]))[0];
  return best ?? null;
}

/** Step 3c: the disposal sites of the problem with their opening hours and unloading time. */
export function buildSites(sites: readonly PlanningSite[], layout: Layout, wallS: WallClockS): RoutingSite[] {
  return sites.map((s, k) => {
    const site: RoutingSite = { id: s.id, locationIndex: layout.siteIndex[k] as number, serviceTimeS: s.serviceTimeS ?? 900 };
    if (s.openFromMin !== undefined && s.openToMin !== undefined) site.openingWindow = { startS: wallS(s.openFromMin), endS: wallS(s.openToMin) };
    return site;
  });
}

/**
 * Step 3d: a chosen container as a stop of the problem: demand, service
 * time, the equipment and fraction it needs, its access window (within its
 * district's shift when the plan's trucks work longer), its prize when
 * optional, its truck when locked to one.
 */
export function buildStop(args: {
  decision: ContainerDecision;
  container: PlanningContainer;
  settings: DistrictSettings;
  layout: Layout;
  edit: PlannerEdit | undefined;
  vehicleIds: ReadonlySet<string>;
  districtTags: boolean;
  /** The window the plan's trucks work in, minutes: a district with a narrower shift gets its own as a window. */
  planShiftMin: { from: number; to: number };
  wallS: WallClockS;
}): Stop {
  const { decision: d, container: c, settings } = args;
  const stop: Stop = {
    id: c.id,
    locationIndex: args.layout.stopLocation.get(c.id) as number,
    demand: [d.demandL, d.demandKg],
    serviceTimeS: c.serviceTimeS ?? settings.serviceTimeS * Math.max(1, c.pitCount ?? 1),
    requiredEquipment: [c.containerType, `fraction:${c.wasteType}`, ...(args.districtTags ? [`district:${settings.district}`] : [])],
  };
  let fromMin = c.accessWindow?.fromMin ?? null;
  let toMin = c.accessWindow?.toMin ?? null;
  if (settings.shiftStartMin > args.planShiftMin.from || settings.shiftEndMin < args.planShiftMin.to) {
    fromMin = Math.max(fromMin ?? settings.shiftStartMin, settings.shiftStartMin);
    toMin = Math.min(toMin ?? settings.shiftEndMin, settings.shiftEndMin);
  }
  if (fromMin !== null && toMin !== null) stop.timeWindow = { startS: args.wallS(fromMin), endS: args.wallS(Math.max(fromMin, toMin)) };
  if (d.category === 'worth' && d.prize !== null) stop.prize = d.prize;
  const lockedTo = args.edit?.vehicleId;
  if (d.category === 'locked' && lockedTo && args.vehicleIds.has(lockedTo)) stop.pin = { vehicleId: lockedTo };
  return stop;
}

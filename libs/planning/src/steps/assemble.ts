import type { Plan, PlanRoute, PlanStop, StopCategory } from '@vulgraad/contracts';
import type { LngLat, MatrixProvider } from '@vulgraad/distances';
import type { FillForecaster, FillModel } from '@vulgraad/forecasting';
import type { RoutingSolution } from '@vulgraad/routing';
import { stopReason } from '../select';
import type { ContainerDecision, PlanningSite } from '../types';
import type { VehicleSlot } from './build-problem';

/**
 * Step 5, assemble: each solved route as the truck's day, with arrival and
 * departure times, load after every stop (litres of the body), the `why` of
 * every container stop and its predicted fill at the planned arrival, the
 * districts it passes through; driven stops stay at its head. A truck that
 * drove part of the day and has nothing left keeps its driven stops. Stops
 * the solver left out are reported with its reason.
 */
export function assembleRoutes(args: {
  planId: string;
  solution: RoutingSolution | null;
  slots: readonly VehicleSlot[];
  decisions: readonly ContainerDecision[];
  points: readonly LngLat[];
  sites: readonly PlanningSite[];
  doneStops: ReadonlyMap<string, PlanStop[]>;
  /** Routes kept as they are (trucks this plan does not concern). */
  kept?: readonly PlanRoute[];
  districtOf: (containerId: string) => string | undefined;
  models: ReadonlyMap<string, FillModel>;
  forecaster: FillForecaster;
  midnightMs: number;
  nowMs: number;
}): { routes: PlanRoute[]; unserved: Plan['unassigned'] } {
  const iso = (s: number): string => new Date(args.midnightMs + s * 1000).toISOString();
  const routes: PlanRoute[] = [];
  const served = new Set<string>();
  for (const route of args.solution?.routes ?? []) {
    const slot = args.slots[route.vehicleIndex] as VehicleSlot;
    const done = args.doneStops.get(slot.vehicle.id) ?? [];
    const stops: PlanStop[] = done.map((s, k) => ({ ...s, seq: k }));
    for (const visit of route.visits) {
      if (visit.kind === 'start' && done.length > 0) continue;
      const at = args.points[visit.locationIndex] as LngLat;
      const stop: PlanStop = {
        seq: stops.length,
        kind: visit.kind === 'start' ? 'depot_start' : visit.kind === 'end' ? 'depot_end' : visit.kind === 'stop' ? 'container' : visit.kind,
        containerId: null,
        disposalSiteId: null,
        lng: at.lng,
        lat: at.lat,
        arriveAt: iso(visit.arrivalS),
        departAt: iso(visit.departureS),
        loadAfterL: round1((visit.loadAfter[0] ?? 0) / slot.compaction),
        loadAfterKg: round1(visit.loadAfter[1] ?? 0),
        why: null,
        doneAt: null,
      };
      if (visit.kind === 'stop' && visit.stopIndex !== undefined) {
        const d = args.decisions[visit.stopIndex] as ContainerDecision;
        const reason = stopReason(d, d.category as StopCategory);
        reason.predictedFillAtArrivalPct = round1(args.forecaster.predict(args.models.get(d.containerId) as FillModel, args.midnightMs + visit.arrivalS * 1000, args.nowMs).meanPct);
        stop.containerId = d.containerId;
        stop.why = reason;
      }
      if (visit.kind === 'disposal' && visit.disposalSiteIndex !== undefined) stop.disposalSiteId = (args.sites[visit.disposalSiteIndex] as PlanningSite).id;
      stops.push(stop);
    }
    served.add(slot.vehicle.id);
    routes.push({
      id: `${args.planId}:${slot.vehicle.id}`,
      vehicleId: slot.vehicle.id,
      startAt: stops[0]?.departAt ?? iso(route.visits[0]?.departureS ?? 0),
      endAt: stops[stops.length - 1]?.arriveAt ?? iso(0),
      distanceM: Math.round(route.distanceM),
      durationS: Math.round(route.durationS),
      stops,
      geometry: null,
      districts: districtsOf(stops, args.districtOf),
    });
  }
  for (const kept of args.kept ?? []) {
    served.add(kept.vehicleId);
    routes.push({ ...kept, id: `${args.planId}:${kept.vehicleId}`, districts: districtsOf(kept.stops, args.districtOf) });
  }
  // A truck that drove part of the day and has nothing left (or left service) keeps its driven stops.
  for (const [vehicleId, done] of args.doneStops) {
    if (served.has(vehicleId) || done.length === 0) continue;
    const stops = done.map((s, k) => ({ ...s, seq: k }));
    routes.push({
      id: `${args.planId}:${vehicleId}`,
      vehicleId,
      startAt: (done[0] as PlanStop).arriveAt,
      endAt: (done[done.length - 1] as PlanStop).departAt,
      distanceM: 0,
      durationS: 0,
      stops,
      geometry: null,
      districts: districtsOf(stops, args.districtOf),
    });
  }
  routes.sort((a, b) => a.vehicleId.localeCompare(b.vehicleId));
  const unserved: Plan['unassigned'] = (args.solution?.unserved ?? []).map((u) => {
    const d = args.decisions[u.stopIndex] as ContainerDecision;
    return { containerId: d.containerId, category: d.category as StopCategory, reason: `${u.reason}: ${u.detail}` };
  });
  return { routes, unserved };
}

/** Asks the provider for each route's road path; a route without one is still a plan (the map draws straight legs). */
export async function addGeometry(routes: PlanRoute[], provider: MatrixProvider, signal?: AbortSignal): Promise<void> {
  for (const route of routes) {
    const path = route.stops.filter((s) => s.lng !== null && s.lat !== null && s.kind !== 'break').map((s) => ({ lng: s.lng as number, lat: s.lat as number }));
    if (path.length < 2) continue;
    try {
      const result = await provider.route(path, { signal });
      route.geometry = { type: 'LineString', coordinates: result.coordinates };
    } catch {
      route.geometry = null;
    }
  }
}

function districtsOf(stops: readonly PlanStop[], districtOf: (containerId: string) => string | undefined): string[] {
  const out = new Set<string>();
  for (const s of stops) {
    const district = s.containerId ? districtOf(s.containerId) : undefined;
    if (district) out.add(district);
  }
  return [...out].sort();
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

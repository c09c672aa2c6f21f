import { FLEET_SCOPE, type Plan, type WasteFraction } from '@vulgraad/contracts';
import { districtsPerVehicle } from './steps/eligibility';
import type { DistrictSettings, PlanningVehicle, VehicleProgressInput } from './types';

/**
 * Where each truck of a plan stands, from the stops marked driven: the last
 * driven stop's position and departure (or now, if later), the load on board
 * since the last unloading (compacted litres back to loose), and whether the
 * break was taken. Trucks without a driven stop are left out: they start
 * from their depot, no earlier than now.
 *
 * Drivers mark clusters; the unloading and the way home after a route's last
 * cluster are never marked. A truck whose clusters are all driven is taken
 * to have gone on as planned: the planned visits after its last cluster that
 * are due by now count as driven (at the disposal site, unloaded; or home).
 * Without this a truck that finished looked as if it still stood at its last
 * cluster with its load, and a re-plan sent it out again as if that were so.
 * A truck under way is likewise taken to have made the unloading or break
 * planned right after its last driven cluster once it was due.
 */
export function progressFromPlan(plan: Plan, nowMs: number, compactionOf: (vehicleId: string) => number): VehicleProgressInput[] {
  const out: VehicleProgressInput[] = [];
  for (const route of plan.routes) {
    const finished = route.stops.some((s) => s.kind === 'container') && route.stops.every((s) => s.kind !== 'container' || s.doneAt !== null);
    const done = route.stops.filter((s) => s.doneAt !== null || (finished && Date.parse(s.arriveAt) <= nowMs));
    if (!finished) {
      // Under way: an unloading or break planned right after its last driven cluster and due by now counts as
      // driven too, or a re-plan would send a truck already at the disposal site there again with its old load.
      const lastDone = route.stops.reduce((k, s, i) => (s.doneAt !== null ? i : k), -1);
      for (let i = lastDone + 1; lastDone >= 0 && i < route.stops.length; i++) {
        const s = route.stops[i] as (typeof route.stops)[number];
        if ((s.kind !== 'disposal' && s.kind !== 'break') || Date.parse(s.arriveAt) > nowMs) break;
        done.push(s);
      }
    }
    const last = [...done].reverse().find((s) => s.lng !== null && s.lat !== null);
    if (!last) continue;
    if (last.kind === 'depot_end') {
      if (!finished) continue;
      // Home after its route: it can go out again from its depot, empty, its break taken as planned.
      out.push({
        vehicleId: route.vehicleId, position: { lng: last.lng as number, lat: last.lat as number }, atMs: Math.max(nowMs, Date.parse(last.arriveAt)),
        loadL: 0, loadKg: 0, breakTaken: done.some((s) => s.kind === 'break'),
      });
      continue;
    }
    out.push({
      vehicleId: route.vehicleId,
      position: { lng: last.lng as number, lat: last.lat as number },
      atMs: Math.max(nowMs, Date.parse(last.departAt)),
      loadL: last.loadAfterL * compactionOf(route.vehicleId),
      loadKg: last.loadAfterKg,
      breakTaken: done.some((s) => s.kind === 'break'),
    });
  }
  return out;
}

/**
 * The trucks a re-plan of an event in `concern` (districts) may change: those
 * that may serve one of them, those whose route drives there, and those no
 * longer eligible at all. Undefined (every truck) when no district is named
 * or the fleet scope is.
 */
export function concernedVehicleIds(input: {
  vehicles: readonly PlanningVehicle[];
  districts: readonly DistrictSettings[];
  fraction: WasteFraction;
  depotIds: ReadonlySet<string>;
  previous: Plan;
  concern: readonly string[];
}): string[] | undefined {
  const { concern } = input;
  if (concern.length === 0 || concern.includes(FLEET_SCOPE)) return undefined;
  const eligible = districtsPerVehicle(input.vehicles, input.districts, input.fraction, input.depotIds);
  const touches = (list: readonly string[]): boolean => list.some((d) => concern.includes(d));
  return [
    ...[...eligible].filter(([, served]) => touches(served)).map(([id]) => id),
    ...input.previous.routes.filter((r) => touches(r.districts ?? []) || !eligible.has(r.vehicleId)).map((r) => r.vehicleId),
  ];
}

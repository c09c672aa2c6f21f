import type { Plan } from '@vulgraad/contracts';
import type { VehicleProgressInput } from './types';

/**
 * Where each truck of a plan stands, from the stops marked driven: the last
 * driven stop's position and departure (or now, if later), the load on board
 * since the last unloading (compacted litres back to loose), and whether the
 * break was taken. Trucks without a driven stop are left out: they start
 * from their depot, no earlier than now.
 */
export function progressFromPlan(plan: Plan, nowMs: number, compactionOf: (vehicleId: string) => number): VehicleProgressInput[] {
  const out: VehicleProgressInput[] = [];
  for (const route of plan.routes) {
    const done = route.stops.filter((s) => s.doneAt !== null);
    const last = [...done].reverse().find((s) => s.lng !== null && s.lat !== null);
    if (!last || last.kind === 'depot_end') continue;
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

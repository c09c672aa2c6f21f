import type { WasteFraction } from '@vulgraad/contracts';
import type { DistrictSettings, PlanningVehicle } from '../types';

/**
 * Which districts each truck may serve in a plan of several districts: a
 * truck named in a district's `vehicleIds` is bound to the districts that
 * name it; a truck named nowhere serves every district that names no trucks.
 * Only trucks in service, equipped for the fraction and with a known depot
 * are listed; a truck with no district is left out.
 */
export function districtsPerVehicle(
  vehicles: readonly PlanningVehicle[],
  districts: readonly DistrictSettings[],
  fraction: WasteFraction,
  depotIds: ReadonlySet<string>,
): Map<string, string[]> {
  const bound = new Set(districts.flatMap((d) => d.vehicleIds ?? []));
  const out = new Map<string, string[]>();
  for (const v of vehicles) {
    if ((v.status ?? 'in_service') !== 'in_service' || !v.fractions.includes(fraction) || !depotIds.has(v.depotId)) continue;
    const serves = districts
      .filter((d) => (d.vehicleIds === null ? !bound.has(v.id) : d.vehicleIds.includes(v.id)))
      .map((d) => d.district);
    if (serves.length > 0) out.set(v.id, serves);
  }
  return out;
}

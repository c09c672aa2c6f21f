import { planFleetShift } from './plan-fleet-shift';
import type { PlanShiftDeps, PlanShiftInput, PlanShiftResult } from './types';

export { DEFAULT_COST_PER_HOUR, DEFAULT_COST_PER_KM, DIMENSIONS } from './steps/build-problem';

/**
 * Plans one shift of one district and fraction: forecasts every container,
 * chooses must / worth-it / waits, asks the provider for the matrix, solves
 * the routing problem and returns the plan with the `why` of every stop.
 * The fleet plan of one district (`planFleetShift` with that district
 * alone): every container of the input is taken as the district's.
 * Needs no framework and no database; the value simulation calls it per
 * district. Deterministic for a seed and an iteration-bound solver.
 *
 * Re-planning: pass the `previous` plan and the trucks' `progress`. Stops
 * already driven stay (first in their route), containers emptied are not
 * chosen again, and the rest is planned from where each truck is now.
 */
export async function planShift(input: PlanShiftInput, deps: PlanShiftDeps): Promise<PlanShiftResult> {
  const { district, settings, ...rest } = input;
  const result = await planFleetShift({ ...rest, scope: district, districts: [{ ...settings, district }] }, deps);
  return { ...result, zones: result.zones.get(district) ?? null };
}

import type { LngLat } from '@vulgraad/distances';
import { chooseContainers, type ContainerOutlook } from '../select';
import { activeEdits } from '../settings';
import type { ContainerDecision, DistrictSettings, PlannerEdit, PlanningContainer } from '../types';

/**
 * Step 2, choose: each district's containers are chosen by its own settings
 * and planner edits (must / worth it / waits, see select.ts); optional stops
 * are offered near the depots of the trucks that may serve the district and
 * near trucks under way. Returns the decisions of all districts and the
 * edits in force per container.
 */
export function chooseForDistricts(args: {
  districts: readonly DistrictSettings[];
  containersOf: (district: string) => readonly PlanningContainer[];
  outlooks: ReadonlyMap<string, ContainerOutlook>;
  edits: readonly PlannerEdit[];
  shiftDate: string;
  doneIds: ReadonlySet<string>;
  anchorsOf: (district: string) => readonly LngLat[];
  densityKgPerL: number;
}): { decisions: ContainerDecision[]; editsByContainer: Map<string, PlannerEdit> } {
  const decisions: ContainerDecision[] = [];
  const editsByContainer = new Map<string, PlannerEdit>();
  for (const settings of args.districts) {
    const edits = activeEdits(args.edits, settings.district, args.shiftDate);
    for (const [id, edit] of edits) editsByContainer.set(id, edit);
    decisions.push(
      ...chooseContainers({
        settings,
        containers: args.containersOf(settings.district),
        outlooks: args.outlooks,
        edits,
        doneIds: args.doneIds,
        anchors: args.anchorsOf(settings.district),
        densityKgPerL: args.densityKgPerL,
      }),
    );
  }
  return { decisions, editsByContainer };
}

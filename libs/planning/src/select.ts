import type { StopCategory, StopReason } from '@vulgraad/contracts';
import type { LngLat } from '@vulgraad/distances';
import type { ContainerDecision, DistrictSettings, PlannerEdit, PlanningContainer } from './types';

/** What the forecast says about one container for the shift being planned. */
export interface ContainerOutlook {
  /** Expected fill at the planner's now, percent. */
  fillNowPct: number | null;
  /** Expected fill at the end of the shift if nobody empties it, percent (may exceed 100). */
  fillAtShiftEndPct: number;
  /** Probability it overflows before the next chance to empty it (the next shift of its district and fraction), 0..1. */
  overflowRiskBeforeNextChance: number;
  /** The forecast rests on history only: the sensor is silent or doubtful. */
  fromHistoryOnly: boolean;
}

/** Everything the choice looks at. */
export interface SelectionInput {
  settings: DistrictSettings;
  containers: readonly PlanningContainer[];
  outlooks: ReadonlyMap<string, ContainerOutlook>;
  /** Edits in force for this shift, by container (see `activeEdits`). */
  edits: ReadonlyMap<string, PlannerEdit>;
  /** Containers already emptied in this shift. */
  doneIds: ReadonlySet<string>;
  /** Places routes pass anyway (depots, trucks under way): optional stops near them are offered too. */
  anchors: readonly LngLat[];
  densityKgPerL: number;
}

const MUST_LIKE = new Set(['must', 'locked', 'planner_added']);

/**
 * Chooses what to collect in one shift: every container gets a category and
 * its reasons. Planner decisions come first (done, excluded, added, locked),
 * then *must* (overflow risk before the next chance at or above the
 * district's risk level), then *worth it* (predicted at least `worthFillPct`
 * full at the shift's end and within `worthMaxDetourM` of a must stop or
 * depot; an optional stop with a prize growing with the square of the fill),
 * and the rest *waits*. Demand is the expected fill at the shift's end
 * (capped at the container's volume) in loose litres and kilograms.
 */
export function chooseContainers(input: SelectionInput): ContainerDecision[] {
  const { settings, edits } = input;
  const decisions: ContainerDecision[] = [];
  const candidates: Array<{ decision: ContainerDecision; container: PlanningContainer }> = [];

  for (const container of input.containers) {
    const outlook = input.outlooks.get(container.id) ?? {
      fillNowPct: null,
      fillAtShiftEndPct: 100,
      overflowRiskBeforeNextChance: 1,
      fromHistoryOnly: true,
    };
    const edit = edits.get(container.id) ?? null;
    const fillForDemand = Math.min(100, Math.max(0, outlook.fillAtShiftEndPct));
    const demandL = (fillForDemand / 100) * container.volumeL;
    const decision: ContainerDecision = {
      containerId: container.id,
      category: 'waits',
      prize: null,
      demandL,
      demandKg: demandL * input.densityKgPerL,
      why: {
        fillNowPct: outlook.fillNowPct === null ? null : round1(outlook.fillNowPct),
        predictedFillAtArrivalPct: round1(outlook.fillAtShiftEndPct),
        overflowRisk: round3(outlook.overflowRiskBeforeNextChance),
        plannerDecision: edit ? { action: edit.action, reason: edit.reason, by: edit.by } : null,
        fromHistoryOnly: outlook.fromHistoryOnly,
      },
    };
    decisions.push(decision);
    if (input.doneIds.has(container.id)) {
      decision.category = 'done';
      continue;
    }
    if (edit?.action === 'exclude') {
      decision.category = 'excluded';
      continue;
    }
    if (edit?.action === 'add') decision.category = 'planner_added';
    else if (edit?.action === 'lock') decision.category = 'locked';
    else if (outlook.overflowRiskBeforeNextChance >= settings.riskLevel) decision.category = 'must';
    else if (outlook.fillAtShiftEndPct >= settings.worthFillPct) {
      decision.category = 'worth';
      const fill = Math.min(100, outlook.fillAtShiftEndPct) / 100;
      decision.prize = settings.worthPrize * fill * fill;
      candidates.push({ decision, container });
      continue;
    }
  }

  // Worth-it stops only where routes go anyway: near a must stop or a depot.
  const anchors: LngLat[] = [...input.anchors];
  for (const { decision, container } of decisions.map((d, i) => ({ decision: d, container: input.containers[i] }))) {
    if (MUST_LIKE.has(decision.category)) anchors.push(container);
  }
  const near = nearAnyOf(anchors, settings.worthMaxDetourM);
  for (const { decision, container } of candidates) {
    if (!near(container)) {
      decision.category = 'waits';
      decision.prize = null;
    }
  }
  return decisions;
}

/** The stop's `why` for a decision that puts the container on a route. */
export function stopReason(decision: ContainerDecision, category: StopCategory): StopReason {
  return { category, ...decision.why };
}

/** Whether a decision puts the container on the routes as a stop the solver must serve. */
export function isMustLike(decision: Pick<ContainerDecision, 'category'>): boolean {
  return MUST_LIKE.has(decision.category);
}

/** A test "within radius of any anchor", bucketed on a grid so thousands of points stay cheap. */
function nearAnyOf(anchors: readonly LngLat[], radiusM: number): (p: LngLat) => boolean {
  if (anchors.length === 0 || !(radiusM > 0)) return () => false;
  const refLat = anchors[0].lat;
  const mPerDegLat = 111_195;
  const mPerDegLng = mPerDegLat * Math.cos((refLat * Math.PI) / 180);
  const cell = radiusM;
  const grid = new Map<string, Array<[number, number]>>();
  for (const a of anchors) {
    const x = a.lng * mPerDegLng;
    const y = a.lat * mPerDegLat;
    const key = `${Math.floor(x / cell)},${Math.floor(y / cell)}`;
    let list = grid.get(key);
    if (!list) grid.set(key, (list = []));
    list.push([x, y]);
  }
  const r2 = radiusM * radiusM;
  return (p) => {
    const x = p.lng * mPerDegLng;
    const y = p.lat * mPerDegLat;
    const cx = Math.floor(x / cell);
    const cy = Math.floor(y / cell);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const [ax, ay] of grid.get(`${cx + dx},${cy + dy}`) ?? []) {
          if ((ax - x) ** 2 + (ay - y) ** 2 <= r2) return true;
        }
      }
    }
    return false;
  };
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
const round3 = (v: number): number => Math.round(v * 1000) / 1000;

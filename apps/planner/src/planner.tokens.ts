/** The matrix provider the planner routes with (configured in DISTANCES_*). */
export const MATRIX_PROVIDER = Symbol('vulgraad.planner.matrixProvider');
/** The routing solver (`SolveFn` of @vulgraad/planning). */
export const SOLVER = Symbol('vulgraad.planner.solver');
/** Fill models kept warm between plans. */
export const MODEL_CACHE = Symbol('vulgraad.planner.modelCache');
/** The planner's one queue: daily plans and re-plans. */
export { PLANNER_QUEUE } from '@vulgraad/contracts';

/** What a planning job carries. */
export interface PlanJobData {
  /** Every job plans the fraction's fleet plan; a re-plan names the district it concerns (`fleet` = every truck). */
  district: string;
  /** A re-plan that concerns several districts (a truck's breakdown: the districts of its day); overrides `district`. */
  districts?: string[];
  fraction: import('@vulgraad/contracts').WasteFraction;
  /** Absent on a scheduled daily job: the next collection day is planned. */
  shiftDate?: string;
  trigger: string;
}

/** A district or fraction as it may appear inside a job id (no `:`). */
export const idPart = (value: string): string => value.replace(/[:\s]/g, '_');

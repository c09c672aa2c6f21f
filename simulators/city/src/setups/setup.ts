import type { CityContainer, CityModel, CitySite } from '@vulgraad/city-model';
import type { MatrixProvider } from '@vulgraad/distances';
import type { TravelNetwork } from '../network';

/** The trucks: one model for every policy, so none gains from a different truck. */
export interface TruckModel {
  /** Body volume, litres of compacted waste; null = unlimited, as the Groningen study assumed. */
  bodyL: number | null;
  /** Loose litres that fit in one litre of the body. */
  compactionFactor: number;
  /** Payload, kilograms; null = unlimited. */
  payloadKg: number | null;
  /** Loose bulk density of the waste, kg per litre (to weigh loads). */
  densityKgPerL: number;
  /** Time to unload at the disposal site, seconds. */
  unloadS: number;
}

/**
 * How drivers take their breaks when routes are executed (the same rule for every policy):
 * - `study`: the Groningen study's rule: breaks at fixed clock times, at the depot; a truck
 *   returns to the depot before a break when its next stop and the way back would run past it;
 * - `planner`: our planner's model: one break on the spot, the first moment the truck is free
 *   inside the window around the middle of the shift (the window `planShift` gives the solver).
 */
export type BreakModel = { kind: 'study'; startsMin: readonly number[]; durationMin: number } | { kind: 'planner'; durationMin: number } | { kind: 'none' };

export interface ShiftModel {
  /** Local start, minutes after midnight. */
  startMin: number;
  /** Working time a plan may fill, minutes, breaks not included. */
  workMin: number;
  breaks: BreakModel;
}

/** Loose litres and kilograms one truck trip can hold; Infinity when unlimited. */
export function tripCapacity(truck: TruckModel): { looseL: number; kg: number } {
  return {
    looseL: truck.bodyL === null ? Infinity : truck.bodyL * truck.compactionFactor,
    kg: truck.payloadKg === null ? Infinity : truck.payloadKg,
  };
}

/** Minutes of break a shift holds. */
export function breakMinutes(breaks: BreakModel): number {
  if (breaks.kind === 'study') return breaks.startsMin.length * breaks.durationMin;
  if (breaks.kind === 'planner') return breaks.durationMin;
  return 0;
}

/** The end of the shift as plans see it, minutes after midnight: work, plus the break when the plan holds it. */
export function plannedShiftEndMin(shift: ShiftModel): number {
  return shift.startMin + shift.workMin + (shift.breaks.kind === 'planner' ? shift.breaks.durationMin : 0);
}

/** One district served by its own trucks from its own depot. */
export interface PlanningUnit {
  district: string;
  containers: CityContainer[];
  depot: CitySite;
  /** Where full trucks unload; null when truck capacity is not modelled. */
  disposal: CitySite | null;
  truckIds: string[];
  network: TravelNetwork;
  /** Practice policy: clusters emptied a day in this district. */
  practiceK: number;
}

/** Everything a value run needs about a city. */
export interface SimSetup {
  city: 'groningen-like' | 'amsterdam' | 'generated';
  title: string;
  model: CityModel;
  units: PlanningUnit[];
  truck: TruckModel;
  shift: ShiftModel;
  /** The provider plans are made with (behind a matrix cache holding each unit's full matrix). */
  matrix: MatrixProvider;
  /** Time to empty a cluster, seconds. */
  serviceTimeS(container: CityContainer): number;
  /** What the setup assumes, one sentence each, for the report. */
  assumptions: string[];
}

/** The Groningen study's handling time: 2 min per cluster plus 1 min per container (pit). */
export function studyServiceTimeS(container: Pick<CityContainer, 'pitCount'>): number {
  return 120 + 60 * Math.max(1, container.pitCount);
}

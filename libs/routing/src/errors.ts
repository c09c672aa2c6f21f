import { DomainError } from '@vulgraad/contracts';

/** Why a problem was refused before solving. */
export type InfeasibleReason =
  /** The input is malformed: a matrix of the wrong size, an index out of range, a negative or non-finite number. */
  | 'invalid_input'
  /** A stop's demand is larger than the trip capacity of every vehicle that could serve it. */
  | 'demand_exceeds_capacity'
  /** No vehicle has all the equipment the stop needs (or the pinned vehicle lacks it or does not exist). */
  | 'no_compatible_vehicle'
  /** No vehicle can reach the stop inside its time window and still get back within its shift. */
  | 'time_window_unreachable'
  /** No vehicle can travel to the stop and back (unreachable cells in the matrices). */
  | 'unreachable_location'
  /** No disposal site a vehicle may use is open when it would need it. */
  | 'no_disposal_site';

/**
 * The problem cannot be solved as given; thrown by `solve` before any search.
 * Names the stop (or field) at fault and why, so a planner can fix the input.
 */
export class InfeasibleProblemError extends DomainError {
  constructor(
    /** Machine-readable reason. */
    readonly reason: InfeasibleReason,
    message: string,
    /** The stop at fault, when one is. */
    readonly stopIndex?: number,
    /** `Stop.id` of the stop at fault. */
    readonly stopId?: string,
    field?: string,
  ) {
    super(reason === 'invalid_input' ? 'validation' : 'infeasible', message, field);
    this.name = 'InfeasibleProblemError';
  }
}

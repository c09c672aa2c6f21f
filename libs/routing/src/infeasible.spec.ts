import { InfeasibleProblemError } from './errors';
import { solve } from './solve';
import { gridMatrices, stopAt, truck } from './testing/grid';
import type { RoutingProblem } from './model';

function errorOf(fn: () => unknown): InfeasibleProblemError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InfeasibleProblemError) return error;
    throw error;
  }
  throw new Error('expected an InfeasibleProblemError');
}

describe(InfeasibleProblemError.name, () => {
  const points: Array<[number, number]> = [[0, 0], [100, 0], [200, 0]];
  const base = (): RoutingProblem => ({ ...gridMatrices({ points }), vehicles: [truck('a', [10], { equipment: ['crane'] })], stops: [stopAt(1, [5])] });
  const sut = (problem: RoutingProblem): InfeasibleProblemError => errorOf(() => solve(problem, { maxIterations: 1 }));

  it('names a stop whose demand is more than any truck carries', () => {
    const problem = base();
    problem.stops.push(stopAt(2, [11]));
    const error = sut(problem);
    expect(error).toMatchObject({ reason: 'demand_exceeds_capacity', stopId: 's2', stopIndex: 1, code: 'infeasible' });
    expect(error.message).toContain('s2');
  });

  it('names a stop that needs equipment no truck has', () => {
    const problem = base();
    problem.stops.push(stopAt(2, [1], { requiredEquipment: ['side-loader'] }));
    expect(sut(problem)).toMatchObject({ reason: 'no_compatible_vehicle', stopId: 's2' });
  });

  it('names a stop whose time window no truck can reach within its shift', () => {
    const problem = base();
    problem.vehicles[0].shift = { startS: 1000, endS: 5000 };
    problem.stops.push(stopAt(2, [1], { timeWindow: { startS: 0, endS: 1100 } }));
    expect(sut(problem)).toMatchObject({ reason: 'time_window_unreachable', stopId: 's2' });
  });

  it('names a stop that cannot be reached at all', () => {
    const problem = base();
    const n = problem.locationCount;
    (problem.distances as Float64Array)[0 * n + 2] = 1e9;
    (problem.durations as Float64Array)[0 * n + 2] = 1e9;
    (problem.distances as Float64Array)[1 * n + 2] = 1e9;
    (problem.durations as Float64Array)[1 * n + 2] = 1e9;
    problem.stops.push(stopAt(2, [1]));
    expect(sut(problem)).toMatchObject({ reason: 'unreachable_location', stopId: 's2' });
  });

  it('refuses a truck that must unload at the end but may use no disposal site', () => {
    const problem = base();
    problem.disposalSites = [{ id: 'tip', locationIndex: 2 }];
    problem.vehicles[0].disposalSiteIndices = [];
    expect(sut(problem)).toMatchObject({ reason: 'no_disposal_site', field: 'vehicles[0].disposalSiteIndices' });
  });

  it('refuses malformed input with the field at fault', () => {
    const problem = base();
    problem.distances = new Float64Array(4);
    expect(sut(problem)).toMatchObject({ reason: 'invalid_input', code: 'validation', field: 'distances' });
    const other = base();
    other.stops.push({ id: 's1', locationIndex: 2 });
    expect(sut(other)).toMatchObject({ reason: 'invalid_input', field: 'stops[1].id' });
    const third = base();
    third.stops[0].locationIndex = 7;
    expect(sut(third)).toMatchObject({ reason: 'invalid_input', field: 'stops[0].locationIndex' });
    const fourth = base();
    fourth.stops[0].demand = [1, 2];
    expect(sut(fourth)).toMatchObject({ reason: 'invalid_input', field: 'stops[0].demand' });
  });
});

import { solve } from './solve';
import { gridMatrices, stopAt, stopIdsByRoute, truck } from './testing/grid';
import { verifySolution } from './verify';
import type { RoutingProblem } from './model';

describe(solve.name, () => {
  const sut = solve;

  it('gives stops that need a crane only to the crane truck, in a mixed fleet', () => {
    const points: Array<[number, number]> = [[0, 0], [100, 0], [110, 0], [120, 0], [130, 0], [140, 0]];
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [
        truck('small', [10], { equipment: ['rear-loader'], costPerDistanceM: 1 }),
        truck('crane', [30], { equipment: ['crane', 'rear-loader'], costPerDistanceM: 2, durationFactor: 1.5 }),
      ],
      stops: [
        stopAt(1, [3], { requiredEquipment: ['crane'] }),
        stopAt(2, [3]),
        stopAt(3, [3], { requiredEquipment: ['crane'] }),
        stopAt(4, [3], { requiredEquipment: ['rear-loader'] }),
        stopAt(5, [3]),
      ],
    };
    const solution = sut(problem, { seed: 1, maxIterations: 100 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    const routes = stopIdsByRoute(problem, solution);
    expect(routes.crane).toEqual(expect.arrayContaining(['s1', 's3']));
    expect(routes.small ?? []).not.toContain('s1');
    expect(routes.small ?? []).not.toContain('s3');
  });

  it('prefers the cheaper truck when either can do the work', () => {
    const points: Array<[number, number]> = [[0, 0], [100, 0], [110, 0]];
    const problem: RoutingProblem = {
      ...gridMatrices({ points }),
      vehicles: [truck('dear', [10], { fixedCost: 500 }), truck('cheap', [10], { fixedCost: 100 })],
      stops: [stopAt(1, [1]), stopAt(2, [1])],
    };
    const solution = sut(problem, { seed: 1, maxIterations: 50 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(solution.routes.map((r) => r.vehicleId)).toEqual(['cheap']);
    expect(solution.cost).toBe(100 + 220);
  });

  it('drives by the duration profile of each truck', () => {
    const points: Array<[number, number]> = [[0, 0], [1000, 0]];
    const base = gridMatrices({ points });
    const slow = Float64Array.from(base.durations, (t) => t * 3);
    const problem: RoutingProblem = {
      ...base,
      durationProfiles: { slow },
      vehicles: [truck('lorry', [10], { durationProfile: 'slow', shift: { startS: 0, endS: 10000 } })],
      stops: [stopAt(1, [1])],
    };
    const solution = sut(problem, { seed: 1, maxIterations: 10 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(solution.routes[0].durationS).toBe(6000);
  });

  it('follows one-way streets: asymmetric matrices give the cheaper direction', () => {
    // 1 -> 2 is short, 2 -> 1 is a long detour.
    const points: Array<[number, number]> = [[0, 0], [100, 0], [100, 100]];
    const problem: RoutingProblem = {
      ...gridMatrices({ points, overrides: [[2, 1, 900, 900], [0, 2, 800, 800]] }),
      vehicles: [truck('a', [10])],
      stops: [stopAt(1, [1]), stopAt(2, [1])],
    };
    const solution = sut(problem, { seed: 1, maxIterations: 20 });
    expect(verifySolution(problem, solution).problems).toEqual([]);
    expect(stopIdsByRoute(problem, solution).a).toEqual(['s1', 's2']);
    expect(solution.distanceM).toBe(100 + 100 + 141);
  });
});

import path from 'node:path';
import { sharedPath } from '@vulgraad/config';
import { beatsBestPublished, publishedRows, type Reference, referenceFor } from '../../bench/routing/bks';
import { checkSolution } from '../../bench/routing/checker';
import { type BenchInstance, type BenchRoute, distanceOf, readInstance } from '../../bench/routing/formats';

// The rules the waste-collection benchmark follows (bench/routing/README.md, "Kim et al."), pinned
// on the shared instance files. Without them these tests cannot run.
const benchmarks = sharedPath('benchmarks');
const maybe = benchmarks ? describe : describe.skip;
const HOUR = 3600;

type Visit = BenchRoute['visits'][number];
const stop = (loc: number): Visit => ({ kind: 'stop', loc });
const site = (loc: number): Visit => ({ kind: 'disposal', loc });
const lunch: Visit = { kind: 'break', loc: 0 };

maybe('Kim et al. waste collection: the convention the benchmark follows', () => {
  const file = (name: string): string => path.join(benchmarks as string, 'wcvrptw', name);
  let i102: BenchInstance;
  beforeAll(() => {
    i102 = readInstance(file('102_stop.txt'));
  });

  /** Every stop of 102_stop in one route each, with the break and the closing disposal visit; `except` left out. */
  const oneRouteEach = (inst: BenchInstance, except: number[] = []): BenchRoute[] =>
    inst.customers.filter((c) => !except.includes(c)).map((c) => ({ visits: [stop(c), lunch, site(inst.disposalSites[0])] }));

  it('measures Manhattan distance in feet, converted to miles, with the legs from and back to the depot', () => {
    const [s1, s2] = [4, 16];
    const route: BenchRoute = { visits: [stop(s1), stop(s2), lunch, site(1)] };
    const check = checkSolution(i102, [route]);
    const feet = (a: number, b: number): number => Math.abs(i102.x[a] - i102.x[b]) + Math.abs(i102.y[a] - i102.y[b]);
    expect(check.cost).toBeCloseTo((feet(0, s1) + feet(s1, s2) + feet(s2, 1) + feet(1, 0)) / 5280, 9);
    // Travel time at the header's 40 mph: 90 s a mile.
    expect(distanceOf(i102, 0, 1) * i102.timePerDistance).toBeCloseTo((15387 / 5280) * 90, 6);
  });

  it('serves every stop, zero-load stops included (444_stop has four)', () => {
    const i444 = readInstance(file('444_stop.txt'));
    const zero = i444.customers.filter((c) => i444.demand[c] === 0);
    expect(zero).toHaveLength(4);
    expect(i444.customers).toHaveLength(442);
    const all = checkSolution(i444, oneRouteEach(i444));
    expect(all.violations.filter((v) => /served/.test(v))).toEqual([]);
    const without = checkSolution(i444, oneRouteEach(i444, [zero[0]]));
    expect(without.violations).toContain(`customer ${zero[0]} served 0 times`);
  });

  it('takes one one-hour lunch break per route, starting between 11:00 and 12:00, waiting for it if need be', () => {
    expect(i102).toMatchObject({ breakDurationS: HOUR, breakWindow: [11 * HOUR, 12 * HOUR] });
    // Leaving at 04:00, stop 4 is done long before 11:00: the driver waits, eats, then unloads.
    expect(checkSolution(i102, [{ visits: [stop(4), lunch, site(1)] }], 1).violations.filter((v) => /break/.test(v))).toEqual([]);
    // Leaving at 12:30 the break can no longer start in its window.
    const late = checkSolution(i102, [{ visits: [lunch, stop(4), site(1)], departS: 12.5 * HOUR }]);
    expect(late.violations.join('\n')).toMatch(/break starts at 45000, after 43200/);
    // No break, or two, is not allowed.
    expect(checkSolution(i102, [{ visits: [stop(4), site(1)] }]).violations.join('\n')).toMatch(/0 breaks, expected 1/);
    expect(checkSolution(i102, [{ visits: [stop(4), lunch, lunch, site(1)] }]).violations.join('\n')).toMatch(/2 breaks, expected 1/);
    // The hour counts: a stop whose window closes at 12:00 cannot follow a break taken at 11:30.
    const stop18 = 18; // 07:00-12:00
    expect(i102.twEnd[stop18]).toBe(12 * HOUR);
    const after = checkSolution(i102, [{ visits: [lunch, stop(stop18), site(1)], departS: 11.5 * HOUR }]);
    expect(after.violations.join('\n')).toMatch(new RegExp(`customer ${stop18} served at`));
  });

  it('ends every route with a disposal visit, keeps each trip within the truck and the day within the route capacity', () => {
    expect(checkSolution(i102, [{ visits: [stop(4), lunch] }]).violations.join('\n')).toMatch(/does not end with a disposal visit/);
    // 102_stop: 280 yd3 a trip, 400 a day. Stops taken in file order until just over 400 a day,
    // with a disposal visit before each trip would pass 280.
    const visits: Visit[] = [];
    let trip = 0;
    let day = 0;
    for (const c of i102.customers) {
      if (day > 400) break;
      if (trip + i102.demand[c] > 280) {
        visits.push(site(1));
        trip = 0;
      }
      visits.push(stop(c));
      trip += i102.demand[c];
      day += i102.demand[c];
    }
    visits.push(lunch, site(1));
    const violations = checkSolution(i102, [{ visits }]).violations.join('\n');
    expect(violations).toMatch(/over the daily 400/);
    expect(violations).not.toMatch(/over capacity/);
  });

  it('keeps the depot hours and the disposal sites\' opening hours', () => {
    // 102_stop's depot closes at 15:00.
    const late = checkSolution(i102, [{ visits: [lunch, stop(4), site(1)], departS: 14.9 * HOUR }]);
    expect(late.violations.join('\n')).toMatch(/depot 0 served at .*after 54000/);
    // 804_stop has a transfer station open 05:00-18:00 only.
    const i804 = readInstance(file('804_stop.txt'));
    const station = i804.disposalSites.find((s) => i804.twStart[s] > 0) as number;
    expect([i804.twStart[station], i804.twEnd[station]]).toEqual([5 * HOUR, 18 * HOUR]);
    const c = i804.customers.find((x) => i804.twStart[x] === 0 && i804.twEnd[x] >= 24 * HOUR) as number;
    // Leaving at 04:00 the truck may wait for the station to open.
    const early = checkSolution(i804, [{ visits: [stop(c), site(station), lunch, site(station)] }]);
    expect(early.violations.filter((v) => /disposal site/.test(v))).toEqual([]);
    // With the station closing at 04:30 instead, the same route reaches it too late.
    const closing = { ...i804, twEnd: Float64Array.from(i804.twEnd) };
    closing.twEnd[station] = 4.5 * HOUR;
    const tooLate = checkSolution(closing, [{ visits: [stop(c), site(station), lunch, site(station)] }]);
    expect(tooLate.violations.join('\n')).toMatch(new RegExp(`disposal site ${station} served at .*after 16200`));
  });

  it('compares with the best published row: matched or beaten, feasible, with no more trucks', () => {
    const ref = referenceFor(file('102_stop.txt'), '102_stop') as Reference;
    expect(publishedRows(ref).map((r) => `${r.cost}/${r.vehicles}`)).toEqual(['174.5/3', '183.5/3', '205.1/3', '218.4/2']);
    expect(beatsBestPublished(ref, { feasible: true, vehicles: 3, cost: 174.5 })).toBe(true);
    expect(beatsBestPublished(ref, { feasible: true, vehicles: 3, cost: 174.6 })).toBe(false);
    expect(beatsBestPublished(ref, { feasible: true, vehicles: 4, cost: 150 })).toBe(false);
    expect(beatsBestPublished(ref, { feasible: false, vehicles: 3, cost: 150 })).toBe(false);
    // Beating a worse row with fewer trucks does not count: 2100_stop's best row is 1594.2 with 17.
    const ref2100 = referenceFor(file('2100_stop.txt'), '2100_stop') as Reference;
    expect(publishedRows(ref2100)[0]).toMatchObject({ cost: 1594.2, vehicles: 17 });
    expect(beatsBestPublished(ref2100, { feasible: true, vehicles: 16, cost: 1700 })).toBe(false);
    expect(beatsBestPublished(ref2100, { feasible: true, vehicles: 17, cost: 1594.1 })).toBe(true);
  });
});

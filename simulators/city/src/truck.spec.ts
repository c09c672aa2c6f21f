import { DepositEngine } from '@vulgraad/city-model';
import { engineWorld, lineNetwork, MIDNIGHT_MS, MINUTE_MS, tinyContainer, truckSettingFor } from './testing/tiny-world';
import { TruckRun, type RoutePlan } from './truck';

const DEPOT = { id: 'depot', lng: 0, lat: 52 };
const DISPOSAL = { id: 'disposal', lng: 0.001, lat: 52 };
const SEVEN = MIDNIGHT_MS + 7 * 60 * MINUTE_MS;

/** Drives a route to its end, returning the times it arrived anywhere. */
function drive(sut: TruckRun): number[] {
  const times: number[] = [];
  for (let t = sut.start(); t !== null; t = sut.arrive(t)) times.push(t);
  return times;
}

describe(TruckRun.name, () => {
  const a = tinyContainer('a', 0.01);
  const b = tinyContainer('b', 0.02);
  const route: RoutePlan = { truckId: 't1', actions: [{ kind: 'container', containerId: 'a' }, { kind: 'container', containerId: 'b' }] };

  it('empties each container when the truck arrives, finding the volume of that moment', () => {
    const { world, emptied } = engineWorld([a, b]);
    const twin = new DepositEngine([a, b], 'Europe/Amsterdam', { seed: 7, start: new Date(MIDNIGHT_MS) });
    const sut = new TruckRun(route, truckSettingFor(lineNetwork([DEPOT, a, b], 10, 1000), { serviceS: 300 }), world);

    const times = drive(sut);

    const atA = SEVEN + 10 * MINUTE_MS;
    const atB = atA + 5 * MINUTE_MS + 10 * MINUTE_MS;
    expect(times).toEqual([atA, atB, atB + 5 * MINUTE_MS + 10 * MINUTE_MS]);
    expect(emptied.map((e) => [e.containerId, e.at.getTime()])).toEqual([
      ['a', atA],
      ['b', atB],
    ]);
    expect(emptied[0]?.volumeL).toBeCloseTo(twin.stateAt('a', atA).volumeL, 9);
    expect(emptied[1]?.volumeL).toBeCloseTo(twin.stateAt('b', atB).volumeL, 9);
    expect(emptied[0]?.volumeL).toBeGreaterThan(0);
    expect(sut.record).toMatchObject({ containersEmptied: 2, distanceM: 3000, unloads: 0, breaks: 0, endMs: times[2] });
  });

  it('does not drive a route without containers', () => {
    const { world } = engineWorld([a, b]);
    const sut = new TruckRun({ truckId: 't1', actions: [{ kind: 'disposal' }] }, truckSettingFor(lineNetwork([DEPOT, a, b], 10, 1000)), world);

    expect(sut.start()).toBeNull();
    expect(sut.done).toBe(true);
  });

  it('goes to the disposal site when the next container does not fit, then comes back for it', () => {
    const { world, emptied } = engineWorld([a, b]);
    const twin = new DepositEngine([a, b], 'Europe/Amsterdam', { seed: 7, start: new Date(MIDNIGHT_MS) });
    // 07:10 and 07:25: about 7 h of flat deposits, some 330 L each; a truck of 400 L takes one of them.
    const net = lineNetwork([DEPOT, DISPOSAL, a, b], 10, 1000, ['depot', 'disposal']);
    const sut = new TruckRun(route, truckSettingFor(net, { truck: { bodyL: 400, compactionFactor: 1, unloadS: 600 } }), world);

    const times = drive(sut);

    const atA = SEVEN + 10 * MINUTE_MS;
    const atBFirst = atA + 15 * MINUTE_MS;
    const atBAgain = atBFirst + 10 * MINUTE_MS + 10 * MINUTE_MS + 10 * MINUTE_MS;
    expect(twin.stateAt('a', atA).volumeL + twin.stateAt('b', atBFirst).volumeL).toBeGreaterThan(400);
    expect(emptied.map((e) => e.at.getTime())).toEqual([atA, atBAgain]);
    expect(sut.record.forcedUnloads).toBe(1);
    // The forced unloading and the one at the end of the day.
    expect(sut.record.unloads).toBe(2);
    expect(sut.record.unloadedL[0]).toBeCloseTo(emptied[0]?.volumeL as number, 9);
    expect(sut.record.onBoardAtEndL).toBe(0);
    // depot-a, a-b, b-disposal, disposal-b, b-disposal, disposal-depot (next door).
    expect(sut.record.distanceM).toBe(5000 + 200);
    expect(times[times.length - 1]).toBeGreaterThan(atBAgain);
  });

  it('unloads at a planned disposal visit only when it carries something', () => {
    const { world } = engineWorld([a, b]);
    const net = lineNetwork([DEPOT, DISPOSAL, a, b], 10, 1000, ['depot', 'disposal']);
    const plan: RoutePlan = { truckId: 't1', actions: [{ kind: 'disposal' }, { kind: 'container', containerId: 'a' }, { kind: 'disposal' }, { kind: 'container', containerId: 'b' }] };
    const sut = new TruckRun(plan, truckSettingFor(net, { truck: { bodyL: 100_000 } }), world);

    drive(sut);

    expect(sut.record.unloads).toBe(2);
    expect(sut.record.forcedUnloads).toBe(0);
  });

  it('returns to the depot before a fixed break it would otherwise run into, and does not count the wait', () => {
    // Legs of 50 min: a at 07:50, b at 08:45 (+5 + 50 back = 09:40, before 10:00); c (09:40 + 5 + 50 back) would run past it.
    const c = tinyContainer('c', 0.03);
    const { world: world3, emptied: emptied3 } = engineWorld([a, b, c]);
    const net = lineNetwork([DEPOT, a, b, c], 50, 1000);
    const breaks = { kind: 'study' as const, startsMin: [600], durationMin: 30 };
    const three: RoutePlan = { truckId: 't1', actions: ['a', 'b', 'c'].map((id) => ({ kind: 'container' as const, containerId: id })) };
    const sut = new TruckRun(three, truckSettingFor(net, { breaks, serviceS: 300 }), world3);

    drive(sut);

    const atB = SEVEN + (50 + 5 + 50) * MINUTE_MS;
    const backAtDepot = atB + (5 + 50) * MINUTE_MS;
    expect(emptied3.map((e) => [e.containerId, e.at.getTime()])).toEqual([
      ['a', SEVEN + 50 * MINUTE_MS],
      ['b', atB],
      ['c', MIDNIGHT_MS + 10.5 * 60 * MINUTE_MS + 50 * MINUTE_MS],
    ]);
    expect(sut.record.breakReturns).toBe(1);
    expect(sut.record.idleMs).toBe(MIDNIGHT_MS + 10 * 60 * MINUTE_MS - backAtDepot);
    // depot-a, a-b, b-depot (for the break), depot-c, c-depot: all but a-b leave or reach the depot.
    expect(sut.record.distanceM).toBe(5000);
    expect(sut.record.depotLegsM).toBe(4000);
  });

  it('takes the planner-model break on the spot, once, inside its window', () => {
    const c = tinyContainer('c', 0.03);
    const { world, emptied } = engineWorld([a, b, c]);
    // Shift 07:00-13:00: the window opens at 08:30. Legs of 50 min: a at 07:50 (free 07:55, too early), b at 08:45 (free 08:50).
    const net = lineNetwork([DEPOT, a, b, c], 50, 1000);
    const three: RoutePlan = { truckId: 't1', actions: ['a', 'b', 'c'].map((id) => ({ kind: 'container' as const, containerId: id })) };
    const sut = new TruckRun(three, truckSettingFor(net, { breaks: { kind: 'planner', durationMin: 30 }, serviceS: 300 }), world);

    drive(sut);

    // The break 08:50-09:20 where b stands, then c at 10:10; no break after the last stop.
    expect(emptied.map((e) => e.at.getTime())).toEqual([SEVEN + 50 * MINUTE_MS, SEVEN + 105 * MINUTE_MS, SEVEN + 190 * MINUTE_MS]);
    expect(sut.record.breaks).toBe(1);
    expect(sut.record.breakReturns).toBe(0);
    expect(sut.record.idleMs).toBe(0);
  });
});

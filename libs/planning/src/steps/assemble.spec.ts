import { FillForecaster, type ContainerHistory } from '@vulgraad/forecasting';
import type { RoutingSolution } from '@vulgraad/routing';
import { localTimeMs } from '@vulgraad/time';
import { smallCity } from '../testing/small-city';
import type { ContainerDecision } from '../types';
import { assembleRoutes } from './assemble';
import type { VehicleSlot } from './build-problem';

const city = smallCity({ containers: 2 });
const forecaster = new FillForecaster({ timeZone: city.timeZone });
const models = new Map(city.containers.map((c) => [c.container.id, forecaster.fit(c.history as ContainerHistory)]));
const [c0, c1] = city.containers.map((c) => c.container);
const decision = (containerId: string): ContainerDecision => ({
  containerId, category: 'must', why: { fillNowPct: 60, predictedFillAtArrivalPct: null, overflowRisk: 0.4, plannerDecision: null, fromHistoryOnly: false }, prize: null, demandL: 1200, demandKg: 180,
});
const visit = (kind: 'start' | 'stop' | 'disposal' | 'end', locationIndex: number, atS: number, load: number, extra: object = {}) =>
  ({ kind, locationIndex, arrivalS: atS, departureS: atS + 60, loadAfter: [load, load / 10], ...extra });
const slot = { vehicle: city.vehicles[0], compaction: 3, routing: { id: 'truck-1' } } as unknown as VehicleSlot;
const solution = {
  cost: 10,
  routes: [{
    vehicleIndex: 0, distanceM: 5000, durationS: 3600,
    visits: [visit('start', 0, 25_200, 0), visit('stop', 2, 26_000, 1200, { stopIndex: 0 }), visit('stop', 3, 27_000, 2400, { stopIndex: 1 }), visit('disposal', 1, 28_000, 0, { disposalSiteIndex: 0 }), visit('end', 0, 29_000, 0)],
  }],
  unserved: [],
} as unknown as RoutingSolution;

describe(assembleRoutes.name, () => {
  const sut = assembleRoutes({
    planId: 'p', solution, slots: [slot], decisions: [decision(c0!.id), decision(c1!.id)],
    points: [city.depots[0]!, city.disposalSites[0]!, c0!, c1!], sites: city.disposalSites, doneStops: new Map(),
    districtOf: (id) => (id === c0!.id ? 'north' : 'south'), models, forecaster, midnightMs: localTimeMs(city.shiftDate, 0, city.timeZone), nowMs: city.nowMs,
  });

  it('turns a solved route into the truck\'s day: kinds, times, body litres, reasons and districts', () => {
    const route = sut.routes[0]!;
    expect(route.stops.map((s) => s.kind)).toEqual(['depot_start', 'container', 'container', 'disposal', 'depot_end']);
    expect(route.stops[2]?.loadAfterL).toBe(800);
    expect(route.stops[1]?.why?.category).toBe('must');
    expect(route.stops[1]?.why?.predictedFillAtArrivalPct).toEqual(expect.any(Number));
    expect(route.stops[3]?.disposalSiteId).toBe(city.disposalSites[0]!.id);
    expect(route.districts).toEqual(['north', 'south']);
    expect(route.startAt).toBe(new Date(localTimeMs(city.shiftDate, 0, city.timeZone) + 25_260_000).toISOString());
  });

  it('keeps the driven stops of a truck with nothing left', () => {
    const done = sut.routes[0]!.stops.slice(0, 2).map((s) => ({ ...s, doneAt: s.departAt }));
    const again = assembleRoutes({
      planId: 'p2', solution: null, slots: [], decisions: [], points: [], sites: [], doneStops: new Map([['truck-1', done]]),
      districtOf: () => 'north', models, forecaster, midnightMs: 0, nowMs: city.nowMs,
    });
    expect(again.routes).toHaveLength(1);
    expect(again.routes[0]?.stops).toEqual(done);
  });
});

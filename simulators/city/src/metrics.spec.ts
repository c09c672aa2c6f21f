import type { EmptyingRecord } from '@vulgraad/city-model';
import { CO2_KG_PER_KM, MetricsCollector } from './metrics';
import type { RouteRecord } from './truck';

const emptying = (containerId: string, volumeL: number, capacityL = 1000): EmptyingRecord => ({
  containerId,
  at: new Date(0),
  volumeL,
  capacityL,
  fillPct: (100 * volumeL) / capacityL,
  overflowL: Math.max(0, volumeL - capacityL),
  deposits: 10,
});

const route = (distanceM: number, hours: number, idleH = 0): RouteRecord => ({
  truckId: 't',
  startMs: 0,
  endMs: (hours + idleH) * 3_600_000,
  distanceM,
  depotLegsM: distanceM / 4,
  idleMs: idleH * 3_600_000,
  breaks: 0,
  breakReturns: 1,
  containersEmptied: 0,
  unloads: 2,
  forcedUnloads: 1,
  lateStops: 0,
  unloadedL: [],
  onBoardAtEndL: 0,
});

describe(MetricsCollector.name, () => {
  it('counts service level per emptying and overflow per container-day, leaving the warm-up out', () => {
    const sut = new MetricsCollector(5, 1);
    sut.openDay(0, '2023-01-09');
    sut.emptying(emptying('a', 1500));
    sut.route(route(10_000, 3), 0);
    sut.closeDay(['b']);
    sut.openDay(1, '2023-01-10');
    sut.emptying(emptying('a', 500));
    sut.emptying(emptying('b', 1200));
    sut.emptying(emptying('c', 900));
    sut.route(route(40_000, 4, 0.5), 1);
    // b is still counted once although it also overflows at midnight; d overflows without being emptied.
    sut.closeDay(['b', 'd']);
    sut.openDay(2, '2023-01-11');
    sut.emptying(emptying('e', 1000));
    sut.route(route(20_000, 2), 2);
    sut.closeDay([]);

    const s = sut.summary();

    expect(s.days).toBe(2);
    expect(s.emptyings).toBe(4);
    expect(s.overflowEmptyings).toBe(1);
    expect(s.servicePct).toBeCloseTo(75, 9);
    expect(s.overflowContainerDays).toBe(2);
    expect(s.kmPerDay).toBeCloseTo(30, 9);
    expect(s.depotLegsKmPerDay).toBeCloseTo(7.5, 9);
    expect(s.hoursPerRoute).toBeCloseTo(3, 9);
    expect(s.routesPerDay).toBe(1);
    expect(s.meanFillAtEmptyingPct).toBeCloseTo((50 + 120 + 90 + 100) / 4, 9);
    expect(s.excessLPerOverflow).toBeCloseTo(200, 9);
    expect(s.unloadsPerDay).toBe(2);
    expect(s.forcedUnloadsPerDay).toBe(1);
    expect(s.neverEmptied).toBe(1);
    expect(s.co2KgPerDay).toBeCloseTo(30 * CO2_KG_PER_KM, 9);
    expect(sut.fillHistogram.reduce((a, b) => a + b, 0)).toBe(4);
    expect(sut.fillHistogram[20]).toBe(1);
  });

  it('reports full service when nothing was emptied', () => {
    const sut = new MetricsCollector(1, 0);
    sut.openDay(0, '2023-01-09');
    sut.closeDay([]);
    expect(sut.summary()).toMatchObject({ servicePct: 100, emptyings: 0, kmPerDay: 0 });
  });
});

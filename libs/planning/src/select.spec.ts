import type { PlannerEdit, PlanningContainer } from './types';
import { chooseContainers, type ContainerOutlook } from './select';
import { smallCitySettings } from './testing/small-city';

const container = (id: string, lng: number, lat: number): PlanningContainer => ({
  id, externalRef: null, lng, lat, district: 'centre', wasteType: 'residual', containerType: 'underground', volumeL: 4000, depthMm: 2000, accessWindow: null,
});
const outlook = (fillAtShiftEndPct: number, risk: number, fromHistoryOnly = false): ContainerOutlook => ({
  fillNowPct: fillAtShiftEndPct - 5, fillAtShiftEndPct, overflowRiskBeforeNextChance: risk, fromHistoryOnly,
});
const edit = (containerId: string, action: PlannerEdit['action'], vehicleId: string | null = null): PlannerEdit => ({
  id: `e-${containerId}`, district: 'centre', shiftDate: '2026-03-03', containerId, action, vehicleId, reason: 'street works', by: 'anna', createdAt: '2026-03-02T10:00:00Z',
});

describe(chooseContainers.name, () => {
  const depot = { lng: 4.88, lat: 52.36 };
  const near = (i: number): PlanningContainer => container(`near-${i}`, 4.881 + i * 0.0005, 52.361);
  const far = container('far', 5.2, 52.6);

  it('makes a container whose overflow risk reaches the risk level a must, and one just below it not', () => {
    const sut = chooseContainers({
      settings: smallCitySettings({ riskLevel: 0.1 }),
      containers: [near(0), near(1)],
      outlooks: new Map([['near-0', outlook(40, 0.1)], ['near-1', outlook(40, 0.099)]]),
      edits: new Map(), doneIds: new Set(), anchors: [depot], densityKgPerL: 0.15,
    });
    expect(sut.map((d) => d.category)).toEqual(['must', 'waits']);
    expect(sut[0].why.overflowRisk).toBe(0.1);
  });

  it('offers a fairly full container near the routes as an optional stop with a prize growing with fill', () => {
    const sut = chooseContainers({
      settings: smallCitySettings({ worthFillPct: 60, worthPrize: 10 }),
      containers: [near(0), near(1), far],
      outlooks: new Map([['near-0', outlook(65, 0.01)], ['near-1', outlook(90, 0.05)], ['far', outlook(95, 0.05)]]),
      edits: new Map(), doneIds: new Set(), anchors: [depot], densityKgPerL: 0.15,
    });
    expect(sut.map((d) => d.category)).toEqual(['worth', 'worth', 'waits']);
    expect(sut[1].prize).toBeGreaterThan(sut[0].prize as number);
    expect(sut[1].prize).toBeCloseTo(10 * 0.9 * 0.9);
    expect(sut[2].prize).toBeNull();
  });

  it('counts a must stop as a place routes pass, so a full container next to it is worth it', () => {
    const must = container('must', 5.2005, 52.6);
    const sut = chooseContainers({
      settings: smallCitySettings(),
      containers: [must, far],
      outlooks: new Map([['must', outlook(99, 0.9)], ['far', outlook(80, 0.02)]]),
      edits: new Map(), doneIds: new Set(), anchors: [depot], densityKgPerL: 0.15,
    });
    expect(sut.map((d) => d.category)).toEqual(['must', 'worth']);
  });

  it('puts planner decisions first: excluded beats must, added and locked are stops whatever the fill', () => {
    const sut = chooseContainers({
      settings: smallCitySettings(),
      containers: [near(0), near(1), near(2), near(3)],
      outlooks: new Map([['near-0', outlook(99, 1)], ['near-1', outlook(5, 0)], ['near-2', outlook(5, 0)], ['near-3', outlook(99, 1)]]),
      edits: new Map([['near-0', edit('near-0', 'exclude')], ['near-1', edit('near-1', 'add')], ['near-2', edit('near-2', 'lock', 'truck-1')]]),
      doneIds: new Set(['near-3']), anchors: [depot], densityKgPerL: 0.15,
    });
    expect(sut.map((d) => d.category)).toEqual(['excluded', 'planner_added', 'locked', 'done']);
    expect(sut[1].why.plannerDecision).toEqual({ action: 'add', reason: 'street works', by: 'anna' });
  });

  it('turns the expected fill into loose litres and kilograms, capped at the volume', () => {
    const sut = chooseContainers({
      settings: smallCitySettings(),
      containers: [near(0), near(1)],
      outlooks: new Map([['near-0', outlook(50, 0.5)], ['near-1', outlook(130, 1)]]),
      edits: new Map(), doneIds: new Set(), anchors: [depot], densityKgPerL: 0.2,
    });
    expect(sut[0].demandL).toBeCloseTo(2000);
    expect(sut[0].demandKg).toBeCloseTo(400);
    expect(sut[1].demandL).toBeCloseTo(4000);
  });

  it('treats a container without a forecast as a must from history only rather than dropping it', () => {
    const sut = chooseContainers({
      settings: smallCitySettings(), containers: [near(0)], outlooks: new Map(), edits: new Map(), doneIds: new Set(), anchors: [depot], densityKgPerL: 0.15,
    });
    expect(sut[0].category).toBe('must');
    expect(sut[0].why.fromHistoryOnly).toBe(true);
  });
});

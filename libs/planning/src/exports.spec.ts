import type { Plan } from '@vulgraad/contracts';
import { CSV_COLUMNS, planToCsv, planToGeoJson, planToGpx } from './exports';

const plan: Plan = {
  id: 'plan-centre-residual-2026-03-03-v1', district: 'centre', fraction: 'residual', shiftDate: '2026-03-03', version: 1,
  status: 'published', trigger: 'daily', createdAt: '2026-03-02T17:00:00.000Z', solveSeconds: 1, distanceM: 5000, durationS: 3600,
  unassigned: [],
  routes: [{
    id: 'r1', vehicleId: 'truck-1', startAt: '2026-03-03T06:00:00.000Z', endAt: '2026-03-03T07:00:00.000Z', distanceM: 5000, durationS: 3600,
    geometry: { type: 'LineString', coordinates: [[4.87, 52.36], [4.875, 52.362], [4.88, 52.365], [4.87, 52.36]] },
    stops: [
      { seq: 0, kind: 'depot_start', containerId: null, disposalSiteId: null, lng: 4.87, lat: 52.36, arriveAt: '2026-03-03T06:00:00.000Z', departAt: '2026-03-03T06:00:00.000Z', loadAfterL: 0, loadAfterKg: 0, why: null, doneAt: null },
      { seq: 1, kind: 'container', containerId: 'c<1>,"x"', disposalSiteId: null, lng: 4.88, lat: 52.365, arriveAt: '2026-03-03T06:10:00.000Z', departAt: '2026-03-03T06:12:30.000Z', loadAfterL: 1000, loadAfterKg: 450,
        why: { category: 'locked', fillNowPct: 80, predictedFillAtArrivalPct: 85.5, overflowRisk: 0.4, plannerDecision: { action: 'lock', reason: 'market, day', by: 'anna' }, fromHistoryOnly: true }, doneAt: null },
      { seq: 2, kind: 'depot_end', containerId: null, disposalSiteId: null, lng: 4.87, lat: 52.36, arriveAt: '2026-03-03T07:00:00.000Z', departAt: '2026-03-03T07:00:00.000Z', loadAfterL: 0, loadAfterKg: 0, why: null, doneAt: null },
    ],
  }],
};

describe(planToGeoJson.name, () => {
  it('gives the road line and one point per stop with its reasons', () => {
    const sut = planToGeoJson(plan);
    expect(sut.features).toHaveLength(4);
    expect(sut.features[0].geometry).toEqual(plan.routes[0].geometry);
    const stop = sut.features[2];
    expect(stop.geometry).toEqual({ type: 'Point', coordinates: [4.88, 52.365] });
    expect(stop.properties).toMatchObject({ seq: 1, category: 'locked', plannerAction: 'lock', fromHistoryOnly: true, predictedFillAtArrivalPct: 85.5 });
  });

  it('draws straight legs when the route has no road geometry, and filters by truck', () => {
    const noGeometry: Plan = { ...plan, routes: [{ ...plan.routes[0], geometry: null }] };
    expect(planToGeoJson(noGeometry).features[0].geometry.coordinates).toEqual([[4.87, 52.36], [4.88, 52.365], [4.87, 52.36]]);
    expect(planToGeoJson(plan, { vehicleId: 'truck-9' }).features).toHaveLength(0);
  });
});

describe(planToGpx.name, () => {
  it('writes a route of the stops and a track of the road path, escaping text', () => {
    const sut = planToGpx(plan);
    expect(sut).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<gpx version="1.1"/);
    expect(sut.match(/<rtept /g)).toHaveLength(3);
    expect(sut.match(/<trkpt /g)).toHaveLength(4);
    expect(sut).toContain('<name>1 c&lt;1&gt;,&quot;x&quot;</name>');
    expect(sut).toContain('<rtept lat="52.365" lon="4.88"><time>2026-03-03T06:10:00.000Z</time>');
    expect(sut).not.toContain('c<1>');
  });
});

describe(planToCsv.name, () => {
  it('writes a header and one quoted-as-needed row per stop', () => {
    const sut = planToCsv(plan);
    const lines = sut.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(5);
    expect(lines[2]).toContain('"c<1>,""x"""');
    expect(lines[2]).toContain(',locked,80,85.5,0.4,lock,"market, day",true,');
    expect(lines[1].split(',')).toHaveLength(CSV_COLUMNS.length);
  });

  it("defuses a planner's reason that a spreadsheet would run as a formula", () => {
    const [route] = plan.routes;
    const stops = route.stops.map((s) => (s.why ? { ...s, why: { ...s.why, plannerDecision: { action: 'lock' as const, reason: '=HYPERLINK("x")', by: 'anna' } } } : s));
    const sut = planToCsv({ ...plan, routes: [{ ...route, stops }] });
    expect(sut.split('\r\n')[2]).toContain(`,lock,"'=HYPERLINK(""x"")",true,`);
  });
});

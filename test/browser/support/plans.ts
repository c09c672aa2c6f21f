import type { Plan } from '@vulgraad/contracts';

/**
 * A published plan of one truck (`vehicleId`, residual) through the given containers in order, starting now:
 * a stop every 6 minutes, every third stop a must.
 */
export function planFor(district: string, shiftDate: string, stops: ReadonlyArray<{ id: string; lng: number; lat: number }>, vehicleId = 'truck-a'): Plan {
  const at = (min: number): string => new Date(Date.now() + min * 60_000).toISOString();
  const depot = { lng: stops[0]!.lng - 0.01, lat: stops[0]!.lat - 0.005 };
  return {
    id: 'draft', district, fraction: 'residual', shiftDate, version: 0, status: 'published', trigger: 'daily', createdAt: at(0), solveSeconds: 1,
    distanceM: 9000, durationS: 5400, unassigned: [],
    routes: [
      {
        id: 'draft', vehicleId, startAt: at(0), endAt: at(120), distanceM: 9000, durationS: 5400, geometry: null,
        stops: [
          { seq: 0, kind: 'depot_start', containerId: null, disposalSiteId: null, ...depot, arriveAt: at(0), departAt: at(0), loadAfterL: 0, loadAfterKg: 0, why: null, doneAt: null },
          ...stops.map((s, i) => ({
            seq: i + 1, kind: 'container' as const, containerId: s.id, disposalSiteId: null, lng: s.lng, lat: s.lat, arriveAt: at(10 + i * 6), departAt: at(13 + i * 6),
            loadAfterL: 800 * (i + 1), loadAfterKg: 90 * (i + 1),
            why: { category: i % 3 === 0 ? ('must' as const) : ('worth' as const), fillNowPct: 70, predictedFillAtArrivalPct: 88, overflowRisk: i % 3 === 0 ? 0.62 : 0.2, plannerDecision: null, fromHistoryOnly: false },
            doneAt: null,
          })),
          { seq: stops.length + 1, kind: 'depot_end', containerId: null, disposalSiteId: null, ...depot, arriveAt: at(120), departAt: at(120), loadAfterL: 0, loadAfterKg: 0, why: null, doneAt: null },
        ],
      },
    ],
  };
}

import type { Plan } from '@vulgraad/contracts';
import { ContainersRepository, DevicesRepository, type Database } from '@vulgraad/database';

/** Six containers in two districts, each with a bound sensor. */
export async function seedCity(db: Database, prefix: string): Promise<{ ids: string[]; deviceIds: string[] }> {
  const containers = await new ContainersRepository(db).upsert(
    Array.from({ length: 6 }, (_, i) => ({
      externalRef: `${prefix}-c${i}`,
      lng: 4.88 + i * 0.004,
      lat: 52.36 + (i % 3) * 0.003,
      district: i < 4 ? 'Centrum' : 'Noord',
      wasteType: i % 2 === 0 ? ('residual' as const) : ('paper' as const),
      volumeL: 5000,
      depthMm: 1500,
    })),
  );
  const devices = new DevicesRepository(db);
  const deviceRecords = await devices.upsert(containers.map((_c, i) => ({ externalRef: `${prefix}-d${i}`, reportingIntervalS: 3600 })));
  for (let i = 0; i < containers.length; i++) await devices.bind(deviceRecords[i]!.id, containers[i]!.id, new Date('2026-01-01T00:00:00Z'));
  return { ids: containers.map((c) => c.id), deviceIds: deviceRecords.map((d) => d.id) };
}

/** A one-route plan for Centrum visiting the given containers. */
export function centrumPlan(shiftDate: string, containerIds: string[], vehicleId = 'truck-1'): Plan {
  const at = (min: number): string => new Date(Date.parse(`${shiftDate}T06:00:00Z`) + min * 60_000).toISOString();
  return {
    id: 'draft',
    district: 'Centrum',
    fraction: 'residual',
    shiftDate,
    version: 0,
    status: 'published',
    trigger: 'daily',
    createdAt: new Date().toISOString(),
    solveSeconds: 0.5,
    distanceM: 12000,
    durationS: 7200,
    unassigned: [],
    routes: [
      {
        id: 'draft',
        vehicleId,
        startAt: at(0),
        endAt: at(120),
        distanceM: 12000,
        durationS: 7200,
        geometry: null,
        stops: [
          { seq: 0, kind: 'depot_start', containerId: null, disposalSiteId: null, lng: 4.87, lat: 52.35, arriveAt: at(0), departAt: at(0), loadAfterL: 0, loadAfterKg: 0, why: null, doneAt: null },
          ...containerIds.map((containerId, i) => ({
            seq: i + 1,
            kind: 'container' as const,
            containerId,
            disposalSiteId: null,
            lng: 4.88 + i * 0.004,
            lat: 52.36,
            arriveAt: at(10 + i * 10),
            departAt: at(13 + i * 10),
            loadAfterL: 1000 * (i + 1),
            loadAfterKg: 100 * (i + 1),
            why: { category: 'must' as const, fillNowPct: 80, predictedFillAtArrivalPct: 95, overflowRisk: 0.7, plannerDecision: null, fromHistoryOnly: false },
            doneAt: null,
          })),
          { seq: containerIds.length + 1, kind: 'depot_end', containerId: null, disposalSiteId: null, lng: 4.87, lat: 52.35, arriveAt: at(120), departAt: at(120), loadAfterL: 0, loadAfterKg: 0, why: null, doneAt: null },
        ],
      },
    ],
  };
}

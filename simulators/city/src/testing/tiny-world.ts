import { DepositEngine, GRONINGEN_DEPOSIT_VOLUME, weeklyProfile, type CityContainer, type EmptyingRecord } from '@vulgraad/city-model';
import { TravelNetwork, type NetworkPlace } from '../network';
import type { BreakModel, TruckModel } from '../setups/setup';
import type { TruckSetting, TruckWorld } from '../truck';

/** Monday 2023-01-09 00:00 in Amsterdam (UTC+1 in winter). */
export const MIDNIGHT_MS = Date.parse('2023-01-08T23:00:00Z');
export const MINUTE_MS = 60_000;

/** A container of the tiny test city: flat deposits around the clock. */
export function tinyContainer(id: string, lng: number, options: { capacityL?: number; depositsPerDay?: number; pits?: number } = {}): CityContainer {
  return {
    id,
    externalRef: null,
    lng,
    lat: 52,
    district: 'd',
    wasteType: 'residual',
    containerType: 'underground',
    volumeL: options.capacityL ?? 5000,
    depthMm: 2300,
    accessWindow: null,
    pitCount: options.pits ?? 1,
    demand: { depositsPerDay: options.depositsPerDay ?? 48, profile: weeklyProfile('flat', new Array<number>(24).fill(1), 'flat test curve'), depositVolumeL: GRONINGEN_DEPOSIT_VOLUME },
    rateSource: 'test',
  };
}

/**
 * Places on a line with hand-set legs: every leg between different places takes
 * `legMin` minutes and `legM` metres, except the depot-disposal pair (next door).
 */
export function lineNetwork(places: readonly NetworkPlace[], legMin: number, legM: number, nextDoor: readonly [string, string] | null = null): TravelNetwork {
  const n = places.length;
  const distances = new Float64Array(n * n);
  const durations = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const pair = [places[i]?.id, places[j]?.id];
      const close = nextDoor !== null && pair.includes(nextDoor[0]) && pair.includes(nextDoor[1]);
      distances[i * n + j] = close ? 200 : legM;
      durations[i * n + j] = close ? 30 : legMin * 60;
    }
  }
  return TravelNetwork.fromMatrices(places, distances, durations);
}

/** The deposit engine as the world trucks act on, and every emptying it saw. */
export function engineWorld(containers: readonly CityContainer[], seed = 7): { engine: DepositEngine; world: TruckWorld; emptied: EmptyingRecord[] } {
  const engine = new DepositEngine(containers, 'Europe/Amsterdam', { seed, start: new Date(MIDNIGHT_MS) });
  const emptied: EmptyingRecord[] = [];
  return {
    engine,
    emptied,
    world: {
      volumeAt: (id, atMs) => engine.stateAt(id, atMs).volumeL,
      empty: (id, atMs) => {
        const record = engine.empty(id, atMs);
        emptied.push(record);
        return record;
      },
    },
  };
}

export function truckSettingFor(network: TravelNetwork, options: { truck?: Partial<TruckModel>; breaks?: BreakModel; serviceS?: number; disposal?: boolean } = {}): TruckSetting {
  const truck: TruckModel = { bodyL: null, compactionFactor: 1, payloadKg: null, densityKgPerL: 0.1, unloadS: 600, ...options.truck };
  return {
    network,
    depotIndex: network.indexOf('depot'),
    disposalIndex: options.disposal === false || !network.has('disposal') ? null : network.indexOf('disposal'),
    truck,
    breaks: options.breaks ?? { kind: 'none' },
    midnightMs: MIDNIGHT_MS,
    shiftStartMs: MIDNIGHT_MS + 7 * 60 * MINUTE_MS,
    plannedShiftEndMs: MIDNIGHT_MS + 13 * 60 * MINUTE_MS,
    serviceTimeS: () => options.serviceS ?? 300,
    windowEndMs: () => null,
  };
}

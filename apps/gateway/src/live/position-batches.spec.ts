import type { TruckPosition } from '@vulgraad/contracts';
import { batchPositions, type RoutedPosition } from './position-batches';

const at = (vehicleId: string): TruckPosition => ({ vehicleId, at: '2026-12-07T08:00:00.000Z', lat: 52.37, lng: 4.89, speedKmh: 20, heading: 90 });
const routed = (vehicleId: string, districts: string[]): RoutedPosition => ({ position: at(vehicleId), routeRoom: `route:${vehicleId}:2026-12-07`, districtRooms: districts.map((d) => `district:${d}`) });

describe(batchPositions.name, () => {
  it('sends trucks of the same districts in one emit, and each route room what its district rooms do not reach', () => {
    const live = new Set(['district:Centrum', 'district:West', 'route:t1:2026-12-07', 'route:t3:2026-12-07']);
    const sut = batchPositions([routed('t1', ['Centrum']), routed('t2', ['Centrum']), routed('t3', ['West', 'Centrum']), routed('t4', ['Noord'])], (room) => live.has(room));
    expect(sut).toEqual([
      { rooms: ['district:Centrum'], except: [], positions: [at('t1'), at('t2')] },
      { rooms: ['route:t1:2026-12-07'], except: ['district:Centrum'], positions: [at('t1')] },
      { rooms: ['district:Centrum', 'district:West'], except: [], positions: [at('t3')] },
      { rooms: ['route:t3:2026-12-07'], except: ['district:Centrum', 'district:West'], positions: [at('t3')] },
    ]);
  });

  it('sends a truck without a watched district to its route room alone, and nothing where no socket listens', () => {
    const sut = batchPositions([routed('t1', ['Noord']), routed('t2', [])], (room) => room === 'route:t1:2026-12-07');
    expect(sut).toEqual([{ rooms: ['route:t1:2026-12-07'], except: [], positions: [at('t1')] }]);
  });
});

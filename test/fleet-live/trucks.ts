import { DepotsRepository, VehiclesRepository, type Database } from '@vulgraad/database';
import type { WasteFraction } from '@vulgraad/contracts';

/** A depot and trucks of the given fractions, as the fleet API would store them. */
export async function seedTrucks(db: Database, trucks: Array<{ id: string; fractions: WasteFraction[] }>): Promise<void> {
  await new DepotsRepository(db).upsert({ id: 'depot-test', name: 'Depot', lng: 4.87, lat: 52.35, address: null });
  const vehicles = new VehiclesRepository(db);
  for (const t of trucks) {
    await vehicles.upsert({
      id: t.id, name: t.id, depotId: 'depot-test', capacityL: 20_000, capacityKg: 10_000, fractions: t.fractions, equipment: ['underground'],
      speedFactor: 1, costPerKm: 0, costPerHour: 0, shiftStartMin: 360, shiftEndMin: 960, maxRouteDurationS: null,
    });
  }
}

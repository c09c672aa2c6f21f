import { smallCitySettings } from '../testing/small-city';
import type { PlanningVehicle } from '../types';
import { districtsPerVehicle } from './eligibility';

const truck = (id: string, overrides: Partial<PlanningVehicle> = {}): PlanningVehicle => ({
  id, depotId: 'd', capacityL: 20_000, capacityKg: 10_000, fractions: ['residual'], equipment: ['underground'], ...overrides,
});

describe(districtsPerVehicle.name, () => {
  const districts = [smallCitySettings({ district: 'a' }), smallCitySettings({ district: 'b', vehicleIds: ['t2'] }), smallCitySettings({ district: 'c' })];

  it('binds a named truck to the districts naming it and lets the others serve every district naming none', () => {
    const sut = districtsPerVehicle([truck('t1'), truck('t2')], districts, 'residual', new Set(['d']));
    expect(sut.get('t1')).toEqual(['a', 'c']);
    expect(sut.get('t2')).toEqual(['b']);
  });

  it('leaves out trucks out of service, of another fraction or without a known depot', () => {
    const sut = districtsPerVehicle(
      [truck('t1', { status: 'out_of_service' }), truck('t3', { fractions: ['paper'] }), truck('t4', { depotId: 'nowhere' })],
      districts, 'residual', new Set(['d']),
    );
    expect(sut.size).toBe(0);
  });
});

import { generateCity } from '@vulgraad/city-model';
import { demoFleet, firstStart } from './demo-city';

describe(firstStart.name, () => {
  const weekdays = [1, 2, 3, 4, 5];
  it('starts at 05:00 local on the latest collection day that is not in the future', () => {
    expect(firstStart(Date.parse('2024-03-06T12:00:00Z'), 'Europe/Amsterdam', weekdays)).toEqual(new Date('2024-03-06T04:00:00Z'));
    expect(firstStart(Date.parse('2024-03-06T03:00:00Z'), 'Europe/Amsterdam', weekdays)).toEqual(new Date('2024-03-05T04:00:00Z'));
    // Sunday: back to Friday.
    expect(firstStart(Date.parse('2024-03-10T12:00:00Z'), 'Europe/Amsterdam', weekdays)).toEqual(new Date('2024-03-08T04:00:00Z'));
  });
});

describe(demoFleet.name, () => {
  it('gives every fraction of the city trucks that take it, from the city depot', () => {
    const city = generateCity({ containers: 400, seed: 3, fractions: ['residual', 'glass'] });
    const sut = demoFleet(city);
    const residual = city.containers.filter((c) => c.wasteType === 'residual').length;
    expect(sut.filter((v) => v.fractions.includes('residual'))).toHaveLength(Math.ceil(residual / 150));
    expect(sut.filter((v) => v.fractions.includes('glass')).length).toBeGreaterThanOrEqual(1);
    expect(new Set(sut.map((v) => v.id)).size).toBe(sut.length);
    expect(sut.every((v) => v.depotId === city.depots[0]!.id && v.equipment.includes('underground'))).toBe(true);
  });
});

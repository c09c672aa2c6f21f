import { WASTE_FRACTIONS } from '@vulgraad/contracts';
import { expectedLitresPerDay } from './city';
import { GENERATED_FRACTIONS, generateCity } from './generated-city';
import { haversineM } from './geo';

describe(generateCity.name, () => {
  it('makes exactly N containers with unique ids, in realistic fraction shares', () => {
    const sut = generateCity({ containers: 2000, seed: 3 });
    expect(sut.containers).toHaveLength(2000);
    expect(new Set(sut.containers.map((c) => c.id)).size).toBe(2000);
    expect(new Set(sut.containers.map((c) => c.externalRef)).size).toBe(2000);
    for (const fraction of WASTE_FRACTIONS) {
      const share = sut.containers.filter((c) => c.wasteType === fraction).length / 2000;
      expect(share).toBeCloseTo(GENERATED_FRACTIONS[fraction].share, 2);
    }
  });

  it('gives underground containers of 3-5 m3 with a depth, and a positive fill rate', () => {
    const sut = generateCity({ containers: 300, seed: 1 });
    for (const c of sut.containers) {
      expect(c.containerType).toBe('underground');
      expect(c.volumeL).toBeGreaterThanOrEqual(3000);
      expect(c.volumeL).toBeLessThanOrEqual(5000);
      expect(c.depthMm).toBeGreaterThan(1500);
      expect(c.demand.depositsPerDay).toBeGreaterThan(0);
      expect(c.demand.profile.shares).toHaveLength(168);
    }
    const residual = sut.containers.filter((c) => c.wasteType === 'residual');
    const daysToFull = residual.map((c) => c.volumeL / expectedLitresPerDay(c)).sort((a, b) => a - b);
    const median = daysToFull[Math.floor(daysToFull.length / 2)] as number;
    expect(median).toBeGreaterThan(3);
    expect(median).toBeLessThan(20);
  });

  it('clusters containers around the centre, in districts, with a depot and two disposal sites', () => {
    const sut = generateCity({ containers: 1200, seed: 8 });
    expect(sut.districts.length).toBe(3);
    expect(sut.districts.reduce((s, d) => s + d.containerCount, 0)).toBe(1200);
    expect(new Set(sut.containers.map((c) => c.district))).toEqual(new Set(sut.districts.map((d) => d.id)));
    const far = Math.max(...sut.containers.map((c) => haversineM(c.lng, c.lat, sut.centre.lng, sut.centre.lat)));
    expect(far).toBeLessThan(5000);
    expect(sut.depots).toHaveLength(1);
    expect(sut.disposalSites).toHaveLength(2);
    expect(sut.disposalSites.flatMap((s) => s.fractions)).toEqual(expect.arrayContaining([...WASTE_FRACTIONS]));
    const centre = sut.containers.filter((c) => c.district === sut.districts[0]!.id);
    expect(centre.every((c) => c.accessWindow !== null)).toBe(true);
  });

  it('is deterministic for a seed and differs for another', () => {
    const a = generateCity({ containers: 100, seed: 2 });
    const b = generateCity({ containers: 100, seed: 2 });
    const c = generateCity({ containers: 100, seed: 3 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
  });

  it('scales demand and its spread on request', () => {
    const base = generateCity({ containers: 200, seed: 6, fractions: ['residual'] });
    const doubled = generateCity({ containers: 200, seed: 6, fractions: ['residual'], demandScale: 2, rateSpread: 0 });
    const uniform = new Set(doubled.containers.map((c) => c.demand.depositsPerDay));
    expect(uniform.size).toBeLessThanOrEqual(doubled.districts.length);
    const total = (city: typeof base) => city.containers.reduce((s, c) => s + c.demand.depositsPerDay, 0);
    expect(total(doubled) / total(base)).toBeGreaterThan(1.6);
    expect(total(doubled) / total(base)).toBeLessThan(2.4);
  });

  it('handles a single container, a fraction subset and an id prefix', () => {
    expect(generateCity({ containers: 1 }).containers).toHaveLength(1);
    const sut = generateCity({ containers: 50, fractions: ['residual'], idPrefix: 'run42-' });
    expect(sut.containers.every((c) => c.wasteType === 'residual' && c.id.startsWith('run42-'))).toBe(true);
    expect(() => generateCity({ containers: 0 })).toThrow(RangeError);
  });
});

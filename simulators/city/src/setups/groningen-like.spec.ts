import { haversineM } from '@vulgraad/city-model';
import { GRONINGEN_FACTS, groningenLikeCity } from './groningen-like';

describe(groningenLikeCity.name, () => {
  const sut = groningenLikeCity({ seed: 1 });

  it('has the study\'s clusters, pits and deposits a day', () => {
    expect(sut.containers).toHaveLength(850);
    expect(sut.containers.reduce((s, c) => s + c.pitCount, 0)).toBe(1120);
    expect(sut.containers.reduce((s, c) => s + c.demand.depositsPerDay, 0)).toBeCloseTo(22_600, 0);
    expect(sut.containers.every((c) => c.volumeL >= 4000 && c.volumeL <= 4 * 5000 && c.pitCount <= 4)).toBe(true);
    expect(new Set(sut.containers.map((c) => c.id)).size).toBe(850);
  });

  it('gives busy clusters more pits', () => {
    const single = sut.containers.filter((c) => c.pitCount === 1);
    const multi = sut.containers.filter((c) => c.pitCount > 1);
    const mean = (cs: typeof sut.containers): number => cs.reduce((s, c) => s + c.demand.depositsPerDay, 0) / cs.length;
    expect(mean(multi)).toBeGreaterThan(2 * mean(single));
  });

  it('stands around the real depot, with the disposal site 200 m away and the inner city visited by 11:00', () => {
    const depot = sut.depots[0] as { lng: number; lat: number };
    const disposal = sut.disposalSites[0] as { lng: number; lat: number };
    expect(depot).toMatchObject(GRONINGEN_FACTS.depot);
    expect(haversineM(depot.lng, depot.lat, disposal.lng, disposal.lat)).toBeCloseTo(200, 0);
    const fromDepot = sut.containers.map((c) => haversineM(c.lng, c.lat, depot.lng, depot.lat));
    expect(Math.min(...fromDepot)).toBeGreaterThan(0);
    expect(Math.max(...fromDepot)).toBeLessThan(9000);
    const inner = sut.containers.filter((c) => c.accessWindow !== null);
    expect(inner.length).toBe(Math.round(850 * 0.13));
    expect(inner.every((c) => c.accessWindow?.toMin === 660)).toBe(true);
  });

  it('scales with the number of clusters and is the same for the same seed', () => {
    const half = groningenLikeCity({ seed: 1, clusters: 425 });
    expect(half.containers.reduce((s, c) => s + c.demand.depositsPerDay, 0)).toBeCloseTo(11_300, 0);
    expect(groningenLikeCity({ seed: 1 }).containers).toEqual(sut.containers);
  });
});

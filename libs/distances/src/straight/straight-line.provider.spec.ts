import { DistanceError } from '../types';
import { StraightLineProvider } from './straight-line.provider';

const damSquare = { lng: 4.8932, lat: 52.3731 };
const utrechtDom = { lng: 5.1214, lat: 52.0907 };

describe(StraightLineProvider.name, () => {
  it('scales the great-circle distance by the detour factor and drives it at the set speed', async () => {
    const sut = new StraightLineProvider({ detourFactor: 1.4, speedKmh: 36 });
    const m = await sut.matrix([damSquare, utrechtDom]);
    // Dam to Dom tower is about 34.9 km as the crow flies.
    expect(m.distancesM[1]).toBeGreaterThan(34_500 * 1.4);
    expect(m.distancesM[1]).toBeLessThan(35_300 * 1.4);
    expect(m.durationsS[1]).toBeCloseTo(m.distancesM[1] / 10, 6);
    expect(m.distancesM[2]).toBe(m.distancesM[1]);
    expect(m.distancesM[0]).toBe(0);
    expect(m.unreachable).toEqual([]);
  });

  it('routes straight through the points and sums the legs', async () => {
    const sut = new StraightLineProvider();
    const route = await sut.route([damSquare, utrechtDom, damSquare]);
    expect(route.coordinates).toEqual([
      [damSquare.lng, damSquare.lat],
      [utrechtDom.lng, utrechtDom.lat],
      [damSquare.lng, damSquare.lat],
    ]);
    expect(route.distanceM).toBeCloseTo(2 * route.legs[0].distanceM, 6);
  });

  it('refuses invalid settings and points', async () => {
    expect(() => new StraightLineProvider({ detourFactor: 0.5 })).toThrow(RangeError);
    expect(() => new StraightLineProvider({ speedKmh: 0 })).toThrow(RangeError);
    await expect(new StraightLineProvider().matrix([{ lng: 200, lat: 0 }])).rejects.toBeInstanceOf(DistanceError);
  });

  it('changes its fingerprint with its settings, so caches never mix them', () => {
    expect(new StraightLineProvider({ detourFactor: 1.3 }).fingerprint).not.toBe(new StraightLineProvider({ detourFactor: 1.5 }).fingerprint);
  });
});

import { CalibratedStraightLineProvider } from './calibrated-straight.provider';

describe(CalibratedStraightLineProvider.name, () => {
  const sut = new CalibratedStraightLineProvider({ detourFactor: 1.5, speedKmh: 36, legOverheadS: 60, streetSpeedKmh: 18 });
  const a = { lng: 6.6, lat: 53.2 };

  it('drives long legs at the fitted line and short hops at street speed', async () => {
    const far = { lng: 6.6, lat: 53.2 + 0.05 };
    const near = { lng: 6.6, lat: 53.2 + 0.002 };
    const m = await sut.matrix([a, far, near]);
    const farM = m.distancesM[1] as number;
    const nearM = m.distancesM[2] as number;
    expect(farM / 0.05).toBeCloseTo(1.5 * 111_195, -2);
    expect(m.durationsS[1]).toBeCloseTo(60 + farM / 10, 6);
    expect(m.durationsS[2]).toBeCloseTo(nearM / 5, 6);
    expect(m.distancesM[3]).toBe(farM);
    expect(m.durationsS[0]).toBe(0);
  });

  it('puts no overhead on two points at the same place', async () => {
    const m = await sut.matrix([a, { ...a }]);
    expect(m.durationsS[1]).toBe(0);
  });

  it('refuses a detour below one', () => {
    expect(() => new CalibratedStraightLineProvider({ detourFactor: 0.9, speedKmh: 30, legOverheadS: 0 })).toThrow(RangeError);
  });
});

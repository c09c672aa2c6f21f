import { LiveRegistry } from './live-registry';

describe(LiveRegistry.name, () => {
  const container = { id: 'c1', district: 'Centrum', wasteType: 'paper' as const, lng: 4.9, lat: 52.37, volumeL: 3000 };
  const state = (measuredAt: string, fillPct: number) => ({ containerId: 'c1', fillPct, temperatureC: 12, batteryPct: 90, flags: [], measuredAt });

  it('keeps the newest state and ignores an older one that arrives late', () => {
    const sut = new LiveRegistry();
    sut.upsert(container);
    expect(sut.apply(state('2026-03-01T10:00:00Z', 40))).toMatchObject({ id: 'c1', fillPct: 40 });
    expect(sut.apply(state('2026-03-01T09:00:00Z', 10))).toBeNull();
    expect(sut.inDistrict('Centrum')).toEqual([expect.objectContaining({ fillPct: 40, measuredAt: '2026-03-01T10:00:00Z' })]);
    expect(sut.apply({ ...state('2026-03-01T11:00:00Z', 50), containerId: 'unknown' })).toBeNull();
  });

  it('moves a container between districts and drops those a reload no longer has', () => {
    const sut = new LiveRegistry();
    sut.upsert(container);
    sut.apply(state('2026-03-01T10:00:00Z', 40));
    sut.replaceAll([{ ...container, district: 'Noord' }, { ...container, id: 'c2' }]);
    expect(sut.inDistrict('Noord')).toEqual([expect.objectContaining({ id: 'c1', fillPct: 40 })]);
    expect(sut.inDistrict('Centrum').map((c) => c.id)).toEqual(['c2']);
    sut.replaceAll([{ ...container, id: 'c2' }]);
    expect(sut.has('c1')).toBe(false);
    expect(sut.districts()).toEqual(['Centrum']);
  });

  it('passes the correlation id of the message on to the browsers, and sends none when the event has none', () => {
    const sut = new LiveRegistry();
    sut.upsert(container);
    expect(sut.apply({ ...state('2026-03-01T10:00:00Z', 40), correlationId: 'ig-ab12-7' })).toMatchObject({ id: 'c1', correlationId: 'ig-ab12-7' });
    expect(sut.apply(state('2026-03-01T11:00:00Z', 45))).not.toHaveProperty('correlationId');
  });
});

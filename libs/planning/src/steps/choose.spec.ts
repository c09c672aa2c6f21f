import type { ContainerOutlook } from '../select';
import { smallCity, smallCitySettings } from '../testing/small-city';
import { chooseForDistricts } from './choose';

const city = smallCity({ containers: 4 });
const [a, b, c, d] = city.containers.map((x, i) => ({ ...x.container, district: i < 2 ? 'north' : 'south' }));
const outlook: ContainerOutlook = { fillNowPct: 50, fillAtShiftEndPct: 55, overflowRiskBeforeNextChance: 0.3, fromHistoryOnly: false };

describe(chooseForDistricts.name, () => {
  it('chooses each district by its own risk level and planner edits', () => {
    const sut = chooseForDistricts({
      districts: [smallCitySettings({ district: 'north', riskLevel: 0.2 }), smallCitySettings({ district: 'south', riskLevel: 0.5 })],
      containersOf: (district) => (district === 'north' ? [a!, b!] : [c!, d!]),
      outlooks: new Map([a!, b!, c!, d!].map((x) => [x.id, outlook])),
      edits: [
        { id: 'e1', district: 'south', shiftDate: city.shiftDate, containerId: d!.id, action: 'lock', vehicleId: 'truck-1', reason: 'complaint', by: 'anna', createdAt: '2026-03-02T09:00:00Z' },
        // An edit of another district for this container does not count.
        { id: 'e2', district: 'north', shiftDate: city.shiftDate, containerId: c!.id, action: 'exclude', vehicleId: null, reason: 'wrong district', by: 'anna', createdAt: '2026-03-02T09:00:00Z' },
      ],
      shiftDate: city.shiftDate,
      doneIds: new Set(),
      anchorsOf: () => city.depots,
      densityKgPerL: 0.15,
    });
    const category = new Map(sut.decisions.map((x) => [x.containerId, x.category]));
    expect([category.get(a!.id), category.get(b!.id)]).toEqual(['must', 'must']);
    expect(category.get(c!.id)).not.toBe('must');
    expect(category.get(c!.id)).not.toBe('excluded');
    expect(category.get(d!.id)).toBe('locked');
    expect(sut.editsByContainer.get(d!.id)?.vehicleId).toBe('truck-1');
  });
});

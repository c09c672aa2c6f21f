import { categoryOf, toWasteContainer, type OpenContainer } from './ngsi-ld';

const container: OpenContainer = {
  id: 'c-1', externalRef: 'RES-001', lng: 4.89, lat: 52.37, district: 'Centrum', address: 'Dam 1', wasteType: 'residual',
  containerType: 'underground', volumeL: 5000, fillPct: 72.5, fillMeasuredAt: '2026-03-01T10:00:00.000Z', fillAvgPct: 40,
  fillMaxPct: 95, fullDays: 0, emptyings: 8, emptyingsPerWeek: 1.9, lastEmptiedAt: '2026-02-28T07:30:00.000Z',
  nextVisitAt: '2026-03-02T08:10:00.000Z', status: 'ok',
};

describe(toWasteContainer.name, () => {
  it('writes a normalized NGSI-LD WasteContainer with fillingLevel as 0..1 and DateTime values', () => {
    const sut = toWasteContainer(container);
    expect(sut).toMatchObject({
      id: 'urn:ngsi-ld:WasteContainer:c-1',
      type: 'WasteContainer',
      location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [4.89, 52.37] } },
      fillingLevel: { type: 'Property', value: 0.725, observedAt: '2026-03-01T10:00:00.000Z' },
      category: { type: 'Property', value: ['underground'] },
      storedWasteKind: { type: 'Property', value: 'other' },
      status: { type: 'Property', value: 'ok' },
      dateLastEmptying: { type: 'Property', value: { '@type': 'DateTime', '@value': '2026-02-28T07:30:00.000Z' } },
      nextActuationDeadline: { type: 'Property', value: { '@type': 'DateTime', '@value': '2026-03-02T08:10:00.000Z' } },
    });
    expect(sut['@context']).toContain('https://raw.githubusercontent.com/smart-data-models/dataModel.WasteManagement/master/context.jsonld');
  });

  it('writes the keyValues form and leaves out what is unknown', () => {
    const sut = toWasteContainer({ ...container, wasteType: 'glass', fillPct: null, lastEmptiedAt: null, nextVisitAt: null, status: 'unknown' }, 'keyValues');
    expect(sut).toMatchObject({ storedWasteKind: 'glass', status: 'unknown', location: { type: 'Point', coordinates: [4.89, 52.37] } });
    expect(sut).not.toHaveProperty('fillingLevel');
    expect(sut).not.toHaveProperty('dateLastEmptying');
  });

  it('maps every container type onto the model\'s categories', () => {
    expect(categoryOf('wheelie_bin')).toEqual(['portable']);
    expect(categoryOf('above_ground')).toEqual(['ground', 'fixed']);
  });
});

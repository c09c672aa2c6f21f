import { parseContainerCsv, parseContainerGeoJson } from './container-import';

describe(parseContainerCsv.name, () => {
  it('takes good rows and lists every problem of a bad row by field', () => {
    const sut = parseContainerCsv(
      [
        'external_ref,lng,lat,district,waste_type,container_type,volume_l,depth_mm,access_from_min,access_to_min',
        'c-1,4.89,52.37,Centrum,paper,underground,5000,1500,,',
        'c-2,200,52.37,Centrum,gold,underground,-3,,600,500',
        'c-3,4.9,52.3,Noord,glass,above ground,3000,,420,900',
        'c-4,4.9,52.3',
      ].join('\n'),
    );
    expect(sut[0]).toMatchObject({ row: 1, ref: 'c-1', errors: [], input: { lng: 4.89, wasteType: 'paper', depthMm: 1500, accessWindow: null } });
    expect(sut[1]!.input).toBeNull();
    expect(sut[1]!.errors.map((e) => e.field)).toEqual(['lng', 'wasteType', 'volumeL', 'accessWindow']);
    expect(sut[2]).toMatchObject({ input: { containerType: 'above_ground', accessWindow: { fromMin: 420, toMin: 900 } } });
    expect(sut[3]).toMatchObject({ row: 4, errors: [{ field: 'row' }] });
  });

  it('refuses a file without a needed column, naming it', () => {
    expect(() => parseContainerCsv('ref,lng,lat,district\nc1,4,52,X')).toThrow(expect.objectContaining({ code: 'validation', field: 'wasteType' }));
  });

  it('reads a Dutch export with ; and decimal commas', () => {
    const [row] = parseContainerCsv('ref;lon;lat;stadsdeel;fractie;volume\nA1;4,89;52,37;West;Glass;3000\n');
    expect(row).toMatchObject({ errors: [], input: { externalRef: 'A1', lng: 4.89, lat: 52.37, district: 'West', wasteType: 'glass' } });
  });
});

describe(parseContainerGeoJson.name, () => {
  it('reads Point features with camelCase or snake_case properties and rejects other geometries', () => {
    const sut = parseContainerGeoJson({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', id: 'g-1', geometry: { type: 'Point', coordinates: [4.9, 52.36] }, properties: { district: 'Oost', wasteType: 'plastic', volumeL: 4000 } },
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [[4.9, 52.36], [4.91, 52.37]] }, properties: {} },
        { type: 'Feature', geometry: { type: 'Point', coordinates: ['x', 52] }, properties: { external_ref: 'g-3', district: 'Oost', waste_type: 'paper', volume_l: 10 } },
      ],
    });
    expect(sut[0]).toMatchObject({ ref: 'g-1', errors: [], input: { lng: 4.9, lat: 52.36, wasteType: 'plastic', volumeL: 4000 } });
    expect(sut[1]!.errors).toEqual([expect.objectContaining({ field: 'geometry' })]);
    expect(sut[2]!.errors).toEqual([expect.objectContaining({ field: 'lng' })]);
    expect(() => parseContainerGeoJson({ type: 'Feature' })).toThrow(expect.objectContaining({ field: 'type' }));
  });
});

describe('parseContainerCsv on what spreadsheets write', () => {
  it('takes a byte-order mark and CRLF lines', () => {
    const rows = parseContainerCsv('\uFEFFref,lng,lat,district,wasteType,volumeL\r\nA1,4.89,52.37,West,glass,3000\r\n');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ref: 'A1', errors: [] });
  });

  it('answers a quote that is never closed with a validation error on the body', () => {
    expect(() => parseContainerCsv('ref,lng,lat,district,wasteType,volumeL\nA1,4.89,52.37,"West,glass,3000\n')).toThrow(
      expect.objectContaining({ code: 'validation', field: 'body', message: expect.stringMatching(/^the CSV cannot be read: .*line 2/) }),
    );
  });
});

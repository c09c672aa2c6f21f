import { readRegistrations, RegistrationFileError } from './registration-file';

const boundFrom = new Date('2026-01-01T00:00:00Z');

describe(readRegistrations.name, () => {
  it('reads containers with their devices from CSV, access windows as minutes or HH:MM', () => {
    const csv = [
      'external_ref,lng,lat,district,waste_type,volume_l,depth_mm,access_from,access_to,device_id,dev_eui,device_model,bound_from',
      'AMS-1,4.9,52.37,Centrum,residual,5000,2300,07:00,11:00,sensor-1,70B3D57ED0051234,dragino-ldds75,2025-06-01T00:00:00Z',
      '"AMS-2, corner",4.91,52.38,Oost,paper,3000,,,,,,,',
    ].join('\n');
    const sut = readRegistrations('city.csv', csv, { boundFrom });
    expect(sut.containers).toEqual([
      expect.objectContaining({ externalRef: 'AMS-1', district: 'Centrum', wasteType: 'residual', volumeL: 5000, depthMm: 2300, accessWindow: { fromMin: 420, toMin: 660 } }),
      expect.objectContaining({ externalRef: 'AMS-2, corner', wasteType: 'paper', depthMm: null, accessWindow: null, containerType: 'underground' }),
    ]);
    expect(sut.devices).toEqual([{ externalRef: 'sensor-1', devEui: '70b3d57ed0051234', model: 'dragino-ldds75', lorawanApplicationId: null, reportingIntervalS: undefined }]);
    expect(sut.bindings).toEqual([{ deviceRef: 'sensor-1', containerKey: 'AMS-1', validFrom: new Date('2025-06-01T00:00:00Z') }]);
  });

  it('reads what a Dutch spreadsheet saves: a byte-order mark, `;` between fields and decimal commas', () => {
    const csv = '\uFEFFexternal_ref;lng;lat;district;waste_type;volume_l\r\nAMS-3;4,9;52,37;West;glass;3000\r\n';
    const sut = readRegistrations('city.csv', csv, { boundFrom });
    expect(sut.containers).toEqual([expect.objectContaining({ externalRef: 'AMS-3', lng: 4.9, lat: 52.37, district: 'West', wasteType: 'glass', volumeL: 3000 })]);
  });

  it('refuses a CSV whose quote is never closed, naming the file and line', () => {
    const read = (): unknown => readRegistrations('city.csv', 'external_ref,lng\n"AMS-1,4.9\n', { boundFrom });
    expect(read).toThrow(RegistrationFileError);
    expect(read).toThrow(/city\.csv: .*line 2/);
  });

  it('reads GeoJSON points of containers, depots and disposal sites', () => {
    const doc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Point', coordinates: [4.9, 52.37] }, properties: { container_id: 'c1', district: 'West', waste_type: 'glass', volume_l: 3000 } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [4.8, 52.3] }, properties: { kind: 'depot', id: 'dep-1', name: 'Garage' } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [4.85, 52.4] }, properties: { kind: 'disposal_site', id: 'aeb', name: 'AEB', fractions: ['residual'] } },
      ],
    };
    const sut = readRegistrations('city.geojson', JSON.stringify(doc), { boundFrom });
    expect(sut.containers).toEqual([expect.objectContaining({ id: 'c1', lng: 4.9, lat: 52.37, wasteType: 'glass' })]);
    expect(sut.depots).toEqual([{ id: 'dep-1', name: 'Garage', lng: 4.8, lat: 52.3, address: null }]);
    expect(sut.disposalSites).toEqual([expect.objectContaining({ id: 'aeb', fractions: ['residual'], openFromMin: 0, openToMin: 1440, serviceTimeS: 900 })]);
  });

  it('lists every problem with its line and registers nothing', () => {
    const csv = [
      'external_ref,lng,lat,district,waste_type,volume_l,access_from,dev_eui,device_id',
      'A,east,52.3,Centrum,rest,5000,07:00,xyz,s1',
      ',4.9,52.3,,paper,-5,,,',
    ].join('\n');
    let caught: unknown;
    try {
      readRegistrations('bad.csv', csv, { boundFrom });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RegistrationFileError);
    const problems = (caught as RegistrationFileError).problems.join('\n');
    expect(problems).toMatch(/line 2: lng "east" is not a number/);
    expect(problems).toMatch(/line 2: waste_type "rest" is not one of/);
    expect(problems).toMatch(/line 2: an access window needs both/);
    expect(problems).toMatch(/line 2: dev_eui "xyz"/);
    expect(problems).toMatch(/line 3: needs container_id or external_ref/);
    expect(problems).toMatch(/line 3: district is missing/);
    expect(problems).toMatch(/line 3: volume_l -5 must be positive/);
  });

  it('refuses a document it does not know', () => {
    expect(() => readRegistrations('x.json', '{"kind":"something"}', { boundFrom })).toThrow(RegistrationFileError);
    expect(() => readRegistrations('x.json', '{"kind":"vulgraad-city","version":2}', { boundFrom })).toThrow(/version 2/);
  });
});

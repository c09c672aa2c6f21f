import { existsSync } from 'node:fs';
import path from 'node:path';
import { allInOneEnv, loadConfig } from '@vulgraad/config';
import { generateCity } from '@vulgraad/city-model';
import { chooseDemoCity, configForDemo, demoFleet, firstStart } from './demo-city';

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

describe(chooseDemoCity.name, () => {
  const configOf = (env: Record<string, string>) => loadConfig(allInOneEnv({ VULGRAAD_SHARED_DIR: '/nonexistent', ...env }));

  it('runs the shipped Amsterdam extract by default: real clusters of Centrum and West, its road graph and base map', () => {
    const sut = chooseDemoCity(configOf({}));
    expect(sut.city.kind).toBe('amsterdam');
    expect(sut.city.containers).toHaveLength(360);
    expect(new Set(sut.city.containers.map((c) => c.wasteType))).toEqual(new Set(['residual', 'paper', 'glass']));
    expect(sut.city.districts.map((d) => d.name).sort()).toEqual(['Centrum', 'West']);
    expect(sut.city.districts.reduce((s, d) => s + d.containerCount, 0)).toBe(360);
    // Residual clusters are the city's own; paper and glass are marked as placed by us.
    expect(sut.city.containers.filter((c) => c.wasteType === 'residual').every((c) => /^\d+\.\d+_\d+\.\d+-Rest$/.test(c.externalRef ?? ''))).toBe(true);
    expect(sut.city.containers.filter((c) => c.wasteType !== 'residual').every((c) => (c.externalRef ?? '').startsWith('placed-by-vulgraad:'))).toBe(true);
    expect(existsSync(path.join(sut.roadGraph!, 'drive_edges.csv'))).toBe(true);
    expect(existsSync(sut.basemap!)).toBe(true);
  });

  it('takes the generated city for sizes and fractions beyond the extract, or when asked', () => {
    expect(chooseDemoCity(configOf({ DEMO_CONTAINERS: '20000' })).city.kind).toBe('generated');
    expect(chooseDemoCity(configOf({ DEMO_FRACTIONS: 'residual,plastic', DEMO_CONTAINERS: '2000' })).city.kind).toBe('generated');
    const generated = chooseDemoCity(configOf({ DEMO_CITY: 'generated' }));
    expect(generated).toMatchObject({ roadGraph: null, basemap: null });
    expect(generated.city.containers).toHaveLength(360);
  });

  it('says why when Amsterdam is asked for and cannot hold the size', () => {
    expect(() => chooseDemoCity(configOf({ DEMO_CITY: 'amsterdam', DEMO_CONTAINERS: '20000' }))).toThrow(/fewer than DEMO_CONTAINERS=20000/);
  });

  it('keeps only the districts that have containers in a small city, and the fractions asked for', () => {
    const sut = chooseDemoCity(configOf({ DEMO_CONTAINERS: '12', DEMO_FRACTIONS: 'residual' })).city;
    expect(sut.containers).toHaveLength(12);
    expect(sut.containers.every((c) => c.wasteType === 'residual')).toBe(true);
    expect(sut.districts.every((d) => d.containerCount > 0)).toBe(true);
  });
});

describe(configForDemo.name, () => {
  const choice = { city: generateCity({ containers: 10, seed: 1 }), roadGraph: '/demo/roads', basemap: '/demo/basemap.json' };

  it('plans on the demo road graph and draws its base map when nothing else is configured', () => {
    const sut = configForDemo(loadConfig(allInOneEnv({})), choice);
    expect(sut.distances.roadGraph).toBe('/demo/roads');
    expect(sut.gateway.basemap).toBe('/demo/basemap.json');
  });

  it('leaves a configured road graph, provider, base map or tile server as it is', () => {
    expect(configForDemo(loadConfig(allInOneEnv({ DISTANCES_ROAD_GRAPH: '/city/graph.osm.pbf' })), choice).distances.roadGraph).toBe('/city/graph.osm.pbf');
    expect(configForDemo(loadConfig(allInOneEnv({ DISTANCES_PROVIDER: 'straight' })), choice).distances.roadGraph).toBeNull();
    expect(configForDemo(loadConfig(allInOneEnv({ GRAPHHOPPER_URL: 'http://127.0.0.1:8989' })), choice).distances.roadGraph).toBeNull();
    expect(configForDemo(loadConfig(allInOneEnv({ GATEWAY_TILE_URL: 'http://127.0.0.1:8081/{z}/{x}/{y}.png' })), choice).gateway.basemap).toBeNull();
    expect(configForDemo(loadConfig(allInOneEnv({ GATEWAY_BASEMAP: '/city/map.osm.pbf' })), choice).gateway.basemap).toBe('/city/map.osm.pbf');
  });
});

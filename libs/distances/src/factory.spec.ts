import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@vulgraad/config';
import { CachedMatrixProvider } from './cache/matrix-cache';
import { chooseProvider, createMatrixProvider, type DistancesSettings } from './factory';
import { GraphHopperProvider } from './graphhopper/graphhopper.provider';
import { RoadGraphProvider } from './road/road-graph.provider';
import { StraightLineProvider } from './straight/straight-line.provider';
import { tinyNetworkXml } from './testing/tiny-network';

const settings = (env: Record<string, string>): DistancesSettings => loadConfig(env).distances;

describe(createMatrixProvider.name, () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'vulgraad-factory-'));
    writeFileSync(path.join(folder, 'tiny.osm'), tinyNetworkXml());
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('picks GraphHopper when a URL or key is set, else the road graph, else the straight line', () => {
    expect(chooseProvider(settings({}))).toBe('straight');
    expect(chooseProvider(settings({ DISTANCES_ROAD_GRAPH: 'x.osm.pbf' }))).toBe('road');
    expect(chooseProvider(settings({ DISTANCES_ROAD_GRAPH: 'x.osm.pbf', GRAPHHOPPER_API_KEY: 'k' }))).toBe('graphhopper');
    expect(chooseProvider(settings({ DISTANCES_PROVIDER: 'straight', GRAPHHOPPER_URL: 'http://gh' }))).toBe('straight');
  });

  it('builds the chosen provider behind the matrix cache', async () => {
    const straight = (await createMatrixProvider(settings({ DISTANCES_DETOUR_FACTOR: '1.5' }))) as CachedMatrixProvider;
    expect(straight).toBeInstanceOf(CachedMatrixProvider);
    expect(straight.inner).toBeInstanceOf(StraightLineProvider);
    expect((straight.inner as StraightLineProvider).detourFactor).toBe(1.5);

    const road = (await createMatrixProvider(settings({ DISTANCES_ROAD_GRAPH: path.join(folder, 'tiny.osm'), DISTANCES_URBAN_FACTOR: '0.5' }))) as CachedMatrixProvider;
    expect(road.inner).toBeInstanceOf(RoadGraphProvider);
    expect(road.fingerprint).toContain('factor=0.5');

    const gh = (await createMatrixProvider(settings({ GRAPHHOPPER_URL: 'http://127.0.0.1:1/api/1', GRAPHHOPPER_PROFILE: 'truck' }))) as CachedMatrixProvider;
    expect(gh.inner).toBeInstanceOf(GraphHopperProvider);
    expect(gh.fingerprint).toBe('graphhopper|http://127.0.0.1:1/api/1|truck');

    const uncached = await createMatrixProvider(settings({ DISTANCES_CACHE_MAX_MB: '0' }));
    expect(uncached).toBeInstanceOf(StraightLineProvider);
  });

  it('says which variable is missing for a road provider without a graph', async () => {
    await expect(createMatrixProvider(settings({ DISTANCES_PROVIDER: 'road' }))).rejects.toThrow(/DISTANCES_ROAD_GRAPH/);
  });
});

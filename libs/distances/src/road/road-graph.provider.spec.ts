import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { haversineM } from '../geo';
import { tinyNetworkXml, TINY_ORIGIN, TINY_STEP } from '../testing/tiny-network';
import { DistanceError, type LngLat } from '../types';
import { readOsmXml } from './readers/osm-xml.reader';
import { RoadGraphBuilder } from './road-graph';
import { RoadGraphProvider } from './road-graph.provider';

const at = (row: number, col: number, dLat = 0, dLng = 0): LngLat => ({ lng: TINY_ORIGIN.lng + TINY_STEP.lng * col + dLng, lat: TINY_ORIGIN.lat + TINY_STEP.lat * row + dLat });
const stepM = haversineM(TINY_ORIGIN.lng, TINY_ORIGIN.lat, TINY_ORIGIN.lng + TINY_STEP.lng, TINY_ORIGIN.lat);
const rowGapM = haversineM(TINY_ORIGIN.lng, TINY_ORIGIN.lat, TINY_ORIGIN.lng, TINY_ORIGIN.lat + TINY_STEP.lat);

function tinyProvider(algorithm: 'ch' | 'dijkstra' = 'ch', options: { hierarchyCacheDir?: string; onWarning?: (m: string) => void } = {}): RoadGraphProvider {
  const builder = new RoadGraphBuilder('tiny');
  readOsmXml(tinyNetworkXml(), builder, 'tiny');
  return new RoadGraphProvider(builder.build(), { algorithm, ...options });
}

describe(RoadGraphProvider.name, () => {
  it('keeps the largest strongly connected component and leaves footways out', () => {
    const sut = tinyProvider();
    // 12 grid junctions kept; the one-way dead end (1099) dropped; footway nodes never added.
    expect(sut.graph.stats.nodes).toBe(12);
    expect(sut.graph.stats.nodesDropped).toBe(1);
    expect(sut.graph.stats.edgesDropped).toBe(1);
  });

  it('respects one-way streets: the matrix is asymmetric', async () => {
    const sut = tinyProvider();
    // Points just beside the one-way middle street, at its west and east ends.
    const west = at(1, 0.2, 0.00002);
    const east = at(1, 2.8, 0.00002);
    const m = await sut.matrix([west, east]);
    expect(m.distancesM[0 * 2 + 1]).toBeCloseTo(2.6 * stepM, 0);
    // Back west: round the block over a parallel street.
    expect(m.distancesM[1 * 2 + 0]).toBeGreaterThan(2.6 * stepM + 2 * rowGapM - 1);
    expect(m.unreachable).toEqual([]);
  });

  it('uses maxspeed where posted and the class default elsewhere, scaled by the urban factor', async () => {
    const sut = tinyProvider();
    const m = await sut.matrix([at(1, 0.2, 0.00002), at(1, 2.8, 0.00002), at(0, 0.2, -0.00002), at(0, 2.8, -0.00002)]);
    const oneWaySpeed = m.distancesM[1] / m.durationsS[1];
    const residentialSpeed = m.distancesM[2 * 4 + 3] / m.durationsS[2 * 4 + 3];
    expect(oneWaySpeed).toBeCloseTo((50 * 0.8) / 3.6, 6);
    expect(residentialSpeed).toBeCloseTo((30 * 0.8) / 3.6, 6);
  });

  it('snaps a point near a dead end onto the main component, so no pair is unreachable', async () => {
    const sut = tinyProvider();
    // Right next to the dropped one-way dead end beyond node 03.
    const trapped = at(-0.9, 3.9);
    const m = await sut.matrix([trapped, at(2, 0)]);
    expect(m.unreachable).toEqual([]);
    expect(m.durationsS[1]).toBeGreaterThan(0);
    expect(m.durationsS[2]).toBeGreaterThan(0);
    expect(m.snapDistancesM[0]).toBeGreaterThan(50);
  });

  it('goes straight along a road piece between two points on it', async () => {
    const sut = tinyProvider();
    const a = at(0, 1.2, -0.00001);
    const b = at(0, 1.7, -0.00001);
    const m = await sut.matrix([a, b]);
    expect(m.distancesM[1]).toBeCloseTo(0.5 * stepM, 0);
    expect(m.distancesM[2]).toBeCloseTo(0.5 * stepM, 0);
  });

  it('returns zero between points that snap to the same place', async () => {
    const sut = tinyProvider();
    const m = await sut.matrix([at(0, 1.5), at(0, 1.5), at(2, 2)]);
    expect(m.distancesM[1]).toBe(0);
    expect(m.durationsS[3]).toBe(0);
    expect(m.durationsS[2]).toBe(m.durationsS[5]);
  });

  it('computes the same matrix with the contraction hierarchy as with plain Dijkstra', async () => {
    const points = Array.from({ length: 25 }, (_, k) => at((k * 7) % 23 / 11, (k * 5) % 31 / 10, 0.00003 * (k % 3), -0.00002 * (k % 2)));
    const ch = await tinyProvider('ch').matrix(points);
    const dijkstra = await tinyProvider('dijkstra').matrix(points);
    for (let k = 0; k < ch.durationsS.length; k++) {
      expect(ch.durationsS[k]).toBeCloseTo(dijkstra.durationsS[k], 6);
      expect(ch.distancesM[k]).toBeCloseTo(dijkstra.distancesM[k], 6);
    }
  });

  it('routes through the points in order with the road geometry, matching the matrix', async () => {
    const sut = tinyProvider();
    const stops = [at(0, 0.5, -0.00001), at(2, 2.5, 0.00001), at(1, 1.5, 0.00001)];
    const m = await sut.matrix(stops);
    const route = await sut.route(stops);
    expect(route.legs).toHaveLength(2);
    expect(route.legs[0].durationS).toBeCloseTo(m.durationsS[1], 6);
    expect(route.legs[1].durationS).toBeCloseTo(m.durationsS[1 * 3 + 2], 6);
    expect(route.distanceM).toBeCloseTo(m.distancesM[1] + m.distancesM[5], 6);
    // The drawn line is as long as the distance driven, and starts and ends at the snapped stops.
    let drawn = 0;
    for (let k = 1; k < route.coordinates.length; k++) drawn += haversineM(...route.coordinates[k - 1], ...route.coordinates[k]);
    expect(drawn).toBeCloseTo(route.distanceM, -1);
    expect(haversineM(...route.coordinates[0], stops[0].lng, stops[0].lat)).toBeLessThan(2);
    const last = route.coordinates[route.coordinates.length - 1];
    expect(haversineM(...last, stops[2].lng, stops[2].lat)).toBeLessThan(2);
  });

  it('rejects points far from every road with the offending indices', async () => {
    const sut = tinyProvider();
    await expect(sut.matrix([at(0, 0), { lng: 5.5, lat: 52.9 }])).rejects.toThrow(/1 point\(s\) farther than 2000 m.*1 \(5\.5/);
    await expect(sut.matrix([{ lng: Number.NaN, lat: 52 }])).rejects.toBeInstanceOf(DistanceError);
  });

  it('stores the contraction hierarchy and reads it back on the next start', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'vulgraad-ch-'));
    try {
      const points = [at(0, 0.3), at(2, 2.6), at(1, 1.4, 0.00002)];
      const first = tinyProvider('ch', { hierarchyCacheDir: folder });
      const built = await first.matrix(points);
      expect(first.hierarchyFromCache).toBe(false);
      const files = readdirSync(folder).filter((f) => f.endsWith('.vgch'));
      expect(files).toHaveLength(1);

      const second = tinyProvider('ch', { hierarchyCacheDir: folder });
      const loaded = await second.matrix(points);
      expect(second.hierarchyFromCache).toBe(true);
      expect([...loaded.durationsS]).toEqual([...built.durationsS]);
      expect((await second.route(points)).distanceM).toBeCloseTo((await first.route(points)).distanceM, 9);

      writeFileSync(path.join(folder, files[0]), Buffer.from('damaged'));
      const warnings: string[] = [];
      const third = tinyProvider('ch', { hierarchyCacheDir: folder, onWarning: (m) => warnings.push(m) });
      expect([...(await third.matrix(points)).durationsS]).toEqual([...built.durationsS]);
      expect(third.hierarchyFromCache).toBe(false);
      expect(warnings.join()).toMatch(/does not match the graph; rebuilding/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(tinyProvider().matrix([at(0, 0), at(2, 3)], { signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' });
  });
});

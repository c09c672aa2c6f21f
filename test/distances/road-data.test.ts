/**
 * The road-graph provider on the real networks in the shared data folder
 * (outside the repository): the whole-city Amsterdam drive graph with its
 * container clusters, the OSMnx GraphML of Delft and an OSM XML export of
 * central Amsterdam. Skipped, with this reason, when the folder is absent.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedPath } from '@vulgraad/config';
import { RoadGraphProvider, type LngLat } from '@vulgraad/distances';

const amsterdam = sharedPath('data', 'amsterdam', 'roads', 'citywide_osm2009');
const clusters = sharedPath('data', 'amsterdam', 'containers', 'rest_clusters_2020-2021.csv');
const delft = sharedPath('data', 'delft', 'Delft.graphml');
const centrum = sharedPath('data', 'amsterdam', 'osm', 'amsterdam-centrum.osm.gz');

function readClusters(): Array<LngLat & { id: string }> {
  return readFileSync(clusters as string, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const f = line.split(',');
      return { id: f[0], lng: Number(f[3]), lat: Number(f[4]) };
    });
}

// Needs the shared Amsterdam road graph and container clusters (../shared/data/amsterdam).
const maybeAmsterdam = amsterdam && clusters ? describe : describe.skip;
maybeAmsterdam('road graph: Amsterdam citywide drive graph', () => {
  let sut: RoadGraphProvider;
  beforeAll(async () => {
    sut = await RoadGraphProvider.fromFile(amsterdam as string);
  });

  it('keeps the largest strongly connected component the data documents (26,115 junctions)', () => {
    expect(sut.graph.stats.nodesRead).toBe(27463);
    expect(sut.graph.stats.nodes).toBe(26115);
  });

  it('snaps the container clusters close to the street, like the published snap table', () => {
    const all = readClusters();
    const published = new Map<string, number>();
    for (const line of readFileSync(path.join(amsterdam as string, 'container_snap.csv'), 'utf8').trim().split('\n').slice(1)) {
      const f = line.split(',');
      published.set(f[0], Number(f[4]));
    }
    const sample = all.filter((_, k) => k % 5 === 0);
    const snapped = sut.snap(sample);
    const distances = snapped.map((s) => s.distanceM).sort((a, b) => a - b);
    expect(distances[Math.floor(distances.length / 2)]).toBeLessThan(10);
    // Our snap may only be farther than the published nearest edge when that edge lies outside the main component or on a motorway.
    let agree = 0;
    sample.forEach((c, k) => {
      const theirs = published.get(c.id);
      if (theirs !== undefined && snapped[k].distanceM <= theirs + 2) agree++;
    });
    expect(agree / sample.length).toBeGreaterThan(0.9);
  });

  it('gives a complete matrix between 1,000 containers (no unreachable pair) that agrees with Dijkstra', async () => {
    const sample = readClusters().filter((_, k) => k % 6 === 0).slice(0, 1000);
    const m = await sut.matrix(sample);
    expect(m.n).toBe(1000);
    expect(m.unreachable).toHaveLength(0);
    const reference = new RoadGraphProvider(sut.graph, { algorithm: 'dijkstra' });
    const few = [0, 250, 500, 750, 999];
    const check = await reference.matrix(few.map((k) => sample[k]));
    few.forEach((i, a) => few.forEach((j, b) => expect(m.durationsS[i * 1000 + j]).toBeCloseTo(check.durationsS[a * 5 + b], 6)));
    // Across town by truck: minutes, not seconds or hours.
    expect(m.durationsS[1 * 1000 + 999]).toBeGreaterThan(60);
    expect(m.durationsS[1 * 1000 + 999]).toBeLessThan(3 * 3600);
  });

  it('draws a route along the streets', async () => {
    const sample = readClusters().slice(1000, 1004);
    const route = await sut.route(sample);
    expect(route.legs).toHaveLength(3);
    expect(route.coordinates.length).toBeGreaterThan(10);
  });
});

// Needs ../shared/data/delft/Delft.graphml.
const maybeDelft = delft ? describe : describe.skip;
maybeDelft('road graph: Delft GraphML (OSMnx)', () => {
  it('loads, merges two-way twins and routes across town', async () => {
    const sut = await RoadGraphProvider.fromFile(delft as string);
    expect(sut.graph.stats.nodes).toBeGreaterThan(2000);
    // 5,036 directed edges, most of them twins of two-way streets: far fewer road pieces.
    expect(sut.graph.edgeCount).toBeLessThan(3500);
    const station = { lng: 4.3567, lat: 52.0067 };
    const tu = { lng: 4.3731, lat: 51.9989 };
    const m = await sut.matrix([station, tu]);
    // 1.4 km as the crow flies; cars go round Delft's closed centre and one-way ring, so several km.
    expect(m.distancesM[1]).toBeGreaterThan(1400);
    expect(m.distancesM[1]).toBeLessThan(8000);
    expect(m.distancesM[1]).not.toBeCloseTo(m.distancesM[2], 0);
    expect(m.unreachable).toEqual([]);
  });
});

// Needs ../shared/data/amsterdam/osm/amsterdam-centrum.osm.gz.
const maybeCentrum = centrum ? describe : describe.skip;
maybeCentrum('road graph: OSM XML export of central Amsterdam', () => {
  it('reads the gzipped export and agrees with Dijkstra', async () => {
    const ch = await RoadGraphProvider.fromFile(centrum as string);
    expect(ch.graph.stats.nodes).toBeGreaterThan(50);
    const points: LngLat[] = Array.from({ length: 12 }, (_, k) => ({ lng: 4.8915 + (k % 4) * 0.003, lat: 52.3665 + Math.floor(k / 4) * 0.003 }));
    const a = await ch.matrix(points);
    const b = await new RoadGraphProvider(ch.graph, { algorithm: 'dijkstra' }).matrix(points);
    for (let k = 0; k < a.durationsS.length; k++) expect(a.durationsS[k]).toBeCloseTo(b.durationsS[k], 6);
  });
});

/**
 * Road-graph matrix benchmark on the whole-city Amsterdam drive graph
 * (../shared/data/amsterdam/roads/citywide_osm2009) with the real Rest
 * container clusters: graph load, contraction, matrices for 500/1,000/2,200
 * points (contraction hierarchy, and plain Dijkstra per source for
 * comparison), cache hits, memory. Prints figures; asserts nothing.
 *
 *   npm run bench:distances [-- --dijkstra-all]
 *
 * Last line: `distances points=<n> seconds=<s> ...` where seconds is the
 * cold 2,200-point matrix with the contraction hierarchy (graph loaded).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sharedPath } from '@vulgraad/config';
import { CachedMatrixProvider, MatrixCache, RoadGraphProvider, type LngLat } from '@vulgraad/distances';

const graphPath = sharedPath('data', 'amsterdam', 'roads', 'citywide_osm2009');
const clustersPath = sharedPath('data', 'amsterdam', 'containers', 'rest_clusters_2020-2021.csv');
const sitesPath = sharedPath('data', 'amsterdam', 'facilities', 'afvalpunten.geojson');

async function timed<T>(work: () => Promise<T> | T): Promise<{ value: T; wallS: number; cpuS: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, wallS: (performance.now() - start) / 1000, cpuS: (used.user + used.system) / 1e6 };
}

const fmt = (t: { wallS: number; cpuS: number }): string => `${t.wallS.toFixed(2)} s wall, ${t.cpuS.toFixed(2)} s cpu`;

async function main(): Promise<void> {
  if (!graphPath || !clustersPath) {
    console.log('distances skipped: the shared Amsterdam data (../shared/data/amsterdam) is absent');
    return;
  }
  const clusters: LngLat[] = readFileSync(clustersPath, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const f = line.split(',');
      return { lng: Number(f[3]), lat: Number(f[4]) };
    });
  // Disposal/drop-off sites as extra points, like a plan's depots and disposal sites.
  const sites: LngLat[] = sitesPath
    ? (JSON.parse(readFileSync(sitesPath, 'utf8')) as { features: Array<{ geometry: { coordinates: [number, number] } }> }).features.map((f) => ({ lng: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] }))
    : [];
  const stride = (n: number): LngLat[] => {
    const step = clusters.length / n;
    return Array.from({ length: n }, (_, k) => clusters[Math.floor(k * step)]);
  };

  console.log(`machine: ${process.version}, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const load = await timed(() => RoadGraphProvider.fromFile(graphPath));
  const provider = load.value;
  const s = provider.graph.stats;
  console.log(`graph load: ${fmt(load)} (${s.nodesRead} junctions read, ${s.nodes} kept in the largest strongly connected component, ${s.edges} road pieces, ${s.arcs} arcs)`);
  const hierarchyFolder = mkdtempSync(path.join(tmpdir(), 'vulgraad-bench-ch-'));
  const prep = await timed(() => provider.prepare());
  console.log(`contraction hierarchy: ${fmt(prep)}`);
  // The next start reads the stored hierarchy instead of contracting again.
  const storing = new RoadGraphProvider(provider.graph, { hierarchyCacheDir: hierarchyFolder });
  await timed(() => storing.prepare());
  const restarted = new RoadGraphProvider(provider.graph, { hierarchyCacheDir: hierarchyFolder });
  const reload = await timed(() => restarted.prepare());
  console.log(`contraction hierarchy read back from its cache file: ${fmt(reload)} (from cache: ${restarted.hierarchyFromCache})`);
  rmSync(hierarchyFolder, { recursive: true, force: true });

  const results: Record<number, number> = {};
  for (const n of [500, 1000, 2200]) {
    const points = [...stride(n - sites.length), ...sites];
    const run = await timed(() => provider.matrix(points));
    results[n] = run.wallS;
    const m = run.value;
    let max = 0;
    for (const d of m.durationsS) if (d > max) max = d;
    console.log(`matrix ${n} x ${n} (contraction hierarchy): ${fmt(run)}; unreachable pairs ${m.unreachable.length}; longest trip ${(max / 60).toFixed(1)} min`);
  }

  // A plan's route geometry: one truck's day of about 315 stops, in the order of the data (not optimised).
  const stops = stride(2200).slice(0, 315);
  const route = await timed(() => provider.route(stops));
  console.log(`route geometry, ${stops.length} stops: ${fmt(route)}; ${(route.value.distanceM / 1000).toFixed(1)} km, ${route.value.coordinates.length} vertices`);

  const dijkstraSizes = process.argv.includes('--dijkstra-all') ? [500, 1000, 2200] : [500];
  const reference = new RoadGraphProvider(provider.graph, { algorithm: 'dijkstra' });
  for (const n of dijkstraSizes) {
    const run = await timed(() => reference.matrix(stride(n)));
    console.log(`matrix ${n} x ${n} (Dijkstra per source, early stop): ${fmt(run)}`);
  }

  const folder = mkdtempSync(path.join(tmpdir(), 'vulgraad-bench-cache-'));
  try {
    const all = [...stride(2200 - sites.length), ...sites];
    const cached = new CachedMatrixProvider(provider, new MatrixCache({ directory: folder }));
    const fill = await timed(() => cached.matrix(all));
    const again = await timed(() => cached.matrix(all));
    const subset = all.filter((_, k) => k % 2 === 0);
    const sub = await timed(() => cached.matrix(subset));
    const restarted = new CachedMatrixProvider(provider, new MatrixCache({ directory: folder }));
    const disk = await timed(() => restarted.matrix(subset));
    console.log(`cache: first ${fmt(fill)} (computed and written), same points ${fmt(again)}, 1,100-point subset ${fmt(sub)}, subset after a restart from disk ${fmt(disk)}`);
    const memory = process.memoryUsage();
    console.log(`memory: rss ${(memory.rss / 1e6).toFixed(0)} MB, heap used ${(memory.heapUsed / 1e6).toFixed(0)} MB, array buffers ${(memory.arrayBuffers / 1e6).toFixed(0)} MB`);
    console.log(
      `distances points=2200 seconds=${results[2200].toFixed(2)} load_s=${load.wallS.toFixed(2)} prepare_s=${prep.wallS.toFixed(2)} prepare_cached_s=${reload.wallS.toFixed(2)} m500_s=${results[500].toFixed(2)} m1000_s=${results[1000].toFixed(2)} cached_s=${again.wallS.toFixed(3)} route315_s=${route.wallS.toFixed(2)} rss_mb=${(memory.rss / 1e6).toFixed(0)}`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

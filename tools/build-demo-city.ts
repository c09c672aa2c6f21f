// Builds the demo city that `npm start` runs, from the Amsterdam files of the
// shared data folder, into apps/all-in-one/demo-data/amsterdam/ (or --out DIR):
//   city.json            the residual clusters of two stadsdelen with their fill rates,
//                        paper and glass containers placed by vulgraad, depot and AEB
//   roads/drive_*.csv    the citywide OSM drive graph clipped to the area (DISTANCES_ROAD_GRAPH format)
//   basemap.json         streets with names and classes, and water, parks and buildings of the inner-city extract
//   ATTRIBUTION.md       sources, LICENSE.md the licences (ODbL for everything made from OpenStreetMap)
// The output depends only on the input files, so a rebuild gives the same bytes.
//
//   npm run build:demo-city [-- --out DIR]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sharedPath } from '@vulgraad/config';
import type { WasteFraction } from '@vulgraad/contracts';
import { featuresFromOsm, joinLines, OSM_ATTRIBUTION, streetRank, writeBasemapFile, type BasemapFeature } from '@vulgraad/basemap';
import { parseCsvRecords } from '@vulgraad/csv';
import { readOsmElements } from '@vulgraad/distances';
import {
  GENERATED_FRACTIONS, haversineM, loadAmsterdamCity, meanDepositL, writeCityFile,
  type CityContainer, type CityDistrict, type CityModel, type CitySite,
} from '@vulgraad/city-model';

/** The stadsdelen the demo holds. */
const DISTRICTS = [
  { stadsdeel: 'Centrum', id: 'ams-centrum', name: 'Centrum' },
  { stadsdeel: 'West', id: 'ams-west', name: 'West' },
] as const;
/** Sites are listed nearest first from here (Westermarkt, where Centrum meets West), so the demo's first N containers lie together in both districts. */
const DEMO_CENTRE = { lng: 4.8836, lat: 52.3746 };
/** Paper and glass are placed by us at every PAPER_EVERY-th and GLASS_EVERY-th residual site: the open data has no paper or glass locations. */
const PAPER_EVERY = 2;
const GLASS_EVERY = 3;
/** Paper and glass litres a day, as a share of the site's residual litres (assumed, not measured). */
const PAPER_SHARE = 0.3;
const GLASS_SHARE = 0.08;
const PAPER_VOLUME_L = 4000;
const GLASS_VOLUME_L = 3000;
/** Votes of the nearest inspection addresses that decide a cluster's stadsdeel. */
const NEIGHBOURS = 5;
/** The road graph and the base map reach this far beyond the sites, depot and disposal site. */
const MARGIN_M = 600;

interface Options {
  out: string;
}

function parseArgs(argv: readonly string[]): Options {
  let out = path.resolve(__dirname, '..', 'apps', 'all-in-one', 'demo-data', 'amsterdam');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) out = path.resolve(argv[++i] as string);
    else throw new Error(`unknown argument ${argv[i]} (expected --out DIR)`);
  }
  return { out };
}

function need(...parts: string[]): string {
  const file = sharedPath(...parts);
  if (!file) throw new Error(`${parts.join('/')} not found: set VULGRAAD_SHARED_DIR to the folder holding data/amsterdam`);
  return file;
}

/** Inspection addresses of the bijplaatsingen data: the only stadsdeel labels with positions in the shared data. */
function stadsdeelPoints(): Array<{ lng: number; lat: number; stadsdeel: string }> {
  const rows = parseCsvRecords(readFileSync(need('data', 'amsterdam', 'containers', 'bijplaatsingen_2025_per_address.csv'), 'utf8'));
  return rows
    .map((r) => ({ lng: Number(r.lon), lat: Number(r.lat), stadsdeel: r.stadsdeel ?? '' }))
    .filter((p) => Number.isFinite(p.lng) && Number.isFinite(p.lat) && p.stadsdeel !== '');
}

/** The stadsdeel most of the nearest NEIGHBOURS inspection addresses lie in (ties: the nearest). */
function stadsdeelOf(lng: number, lat: number, points: ReadonlyArray<{ lng: number; lat: number; stadsdeel: string }>): string {
  const kx = Math.cos((lat * Math.PI) / 180);
  const nearest: Array<{ d: number; stadsdeel: string }> = [];
  for (const p of points) {
    const dx = (p.lng - lng) * kx;
    const dy = p.lat - lat;
    const d = dx * dx + dy * dy;
    if (nearest.length < NEIGHBOURS || d < (nearest[nearest.length - 1] as { d: number }).d) {
      nearest.push({ d, stadsdeel: p.stadsdeel });
      nearest.sort((a, b) => a.d - b.d);
      if (nearest.length > NEIGHBOURS) nearest.pop();
    }
  }
  const votes = new Map<string, number>();
  for (const n of nearest) votes.set(n.stadsdeel, (votes.get(n.stadsdeel) ?? 0) + 1);
  let best = nearest[0]?.stadsdeel ?? '';
  for (const [name, count] of votes) if (count > (votes.get(best) ?? 0)) best = name;
  return best;
}

function placedContainer(site: CityContainer, fraction: WasteFraction, share: number, volumeL: number): CityContainer {
  const spec = GENERATED_FRACTIONS[fraction];
  const residualLitresPerDay = site.demand.depositsPerDay * meanDepositL(site.demand.depositVolumeL);
  return {
    id: '',
    externalRef: `placed-by-vulgraad:${fraction}:${site.externalRef ?? site.id}`,
    lng: site.lng,
    lat: site.lat,
    district: site.district,
    wasteType: fraction,
    containerType: 'underground',
    volumeL,
    depthMm: Math.round(1200 + 0.22 * volumeL),
    accessWindow: site.accessWindow,
    pitCount: 1,
    demand: { depositsPerDay: round((residualLitresPerDay * share) / meanDepositL(spec.depositVolumeL), 3), profile: site.demand.profile, depositVolumeL: spec.depositVolumeL },
    rateSource: `placed-by-vulgraad (${Math.round(share * 100)} % of the site's residual litres)`,
  };
}

/** The demo city: both stadsdelen's residual clusters, nearest to DEMO_CENTRE first, with the paper and glass we place beside them. */
function buildCity(): CityModel {
  const whole = loadAmsterdamCity({ seed: 1, districts: 7, idPrefix: 'ams-' });
  const points = stadsdeelPoints();
  const wanted = new Map<string, (typeof DISTRICTS)[number]>(DISTRICTS.map((d) => [d.stadsdeel, d]));
  const sites = whole.containers
    .map((c) => ({ c, stadsdeel: stadsdeelOf(c.lng, c.lat, points) }))
    .filter((s) => wanted.has(s.stadsdeel))
    .map((s) => ({ ...s.c, district: (wanted.get(s.stadsdeel) as (typeof DISTRICTS)[number]).id }))
    .map((c) => ({ c, d: haversineM(c.lng, c.lat, DEMO_CENTRE.lng, DEMO_CENTRE.lat) }))
    .sort((a, b) => a.d - b.d || (a.c.externalRef ?? '').localeCompare(b.c.externalRef ?? ''))
    .map((s) => s.c);

  const containers: CityContainer[] = [];
  sites.forEach((site, k) => {
    containers.push(site);
    if (k % PAPER_EVERY === 0) containers.push(placedContainer(site, 'paper', PAPER_SHARE, PAPER_VOLUME_L));
    if (k % GLASS_EVERY === 0) containers.push(placedContainer(site, 'glass', GLASS_SHARE, GLASS_VOLUME_L));
  });
  containers.forEach((c, i) => (c.id = `ams-${String(i + 1).padStart(5, '0')}`));

  const districts: CityDistrict[] = DISTRICTS.map((d) => {
    const members = containers.filter((c) => c.district === d.id);
    return { id: d.id, name: d.name, lng: round(mean(members.map((c) => c.lng)), 6), lat: round(mean(members.map((c) => c.lat)), 6), containerCount: members.length };
  });
  const seineweg = whole.depots.find((d) => d.name.includes('Seineweg'));
  if (!seineweg) throw new Error('afvalpunten.geojson has no Afvalpunt Seineweg');
  const depot: CitySite = { ...seineweg, id: 'ams-depot', name: `Depot at ${seineweg.name} (stands in for the city's truck depot, whose location is not public)` };
  const aeb = whole.disposalSites[0] as CitySite;
  const disposal: CitySite = { ...aeb, id: 'ams-disposal-aeb', fractions: ['residual', 'paper', 'glass'] };
  const counts = (fraction: WasteFraction): number => containers.filter((c) => c.wasteType === fraction).length;

  return {
    name: 'Amsterdam Centrum and West',
    kind: 'amsterdam',
    timezone: 'Europe/Amsterdam',
    seed: 1,
    centre: { ...DEMO_CENTRE },
    districts,
    containers,
    depots: [depot],
    disposalSites: [disposal],
    notes: [
      `Residual: the ${counts('residual')} real Rest clusters of stadsdelen Centrum and West (Gemeente Amsterdam open data, 2020-21), fill rates from their emptying weights as in the Amsterdam study model. Listed nearest to Westermarkt first; the demo takes the first DEMO_CONTAINERS of the wanted fractions.`,
      `Stadsdeel of a cluster: the one most of its ${NEIGHBOURS} nearest inspection addresses (bijplaatsingen 2025) lie in; approximate near the boundary.`,
      `Paper (${counts('paper')}) and glass (${counts('glass')}) are PLACED BY VULGRAAD, not the city's: the open data has no paper or glass locations. Paper at every ${PAPER_EVERY}nd residual site (${PAPER_VOLUME_L} L, ${PAPER_SHARE * 100} % of the site's residual litres a day), glass at every ${GLASS_EVERY}rd (${GLASS_VOLUME_L} L, ${GLASS_SHARE * 100} %). Their externalRef starts with placed-by-vulgraad.`,
      `Depot: ${seineweg.name}, standing in for the truck depot. Disposal: the AEB waste-to-energy plant (approximate location); paper and glass are unloaded there too in the demo.`,
    ],
  };
}

/** The citywide drive graph cut to the box around the sites, depot and disposal site (with MARGIN_M), in the same CSV format. */
function clipRoads(city: CityModel): { nodes: string; edges: string; box: [number, number, number, number]; kept: number; names: Array<{ kind: string; name: string | null; coords: number[] }> } {
  const places = [...city.containers, ...city.depots, ...city.disposalSites];
  const lat0 = mean(places.map((p) => p.lat));
  const dLat = MARGIN_M / 111_320;
  const dLng = MARGIN_M / (111_320 * Math.cos((lat0 * Math.PI) / 180));
  const box: [number, number, number, number] = [
    Math.min(...places.map((p) => p.lng)) - dLng, Math.min(...places.map((p) => p.lat)) - dLat,
    Math.max(...places.map((p) => p.lng)) + dLng, Math.max(...places.map((p) => p.lat)) + dLat,
  ];
  const inside = (lng: number, lat: number): boolean => lng >= box[0] && lng <= box[2] && lat >= box[1] && lat <= box[3];
  const folder = need('data', 'amsterdam', 'roads', 'citywide_osm2009');
  const nodeRows = parseCsvRecords(readFileSync(path.join(folder, 'drive_nodes.csv'), 'utf8'));
  const position = new Map(nodeRows.map((r) => [r.node_id as string, { lon: r.lon as string, lat: r.lat as string }]));
  const edgeRows = parseCsvRecords(readFileSync(path.join(folder, 'drive_edges.csv'), 'utf8'));
  const usedNodes = new Set<string>();
  const edgeLines: string[] = ['u,v,length_m,highway,oneway,maxspeed,name,geometry_wkt'];
  const names: Array<{ kind: string; name: string | null; coords: number[] }> = [];
  let kept = 0;
  for (const e of edgeRows) {
    const u = position.get(e.u ?? '');
    const v = position.get(e.v ?? '');
    if (!u || !v || !(inside(Number(u.lon), Number(u.lat)) || inside(Number(v.lon), Number(v.lat)))) continue;
    usedNodes.add(e.u as string);
    usedNodes.add(e.v as string);
    kept++;
    edgeLines.push([e.u, e.v, e.length_m, e.highway, e.oneway, e.maxspeed, e.name, e.geometry_wkt].map((f) => csvField(f ?? '')).join(','));
    const coords = (e.geometry_wkt ?? '').replace(/^LINESTRING\(|\)$/g, '').split(',').flatMap((pair) => pair.trim().split(/\s+/).map(Number));
    names.push({ kind: e.highway ?? 'road', name: e.name || null, coords });
  }
  const nodeLines = ['node_id,lon,lat', ...nodeRows.filter((r) => usedNodes.has(r.node_id as string)).map((r) => `${r.node_id},${r.lon},${r.lat}`)];
  return { nodes: `${nodeLines.join('\n')}\n`, edges: `${edgeLines.join('\n')}\n`, box, kept, names };
}

/** Streets of the clipped drive graph, and from the inner-city extract what the drive graph lacks: water, parks, buildings, footways and cycleways. */
async function buildBasemap(streets: Array<{ kind: string; name: string | null; coords: number[] }>, box: [number, number, number, number]): Promise<BasemapFeature[]> {
  const features: BasemapFeature[] = joinLines(streets).map((s) => ({ layer: 'street', kind: s.kind, name: s.name, parts: [s.coords.map((v) => round(v, 7))] }));
  const centrum = featuresFromOsm(await readOsmElements(need('data', 'amsterdam', 'osm', 'amsterdam-centrum.osm.gz')));
  for (const f of centrum) {
    if (f.layer === 'street' && streetRank(f.kind) < 6) continue;
    const touches = f.parts.some((part) => {
      for (let i = 0; i < part.length; i += 2) if (part[i]! >= box[0] && part[i]! <= box[2] && part[i + 1]! >= box[1] && part[i + 1]! <= box[3]) return true;
      return false;
    });
    if (touches) features.push(f);
  }
  return features;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const city = buildCity();
  const roads = clipRoads(city);
  const basemap = await buildBasemap(roads.names, roads.box);

  mkdirSync(path.join(options.out, 'roads'), { recursive: true });
  writeFileSync(path.join(options.out, 'city.json'), writeCityFile(city));
  writeFileSync(path.join(options.out, 'roads', 'drive_nodes.csv'), roads.nodes);
  writeFileSync(path.join(options.out, 'roads', 'drive_edges.csv'), roads.edges);
  writeFileSync(
    path.join(options.out, 'basemap.json'),
    writeBasemapFile({ features: basemap, attribution: `${OSM_ATTRIBUTION} · Containers: Gemeente Amsterdam` }, 'ODbL-1.0 (OpenStreetMap data); containers: Gemeente Amsterdam open data'),
  );
  writeFileSync(path.join(options.out, 'ATTRIBUTION.md'), attribution(city, roads.kept, basemap));
  writeFileSync(path.join(options.out, 'LICENSE.md'), LICENSE);
  const line = (what: string, n: number): string => `  ${what}: ${n}`;
  process.stdout.write(
    [
      `demo city written to ${options.out}`,
      line('containers', city.containers.length),
      ...city.districts.map((d) => line(`  ${d.name}`, d.containerCount)),
      line('road edges', roads.kept),
      line('base map features', basemap.length),
    ].join('\n') + '\n',
  );
}

function attribution(city: CityModel, edges: number, basemap: readonly BasemapFeature[]): string {
  const layers = new Map<string, number>();
  for (const f of basemap) layers.set(f.layer, (layers.get(f.layer) ?? 0) + 1);
  return `# The Amsterdam demo city: sources and licences

Built by \`npm run build:demo-city\` (tools/build-demo-city.ts) from the shared Amsterdam data
(data/amsterdam/, see its PROVENANCE.md). Rebuild it with the same command; the output depends
only on those files.

## city.json: containers, depot, disposal site

- Residual-waste clusters: **Gemeente Amsterdam** open data ("huishoudelijkafval", weighings
  2020-21, via the Snap4Waste aggregation; positions from the RD coordinates in the cluster ids).
  Attribute "Gemeente Amsterdam".
- Stadsdelen: assigned from the Gemeente Amsterdam "bijplaatsingen" inspection addresses (nearest
  ${NEIGHBOURS}, majority), so approximate near a boundary.
- **Paper and glass containers are placed by vulgraad**, not taken from the city: the open data
  has no paper or glass locations. Their \`externalRef\` starts with \`placed-by-vulgraad\`.
- Depot: the Afvalpunt Seineweg (facts from the city's Mijn Amsterdam app) stands in for the
  truck depot. Disposal: the AEB plant, approximate location typed in by hand.

${city.notes.map((n) => `- ${n}`).join('\n')}

## roads/: the drive graph (${edges} edges) and basemap.json (${basemap.length} features)

**© OpenStreetMap contributors.** Both are derived from OpenStreetMap data and are available
under the **Open Database License 1.0 (ODbL)**: https://opendatacommons.org/licenses/odbl/1-0/
(full text there; a summary: you may share and adapt the data as long as you attribute
OpenStreetMap and its contributors and keep derived databases under the ODbL).

- roads/drive_nodes.csv, roads/drive_edges.csv: the citywide drive graph of Amsterdam (OSM of
  about 2009, as shared in data/amsterdam/roads/citywide_osm2009/) cut to the box around the
  containers, the depot and the disposal site plus ${MARGIN_M} m.
- basemap.json: the streets of that graph (names and classes), and from the inner-city OSM export
  (data/amsterdam/osm/amsterdam-centrum.osm.gz, about Nieuwmarkt, Waterlooplein and
  Rembrandtplein) its water, parks, buildings, footways and cycleways. Layers: ${[...layers.entries()].map(([k, v]) => `${k} ${v}`).join(', ')}.

The dashboard shows "${OSM_ATTRIBUTION} · Containers: Gemeente Amsterdam" on the map.
`;
}

/** The notice OpenStreetMap asks derived databases to carry (the licence's full text is at the address given). */
const LICENSE = `# Licences of this folder

## roads/ and basemap.json: Open Database License 1.0 (ODbL)

These files are derived from OpenStreetMap data, © OpenStreetMap contributors.
They are made available under the Open Database License 1.0:
https://opendatacommons.org/licenses/odbl/1-0/ . Any rights in individual contents
of the database are licensed under the Database Contents License:
https://opendatacommons.org/licenses/dbcl/1-0/ .

Use, share and adapt them under those terms: attribute "© OpenStreetMap contributors",
keep any adapted database under the ODbL, and keep it open. Where the map is shown, the
dashboard shows "© OpenStreetMap contributors (ODbL)".

## city.json

Residual-waste clusters, their weighings and the inspection addresses: Gemeente Amsterdam open
data ("openbaar"), attribute "Gemeente Amsterdam". The Afvalpunt Seineweg's facts come from the
city's Mijn Amsterdam app. Paper and glass containers, the stadsdeel assignment and the fill
rates are vulgraad's own, made by tools/build-demo-city.ts. See ATTRIBUTION.md.
`;

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

main().catch((error: unknown) => {
  process.stderr.write(`build-demo-city: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { parseCsvRows, parseWktLineString } from '@vulgraad/distances';
import { testPostgresUrl } from '../support/services';
import { type AllInOneProcess, startAllInOneProcess } from '../all-in-one/support/all-in-one-process';
import { CHROMIUM, loginAs, openBrowser, type Browser } from './support/browser';

jest.setTimeout(300_000);

const REPO = path.resolve(__dirname, '..', '..');
const ROADS = path.join(REPO, 'apps', 'all-in-one', 'demo-data', 'amsterdam', 'roads');
// Screenshots go to docs/ when VULGRAAD_SCREENSHOTS=docs (to refresh the README's pictures), else to a temp folder.
const SHOTS = process.env.VULGRAAD_SCREENSHOTS === 'docs' ? path.join(REPO, 'docs') : path.join(tmpdir(), 'vulgraad-screenshots');
// Chromium comes from Debian (.ci/run installs it); without it the browser tests cannot run at all.
const maybe = existsSync(CHROMIUM) ? describe : describe.skip;

/** What the page exposes of its map layers, typed just enough for these checks. */
interface DemoPage {
  vulgraad: {
    ready: boolean;
    map: { setView(center: [number, number], zoom: number): void; getZoom(): number };
    basemap: { complete: boolean; stats: { labels: Array<{ text: string; x: number; y: number }> }; canvas: { getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } } };
    routes: { routes: Array<{ vehicleId: string; roadGeometry: boolean; coordinates: Array<[number, number]>; stops: Array<{ n: number; lng: number; lat: number }> }>; stats: { numbers: number; arrows: number } };
  };
  devicePixelRatio: number;
  document: { querySelector(selector: string): { textContent: string | null; getBoundingClientRect(): { left: number; top: number; right: number; bottom: number; width: number; height: number } } | null };
  innerWidth: number;
  innerHeight: number;
}

/** The road graph's edges as segments in metres around a reference point, on a 50 m grid, to measure how far a point is from the nearest road. */
class RoadSegments {
  private readonly grid = new Map<string, number[]>();
  private readonly segments: number[] = [];
  private readonly kx: number;
  private readonly ky = 111_320;

  constructor(folder: string, lat0 = 52.37) {
    this.kx = 111_320 * Math.cos((lat0 * Math.PI) / 180);
    let col = -1;
    parseCsvRows(readFileSync(path.join(folder, 'drive_edges.csv'), 'utf8'), (fields) => {
      if (col < 0) {
        col = fields.indexOf('geometry_wkt');
        return;
      }
      const coords = parseWktLineString(fields[col] ?? '') ?? [];
      for (let i = 2; i < coords.length; i += 2) this.add(coords[i - 2]!, coords[i - 1]!, coords[i]!, coords[i + 1]!);
    });
  }

  private add(lng1: number, lat1: number, lng2: number, lat2: number): void {
    const id = this.segments.length;
    const [x1, y1, x2, y2] = [lng1 * this.kx, lat1 * this.ky, lng2 * this.kx, lat2 * this.ky];
    this.segments.push(x1, y1, x2, y2);
    for (let cx = Math.floor(Math.min(x1, x2) / 50); cx <= Math.floor(Math.max(x1, x2) / 50); cx++) {
      for (let cy = Math.floor(Math.min(y1, y2) / 50); cy <= Math.floor(Math.max(y1, y2) / 50); cy++) {
        const key = `${cx}:${cy}`;
        const list = this.grid.get(key);
        if (list) list.push(id);
        else this.grid.set(key, [id]);
      }
    }
  }

  /** Metres from the point to the nearest edge (Infinity beyond 100 m). */
  distanceM(lng: number, lat: number): number {
    const x = lng * this.kx;
    const y = lat * this.ky;
    let best = Infinity;
    for (let cx = Math.floor(x / 50) - 2; cx <= Math.floor(x / 50) + 2; cx++) {
      for (let cy = Math.floor(y / 50) - 2; cy <= Math.floor(y / 50) + 2; cy++) {
        for (const id of this.grid.get(`${cx}:${cy}`) ?? []) {
          const [x1, y1, x2, y2] = this.segments.slice(id, id + 4) as [number, number, number, number];
          const dx = x2 - x1;
          const dy = y2 - y1;
          const len2 = dx * dx + dy * dy;
          const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / len2));
          best = Math.min(best, Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy)));
        }
      }
    }
    return best;
  }
}

// `npm start` as a newcomer runs it (no shared data folder beside it), in a real browser: the
// Amsterdam demo's routes follow the streets of its road graph, and the base map is drawn from
// the shipped OpenStreetMap data with street names and its attribution.
maybe('the Amsterdam demo on its own streets, in a real browser', () => {
  let scratch: ScratchDatabase;
  let demo: AllInOneProcess | null = null;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'demomap' });
    demo = await startAllInOneProcess({
      VULGRAAD_SHARED_DIR: path.join(tmpdir(), 'vulgraad-no-shared-data-here'),
      DATABASE_URL: scratch.url,
      MQTT_URL: '',
      REDIS_URL: '',
      GATEWAY_PORT: '0',
      EMBEDDED_MQTT_PORT: '0',
      DISTANCES_ROAD_GRAPH: '',
      GATEWAY_BASEMAP: '',
      GATEWAY_TILE_URL: '',
      LOG_LEVEL: 'warn',
    });
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.stop('SIGTERM');
    await scratch?.drop();
  });

  it('starts on the shipped Amsterdam extract and plans on its road graph', () => {
    const out = demo!.output();
    expect(out).toMatch(/demo city Amsterdam Centrum and West: registered 360 containers/);
    expect(out).toMatch(/demo roads: plans follow the streets of apps\/all-in-one\/demo-data\/amsterdam\/roads/);
  });

  it('draws routes along the streets, with arrows and stop numbers, within a few metres of the road graph', async () => {
    const page = browser.page;
    await loginAs(page, demo!.url.replace(/\/$/, ''), 'admin', 'vulgraad-demo');
    await page.waitForFunction(() => ((globalThis as unknown as DemoPage).vulgraad.routes.routes.length ?? 0) > 0, undefined, { timeout: 120_000 });
    const routes = await page.evaluate(() => (globalThis as unknown as DemoPage).vulgraad.routes.routes.map((r) => ({ vehicleId: r.vehicleId, roadGeometry: r.roadGeometry, coordinates: r.coordinates, stops: r.stops })));
    expect(routes.every((r) => r.roadGeometry)).toBe(true);
    const roads = new RoadSegments(ROADS);
    const route = routes.reduce((a, b) => (b.coordinates.length > a.coordinates.length ? b : a));
    // A path along streets bends at the junctions: far more points than stops.
    expect(route.coordinates.length).toBeGreaterThan(route.stops.length * 3);
    const distances = route.coordinates.map(([lng, lat]) => roads.distanceM(lng, lat));
    expect(Math.max(...distances)).toBeLessThan(3);

    const first = route.stops[0]!;
    await page.evaluate(([lat, lng]) => (globalThis as unknown as DemoPage).vulgraad.map.setView([lat, lng], 16), [first.lat, first.lng] as const);
    await page.waitForFunction(() => (globalThis as unknown as DemoPage).vulgraad.routes.stats.numbers > 0);
    const stats = await page.evaluate(() => (globalThis as unknown as DemoPage).vulgraad.routes.stats);
    expect(stats.numbers).toBeGreaterThan(0);
    expect(stats.arrows).toBeGreaterThan(0);
  });

  it('zoomed to street level, the base map names the streets, and the attribution is on screen', async () => {
    const page = browser.page;
    // The Jordaan, between Westermarkt and the Noordermarkt.
    await page.evaluate(() => (globalThis as unknown as DemoPage).vulgraad.map.setView([52.3762, 4.8840], 17));
    await page.waitForFunction(() => {
      const b = (globalThis as unknown as DemoPage).vulgraad.basemap;
      return b.complete && b.stats.labels.length > 0;
    }, undefined, { timeout: 30_000 });
    const labels = await page.evaluate(() => (globalThis as unknown as DemoPage).vulgraad.basemap.stats.labels);
    const names = new Set<string>();
    let col = -1;
    parseCsvRows(readFileSync(path.join(ROADS, 'drive_edges.csv'), 'utf8'), (fields) => {
      if (col < 0) col = fields.indexOf('name');
      else if (fields[col]) names.add(fields[col]!);
    });
    expect(labels.some((l) => names.has(l.text))).toBe(true);
    // The name is ink on the canvas: dark pixels where it was placed.
    const label = labels[0]!;
    const dark = await page.evaluate(({ x, y }) => {
      const g = globalThis as unknown as DemoPage;
      const r = g.devicePixelRatio || 1;
      const data = g.vulgraad.basemap.canvas.getContext('2d').getImageData(Math.round((x - 12) * r), Math.round((y - 6) * r), Math.round(24 * r), Math.round(12 * r)).data;
      let count = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! < 110 && data[i + 1]! < 110 && data[i + 2]! < 110) count++;
      return count;
    }, label);
    expect(dark).toBeGreaterThan(0);

    const attribution = await page.evaluate(() => {
      const g = globalThis as unknown as DemoPage;
      const el = g.document.querySelector('.leaflet-control-attribution');
      if (!el) return null;
      const box = el.getBoundingClientRect();
      return { text: el.textContent, onScreen: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0 && box.right <= g.innerWidth && box.bottom <= g.innerHeight };
    });
    expect(attribution).toEqual({ text: expect.stringMatching(/© OpenStreetMap contributors/), onScreen: true });
    expect(attribution?.text).toMatch(/Gemeente Amsterdam/);
    await page.screenshot({ path: path.join(SHOTS, 'demo-street-level.png') });

    // The whole demo area, for the README.
    await page.evaluate(() => (globalThis as unknown as DemoPage).vulgraad.map.setView([52.3765, 4.8790], 15));
    await page.waitForFunction(() => (globalThis as unknown as DemoPage).vulgraad.basemap.complete);
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SHOTS, 'demo-amsterdam.png') });
  });
});

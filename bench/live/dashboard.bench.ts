/**
 * npm run bench:dashboard
 *
 * Is the dashboard usable with 10,000 containers and 100 updates a second?
 * A real gateway (in this process, on a scratch PostgreSQL) serves a city of
 * BENCH_DASHBOARD_CONTAINERS containers to Debian's Chromium; container
 * states are published on the gateway's event bus at BENCH_DASHBOARD_RATE a
 * second for BENCH_DASHBOARD_SECONDS, zoomed out (clusters) and then zoomed
 * in (every container drawn), with the map panned a little every second so
 * every layer redraws. Prints how long a redraw of the container layer takes,
 * how long one of the offline base map (the Amsterdam demo's streets, water
 * and buildings under a city laid over Amsterdam), how many frames the page
 * managed, and how many updates the page applied: first with the base map
 * left out (?basemap=off), then with it (BENCH_DASHBOARD_BASEMAP=on|off runs
 * one of them). Last line (the base map's own figures added at its end):
 *   dashboard containers=<n> updates_per_s=<n> draw_ms_p50=<x> draw_ms_p99=<x> fps=<x> applied=<n>/<n> basemap=<on|off> basemap_draw_ms_p99=<x|->
 */
import path from 'node:path';
import { createScratchDatabase } from '@vulgraad/database';
import { InProcessEventBus } from '@vulgraad/events';
import type { ContainerStateChanged } from '@vulgraad/contracts';
import { loginAs, openBrowser } from '../../test/browser/support/browser';
import { ADMIN_PASSWORD, startGateway } from '../../test/gateway/support/gateway-app';
import { seedGeneratedCity } from '../../test/browser/support/stack';
import { runMain } from '../run-main';

const CONTAINERS = Number(process.env.BENCH_DASHBOARD_CONTAINERS ?? 10_000);
const RATE = Number(process.env.BENCH_DASHBOARD_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_DASHBOARD_SECONDS ?? 10);
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MODES = (process.env.BENCH_DASHBOARD_BASEMAP ?? 'off,on').split(',').map((m) => m.trim());
if (MODES.length === 0 || MODES.some((m) => m !== 'on' && m !== 'off')) throw new Error(`BENCH_DASHBOARD_BASEMAP must be on, off or off,on; got "${process.env.BENCH_DASHBOARD_BASEMAP}"`);
const BASEMAP = path.resolve(__dirname, '..', '..', 'apps', 'all-in-one', 'demo-data', 'amsterdam', 'basemap.json');
/** Where the city is laid: the Jordaan, where the demo's base map has streets, water and buildings nearby. */
const CENTRE = { lng: 4.8836, lat: 52.3746 };
const log = (line: string): void => void process.stdout.write(`${line}\n`);

interface PageStats {
  frames: number;
  draws: number[];
  basemapDraws: number[];
  applied: number;
}

interface BenchPage {
  vulgraad: {
    stats: { updates: number };
    containers: Map<string, unknown>;
    layer: { stats: { recentDrawMs: number[] } };
    basemap?: { stats: { recentDrawMs: number[] }; complete: boolean };
    map: { setView(p: [number, number], z: number): void; panBy(offset: [number, number]): void };
  };
  location: { href: string };
  requestAnimationFrame(cb: () => void): void;
  __bench: { frames: number; updates0: number };
}

const quantile = (values: number[], p: number): string => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? '-' : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!.toFixed(1);
};

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(DATABASE_URL, { prefix: 'benchdash', poolSize: 4 });
  const bus = new InProcessEventBus();
  const browser = await openBrowser();
  try {
    const { city } = await seedGeneratedCity(scratch.db, CONTAINERS, 'bd', CENTRE);
    const running = await startGateway({ db: scratch.db, bus, env: { GATEWAY_LIVE_FLUSH_MS: '40', GATEWAY_BASEMAP: BASEMAP } });
    const page = browser.page;
    const fill = new Map(city.containers.map((c) => [c.id, 20]));
    let last = '';
    await loginAs(page, running.url, 'admin', ADMIN_PASSWORD);
    for (const mode of MODES) {
      // The login stays in the tab: each mode is a fresh page load with or without the base map.
      await page.goto(mode === 'off' ? `${running.url}/?basemap=off` : `${running.url}/`);
      await page.waitForFunction(() => (globalThis as unknown as { vulgraad?: { ready: boolean } }).vulgraad?.ready === true, undefined, { timeout: 30_000 });
      const shown = await page.evaluate(() => (globalThis as unknown as BenchPage).vulgraad.containers.size);
      const hasBasemap = await page.evaluate(() => Boolean((globalThis as unknown as BenchPage).vulgraad.basemap));
      log(`dashboard: base map ${mode} (${hasBasemap ? 'drawn' : 'not drawn'}): ${shown} containers on the page, ${RATE} updates/s for ${SECONDS} s per view`);
      const results: Array<{ view: string; stats: PageStats; sent: number }> = [];
      for (const view of ['zoomed out (clusters)', 'zoomed in (every container)']) {
        const zoom = view.startsWith('zoomed in') ? 16 : 14;
        await page.evaluate(([lat, lng, z]) => (globalThis as unknown as BenchPage).vulgraad.map.setView([lat!, lng!], z!), [CENTRE.lat, CENTRE.lng, zoom]);
        await page.waitForFunction(() => (globalThis as unknown as BenchPage).vulgraad.basemap?.complete ?? true, undefined, { timeout: 30_000 });
        await page.evaluate(() => {
          const g = globalThis as unknown as BenchPage;
          g.vulgraad.layer.stats.recentDrawMs.length = 0;
          if (g.vulgraad.basemap) g.vulgraad.basemap.stats.recentDrawMs.length = 0;
          g.__bench = { frames: 0, updates0: g.vulgraad.stats.updates };
          const tick = (): void => {
            g.__bench.frames++;
            g.requestAnimationFrame(tick);
          };
          g.requestAnimationFrame(tick);
        });
        const started = Date.now();
        let sent = 0;
        let pans = 0;
        while (Date.now() - started < SECONDS * 1000) {
          const due = Math.floor(((Date.now() - started) / 1000) * RATE) - sent;
          for (let k = 0; k < due; k++) {
            const c = city.containers[(sent + k) % city.containers.length]!;
            const next = ((fill.get(c.id) ?? 0) + 37) % 100;
            fill.set(c.id, next);
            const state: ContainerStateChanged = { containerId: c.id, district: c.district, wasteType: c.wasteType, deviceId: 'bench', fillPct: next, temperatureC: 12, batteryPct: 80, flags: [], measuredAt: new Date().toISOString() };
            await bus.publish('container.state', state);
          }
          sent += Math.max(0, due);
          // A planner looking around: a small pan every second, back and forth.
          if (Date.now() - started > (pans + 1) * 1000) {
            pans++;
            await page.evaluate((dx) => (globalThis as unknown as BenchPage).vulgraad.map.panBy([dx, 0]), pans % 2 === 0 ? 60 : -60);
          }
          await new Promise((r) => setTimeout(r, 10));
        }
        await new Promise((r) => setTimeout(r, 500));
        const stats = await page.evaluate(() => {
          const g = globalThis as unknown as BenchPage;
          return { frames: g.__bench.frames, draws: [...g.vulgraad.layer.stats.recentDrawMs], basemapDraws: [...(g.vulgraad.basemap?.stats.recentDrawMs ?? [])], applied: g.vulgraad.stats.updates - g.__bench.updates0 };
        });
        results.push({ view, stats, sent });
        log(
          `dashboard: base map ${mode}, ${view}: ${stats.draws.length} redraws, draw p50 ${quantile(stats.draws, 0.5)} ms, p99 ${quantile(stats.draws, 0.99)} ms; ` +
            `base map ${stats.basemapDraws.length} redraws, p99 ${quantile(stats.basemapDraws, 0.99)} ms; ${(stats.frames / (SECONDS + 0.5)).toFixed(0)} frames/s; ${stats.applied} of ${sent} updates applied`,
        );
      }
      const all = results.flatMap((r) => r.stats.draws);
      const basemapAll = results.flatMap((r) => r.stats.basemapDraws);
      const fps = results.reduce((a, r) => a + r.stats.frames, 0) / (results.length * (SECONDS + 0.5));
      const applied = results.reduce((a, r) => a + r.stats.applied, 0);
      const sent = results.reduce((a, r) => a + r.sent, 0);
      last = `dashboard containers=${shown} updates_per_s=${RATE} draw_ms_p50=${quantile(all, 0.5)} draw_ms_p99=${quantile(all, 0.99)} fps=${fps.toFixed(0)} applied=${applied}/${sent} basemap=${mode} basemap_draw_ms_p99=${quantile(basemapAll, 0.99)}`;
      log(last);
    }
    await running.close();
  } finally {
    await browser.close();
    await scratch.drop();
  }
}

runMain(main);

/**
 * npm run bench:dashboard
 *
 * Is the dashboard usable with 10,000 containers and 100 updates a second?
 * A real gateway (in this process, on a scratch PostgreSQL) serves a city of
 * BENCH_DASHBOARD_CONTAINERS containers to Debian's Chromium; container
 * states are published on the gateway's event bus at BENCH_DASHBOARD_RATE a
 * second for BENCH_DASHBOARD_SECONDS, zoomed out (clusters) and then zoomed
 * in (every container drawn). Prints how long a redraw of the map layer takes,
 * how many frames the page managed, and how many updates the page applied.
 * Last line:
 *   dashboard containers=<n> updates_per_s=<n> draw_ms_p50=<x> draw_ms_p99=<x> fps=<x> applied=<n>/<n>
 */
import { createScratchDatabase } from '@vulgraad/database';
import { InProcessEventBus } from '@vulgraad/events';
import type { ContainerStateChanged } from '@vulgraad/contracts';
import { loginAs, openBrowser } from '../../test/browser/support/browser';
import { ADMIN_PASSWORD, startGateway } from '../../test/gateway/support/gateway-app';
import { seedGeneratedCity } from '../../test/browser/support/stack';

const CONTAINERS = Number(process.env.BENCH_DASHBOARD_CONTAINERS ?? 10_000);
const RATE = Number(process.env.BENCH_DASHBOARD_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_DASHBOARD_SECONDS ?? 10);
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const log = (line: string): void => void process.stdout.write(`${line}\n`);

interface PageStats {
  frames: number;
  draws: number[];
  applied: number;
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(DATABASE_URL, { prefix: 'benchdash', poolSize: 4 });
  const bus = new InProcessEventBus();
  const browser = await openBrowser();
  try {
    const { city } = await seedGeneratedCity(scratch.db, CONTAINERS, 'bd');
    const running = await startGateway({ db: scratch.db, bus, env: { GATEWAY_LIVE_FLUSH_MS: '40' } });
    const page = browser.page;
    await loginAs(page, running.url, 'admin', ADMIN_PASSWORD);
    const shown = await page.evaluate(() => (globalThis as unknown as { vulgraad: { containers: Map<string, unknown> } }).vulgraad.containers.size);
    log(`dashboard: ${shown} containers on the page, ${RATE} updates/s for ${SECONDS} s per view`);

    const fill = new Map(city.containers.map((c) => [c.id, 20]));
    const results: Array<{ view: string; stats: PageStats; sent: number }> = [];
    for (const view of ['zoomed out (clusters)', 'zoomed in (every container)']) {
      if (view.startsWith('zoomed in')) {
        const c = city.containers[0]!;
        await page.evaluate(([lat, lng]) => (globalThis as unknown as { vulgraad: { map: { setView(p: [number, number], z: number): void } } }).vulgraad.map.setView([lat!, lng!], 16), [c.lat, c.lng]);
      }
      await page.evaluate(() => {
        const g = globalThis as unknown as { vulgraad: { stats: { updates: number }; layer: { stats: { recentDrawMs: number[] } } }; requestAnimationFrame(cb: () => void): void; __bench: { frames: number; updates0: number } };
        g.vulgraad.layer.stats.recentDrawMs.length = 0;
        g.__bench = { frames: 0, updates0: g.vulgraad.stats.updates };
        const tick = (): void => {
          g.__bench.frames++;
          g.requestAnimationFrame(tick);
        };
        g.requestAnimationFrame(tick);
      });
      const started = Date.now();
      let sent = 0;
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
        await new Promise((r) => setTimeout(r, 10));
      }
      await new Promise((r) => setTimeout(r, 500));
      const stats = await page.evaluate(() => {
        const g = globalThis as unknown as { vulgraad: { stats: { updates: number }; layer: { stats: { recentDrawMs: number[] } } }; __bench: { frames: number; updates0: number } };
        return { frames: g.__bench.frames, draws: [...g.vulgraad.layer.stats.recentDrawMs], applied: g.vulgraad.stats.updates - g.__bench.updates0 };
      });
      results.push({ view, stats, sent });
      const draws = [...stats.draws].sort((a, b) => a - b);
      const q = (p: number): string => (draws.length === 0 ? '-' : draws[Math.min(draws.length - 1, Math.floor(draws.length * p))]!.toFixed(1));
      log(`dashboard: ${view}: ${draws.length} redraws, draw p50 ${q(0.5)} ms, p99 ${q(0.99)} ms; ${(stats.frames / (SECONDS + 0.5)).toFixed(0)} frames/s; ${stats.applied} of ${sent} updates applied`);
    }
    const all = results.flatMap((r) => r.stats.draws).sort((a, b) => a - b);
    const at = (p: number): string => all[Math.min(all.length - 1, Math.floor(all.length * p))]!.toFixed(1);
    const fps = results.reduce((a, r) => a + r.stats.frames, 0) / (results.length * (SECONDS + 0.5));
    const applied = results.reduce((a, r) => a + r.stats.applied, 0);
    const sent = results.reduce((a, r) => a + r.sent, 0);
    log(`dashboard containers=${shown} updates_per_s=${RATE} draw_ms_p50=${at(0.5)} draw_ms_p99=${at(0.99)} fps=${fps.toFixed(0)} applied=${applied}/${sent}`);
    await running.close();
  } finally {
    await browser.close();
    await scratch.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

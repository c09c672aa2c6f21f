import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (installed by .ci/run), launched as STACK-NOTES says, with a fresh profile. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** An element as the tests touch it (the project has no DOM typings; page functions run in the browser). */
export interface PageElement {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  className: string;
  classList: { remove(name: string): void };
  scrollTo(x: number, y: number): void;
}

/** The globals of the dashboard page, typed just enough for the tests. */
export interface PageGlobals {
  vulgraad: {
    ready: boolean;
    containers: Map<string, { fillPct: number | null }>;
    map: { setView(center: [number, number], zoom: number): void };
    layer: {
      pointOf(id: string): { x: number; y: number } | null;
      canvas: { getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
      ratio: number;
      stats: { drawnItems: number };
      drawn: Array<{ kind: string; n?: number }>;
    };
  };
  document: { getElementById(id: string): PageElement | null; querySelectorAll(selector: string): { length: number } };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openBrowser(viewport = { width: 1400, height: 900 }): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'vulgraad-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Logs in through the form and waits until the live feed has delivered its snapshots. */
export async function loginAs(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.fill('#login-form input[name=username]', username);
  await page.fill('#login-form input[name=password]', password);
  await page.click('#login-form button[type=submit]');
  await page.waitForFunction(() => (globalThis as unknown as Partial<PageGlobals>).vulgraad?.ready === true, undefined, { timeout: 30_000 });
}

/** The colour on screen at a container's position: the pixel of the map canvas there, as [r, g, b]. */
export async function colourAt(page: Page, containerId: string): Promise<[number, number, number] | null> {
  return page.evaluate((id) => {
    const v = (globalThis as unknown as PageGlobals).vulgraad;
    const p = v.layer.pointOf(id);
    if (!p) return null;
    const data = v.layer.canvas.getContext('2d').getImageData(Math.round(p.x * v.layer.ratio), Math.round(p.y * v.layer.ratio), 1, 1).data;
    return [data[0]!, data[1]!, data[2]!] as [number, number, number];
  }, containerId);
}

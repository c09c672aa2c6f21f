import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (installed by .ci/run), launched as STACK-NOTES says, with a fresh profile. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

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
  await page.waitForFunction(() => (window as unknown as { vulgraad?: { ready: boolean } }).vulgraad?.ready === true, undefined, { timeout: 30_000 });
}

/** The colour on screen at a container's position: the pixel of the map canvas there, as [r, g, b]. */
export async function colourAt(page: Page, containerId: string): Promise<[number, number, number] | null> {
  return page.evaluate((id) => {
    const v = (window as unknown as { vulgraad: { layer: { pointOf(id: string): { x: number; y: number } | null; canvas: HTMLCanvasElement; ratio: number } } }).vulgraad;
    const p = v.layer.pointOf(id);
    if (!p) return null;
    const data = v.layer.canvas.getContext('2d')!.getImageData(Math.round(p.x * v.layer.ratio), Math.round(p.y * v.layer.ratio), 1, 1).data;
    return [data[0]!, data[1]!, data[2]!] as [number, number, number];
  }, containerId);
}

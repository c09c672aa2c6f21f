import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { PlansRepository } from '@vulgraad/planning';
import { localDateOf } from '@vulgraad/time';
import { buildNativeReading } from '@vulgraad/payloads';
import type { CityModel } from '@vulgraad/city-model';
import { sharedPath } from '@vulgraad/config';
import { testPostgresUrl } from '../support/services';
import { CHROMIUM, colourAt, loginAs, openBrowser, type Browser, type PageGlobals } from './support/browser';
import { planFor } from './support/plans';
import { ADMIN_PASSWORD, seedGeneratedCity, seedHistory, startStack, type Stack } from './support/stack';

jest.setTimeout(180_000);

// Screenshots go to docs/ when VULGRAAD_SCREENSHOTS=docs (to refresh the README's pictures), else to a temp folder.
const SHOTS = process.env.VULGRAAD_SCREENSHOTS === 'docs' ? path.resolve(__dirname, '..', '..', 'docs') : path.join(tmpdir(), 'vulgraad-screenshots');
// Chromium comes from Debian (.ci/run installs it); without it the browser tests cannot run at all.
const maybe = existsSync(CHROMIUM) ? describe : describe.skip;

const RED: [number, number, number] = [0xc6, 0x28, 0x28];
const close = (a: [number, number, number] | null, b: [number, number, number]): boolean => a !== null && a.every((v, i) => Math.abs(v - b[i]!) <= 12);

maybe('the dashboard in a real browser', () => {
  let scratch: ScratchDatabase;
  let stack: Stack;
  let city: CityModel;
  let deviceOf: Map<string, string>;
  let browser: Browser;
  let target: string;
  let onRoute: string;
  const today = localDateOf(Date.now(), 'Europe/Amsterdam');

  const publish = async (containerId: string, reading: { fillPct: number; temperatureC?: number; batteryPct?: number }): Promise<void> => {
    const { topic, payload } = buildNativeReading(deviceOf.get(containerId)!, { ts: new Date().toISOString(), batteryPct: 80, temperatureC: 12, ...reading });
    await stack.mqtt.publishAsync(`${stack.topicPrefix}${topic}`, payload, { qos: 1 });
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'browser' });
    let deviceIdOf: Map<string, string>;
    // A made-up city laid over Amsterdam, so that the map can stand on its real streets when the shared road graph is there.
    ({ city, deviceOf, deviceIdOf } = await seedGeneratedCity(scratch.db, 2000, 'br', { lng: 4.895, lat: 52.372 }));
    const district = city.containers[0]!.district;
    const inDistrict = city.containers.filter((c) => c.district === district && c.wasteType === 'residual');
    target = inDistrict[0]!.id;
    onRoute = inDistrict[1]!.id;
    await new PlansRepository(scratch.db).publish(planFor(district, today, inDistrict.slice(1, 14)));
    await seedHistory(scratch.db, onRoute, deviceIdOf.get(onRoute)!, 71);
    await seedHistory(scratch.db, target, deviceIdOf.get(target)!, 40);
    const roads = sharedPath('data', 'amsterdam', 'roads', 'citywide_osm2009');
    stack = await startStack(scratch.db, roads ? { DISTANCES_ROAD_GRAPH: roads } : {});
    const token = await (await fetch(`${stack.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) })).json() as { token: string };
    for (const [username, role] of [['planner.one', 'planner'], ['viewer.one', 'viewer']]) {
      const res = await fetch(`${stack.url}/api/users`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token.token}` }, body: JSON.stringify({ username, password: `${username}-password`, role }) });
      expect(res.status).toBe(201);
    }
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await scratch?.drop();
  });

  it('shows every container on the map, clustered when zoomed out', async () => {
    const page = browser.page;
    await loginAs(page, stack.url, 'planner.one', 'planner.one-password');
    const state = await page.evaluate(() => {
      const v = (globalThis as unknown as PageGlobals).vulgraad;
      return { containers: v.containers.size, items: v.layer.stats.drawnItems, clustered: v.layer.drawn.filter((d) => d.kind === 'cluster').reduce((a, d) => a + (d.n ?? 0), 0), singles: v.layer.drawn.filter((d) => d.kind === 'container').length };
    });
    expect(state.containers).toBe(2000);
    expect(state.clustered + state.singles).toBe(2000);
    expect(state.items).toBeLessThan(2000);
    await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).document.querySelectorAll('#routes li').length ?? 0) > 0);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-map.png') });
  });

  it('turns a container red on screen when a full reading arrives over MQTT, and raises an alert', async () => {
    const page = browser.page;
    const c = city.containers.find((x) => x.id === target)!;
    await page.evaluate(([lat, lng]) => (globalThis as unknown as PageGlobals).vulgraad.map.setView([lat!, lng!], 17), [c.lat, c.lng]);
    await page.waitForTimeout(300);
    const before = await colourAt(page, target);
    expect(before).not.toBeNull();
    expect(close(before, RED)).toBe(false);

    await publish(target, { fillPct: 96 });
    await page.waitForFunction((id) => {
      const v = (globalThis as unknown as PageGlobals).vulgraad;
      return v.containers.get(id)?.fillPct === 96;
    }, target, { timeout: 20_000 });
    await page.waitForTimeout(100);
    expect(close(await colourAt(page, target), RED)).toBe(true);

    await page.click('#side nav button[data-tab="alerts"]');
    const alert = page.locator(`#alerts li[data-cause="container_full"][data-container-id="${target}"]`);
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain('Fill 96 %');
    // Two more causes, so the panel shows how alerts rank: fire first.
    const [hot, weak] = city.containers.filter((x) => x.district === c.district && x.id !== target && x.id !== onRoute).slice(0, 2);
    await publish(hot!.id, { fillPct: 40, temperatureC: 78 });
    await publish(weak!.id, { fillPct: 30, batteryPct: 6 });
    await page.locator(`#alerts li[data-cause="temperature_high"][data-container-id="${hot!.id}"]`).waitFor({ timeout: 20_000 });
    await page.locator(`#alerts li[data-cause="battery_low"][data-container-id="${weak!.id}"]`).waitFor({ timeout: 20_000 });
    expect(await page.getAttribute('#alerts li:first-child', 'data-cause')).toBe('temperature_high');
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-alerts.png') });
  });

  it('shows a container\'s history, forecast and why it is on a route, and takes a planner edit', async () => {
    const page = browser.page;
    const c = city.containers.find((x) => x.id === onRoute)!;
    await page.evaluate(([lat, lng]) => (globalThis as unknown as PageGlobals).vulgraad.map.setView([lat!, lng!], 17), [c.lat, c.lng]);
    await page.waitForTimeout(300);
    const point = await page.evaluate((id) => (globalThis as unknown as PageGlobals).vulgraad.layer.pointOf(id), onRoute);
    const box = (await page.locator('#map').boundingBox())!;
    await page.mouse.click(box.x + point!.x, box.y + point!.y);
    await page.waitForFunction((id) => (globalThis as unknown as PageGlobals).document.getElementById('container-detail')?.dataset.containerId === id, onRoute);
    await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).document.getElementById('c-why')?.textContent ?? '').includes('Why:'));
    expect(await page.textContent('#c-why')).toContain('it would overflow before the next chance to empty it');
    await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).document.getElementById('c-forecast')?.textContent ?? '').length > 10);

    await page.selectOption('#edit-form select[name=action]', 'lock');
    await page.fill('#edit-form input[name=reason]', 'access only before the market opens');
    await page.click('#edit-form button[type=submit]');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.getElementById('edit-result')?.className.includes('ok'));
    expect(await page.textContent('#edit-result')).toContain('Saved: lock by planner.one');
    const { rows } = await scratch.db.query<{ action: string; made_by: string; reason: string }>('SELECT action, made_by, reason FROM planner_edits WHERE container_id = $1', [onRoute]);
    expect(rows).toEqual([{ action: 'lock', made_by: 'planner.one', reason: 'access only before the market opens' }]);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).document.getElementById('tab-container')!.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-container.png') });
  });

  it('refuses a planner edit for a viewer', async () => {
    const viewer = await openBrowser();
    try {
      const page = viewer.page;
      await loginAs(page, stack.url, 'viewer.one', 'viewer.one-password');
      expect(await page.getAttribute('#edit-form', 'class')).toContain('disabled');
      expect(await page.textContent('#edit-result')).toContain('may look but not change plans');
      // Even when the form is forced open, the gateway says no.
      const c = city.containers.find((x) => x.id === onRoute)!;
      await page.evaluate(([lat, lng]) => (globalThis as unknown as PageGlobals).vulgraad.map.setView([lat!, lng!], 17), [c.lat, c.lng]);
      await page.waitForTimeout(300);
      const point = await page.evaluate((id) => (globalThis as unknown as PageGlobals).vulgraad.layer.pointOf(id), onRoute);
      const box = (await page.locator('#map').boundingBox())!;
      await page.mouse.click(box.x + point!.x, box.y + point!.y);
      await page.waitForFunction((id) => (globalThis as unknown as PageGlobals).document.getElementById('container-detail')?.dataset.containerId === id, onRoute);
      await page.evaluate(() => (globalThis as unknown as PageGlobals).document.getElementById('edit-form')!.classList.remove('disabled'));
      await page.fill('#edit-form input[name=reason]', 'a viewer trying to edit');
      await page.click('#edit-form button[type=submit]');
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.getElementById('edit-result')?.className.includes('error'));
      expect(await page.textContent('#edit-result')).toMatch(/Refused: role viewer may not do this/);
      const { rows } = await scratch.db.query('SELECT 1 FROM planner_edits WHERE made_by = $1', ['viewer.one']);
      expect(rows).toHaveLength(0);
    } finally {
      await viewer.close();
    }
  });
});

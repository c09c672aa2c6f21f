import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createScratchDatabase, DepotsRepository, VehiclesRepository, type ScratchDatabase } from '@vulgraad/database';
import { PlansRepository } from '@vulgraad/planning';
import { localDateOf } from '@vulgraad/time';
import { buildNativeReading } from '@vulgraad/payloads';
import type { CityModel } from '@vulgraad/city-model';
import type { Page } from 'playwright-core';
import { testPostgresUrl } from '../support/services';
import { CHROMIUM, loginAs, openBrowser, type Browser } from './support/browser';
import { planFor } from './support/plans';
import { ADMIN_PASSWORD, seedGeneratedCity, startStack, type Stack } from './support/stack';

jest.setTimeout(240_000);

// Screenshots go to docs/ when VULGRAAD_SCREENSHOTS=docs (to refresh the README's pictures), else to a temp folder.
const SHOTS = process.env.VULGRAAD_SCREENSHOTS === 'docs' ? path.resolve(__dirname, '..', '..', 'docs') : path.join(tmpdir(), 'vulgraad-screenshots');
// The pictures of both sizes that only tests look at go to the temp folder always.
const CHECKS = path.join(tmpdir(), 'vulgraad-screenshots');
const maybe = existsSync(CHROMIUM) ? describe : describe.skip;

const SIZES = [
  { name: 'desktop', viewport: { width: 1400, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;
const TRUCK = 'truck-a';
const STOPS_PER_SIZE = 6;
/** A PNG of one pixel: the smallest photo a phone can send. */
const ONE_PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** What the dashboard exposes of its live state, typed just enough for these checks. */
interface LivePage {
  vulgraad: {
    ready: boolean;
    alertCount(): number;
    map: {
      fitBounds(bounds: readonly (readonly [number, number])[], options: { padding: [number, number]; maxZoom: number; animate: boolean }): void;
      latLngToContainerPoint(latLng: readonly [number, number]): { x: number; y: number };
    };
    trucks: { pointOf(id: string): { x: number; y: number } | null; canvas: { getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } } };
    routes: { routes: Array<{ vehicleId: string; stops: Array<{ containerId: string; status: string }> }> };
    stats: { positionBatches: number; positions: number };
  };
  devicePixelRatio: number;
  document: {
    querySelector(selector: string): { textContent: string | null; dataset: Record<string, string | undefined>; open?: boolean } | null;
    getElementById(id: string): { textContent: string | null; dataset: Record<string, string | undefined> } | null;
  };
}
/** What the driver's page exposes. */
interface DriverPage {
  vulgraadDriver: { state: { ready: boolean; queued: number; sent: Array<{ actionId: string; created: boolean | null }> } };
}

// The day as it happens, in a real browser at a desk's and a phone's size: a truck's position moves its
// marker, a fill drop beside the truck marks the stop done, a driver's tap made offline arrives once, and
// a blocked must stop raises an alert on the planners' map.
maybe('the day as it happens, in a real browser', () => {
  let scratch: ScratchDatabase;
  let stack: Stack;
  let city: CityModel;
  let deviceOf: Map<string, string>;
  let route: Array<{ id: string; lng: number; lat: number }>;
  let token: string;
  const today = localDateOf(Date.now(), 'Europe/Amsterdam');

  const publishReading = async (containerId: string, fillPct: number): Promise<void> => {
    const { topic, payload } = buildNativeReading(deviceOf.get(containerId)!, { ts: new Date().toISOString(), batteryPct: 80, temperatureC: 12, fillPct });
    await stack.mqtt.publishAsync(`${stack.topicPrefix}${topic}`, payload, { qos: 1 });
  };
  const publishPosition = async (lat: number, lng: number, heading = 90): Promise<void> => {
    const body = JSON.stringify({ time: new Date().toISOString(), lat, lng, speed: 18, heading });
    await stack.mqtt.publishAsync(`${stack.topicPrefix}vulgraad/v1/vehicles/${TRUCK}/position`, body, { qos: 1 });
  };
  const api = async (method: string, url: string, body?: unknown, bearer = token): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${stack.url}${url}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    mkdirSync(CHECKS, { recursive: true });
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'browser_live' });
    ({ city, deviceOf } = await seedGeneratedCity(scratch.db, 300, 'lv', { lng: 4.895, lat: 52.372 }));
    const district = city.containers[0]!.district;
    // Stops about 150 m apart and far from each other's neighbours, so a truck beside one is near no other.
    route = city.containers.filter((c) => c.district === district && c.wasteType === 'residual').slice(0, STOPS_PER_SIZE * SIZES.length);
    await new DepotsRepository(scratch.db).upsert({ id: 'depot-live', name: 'Depot', lng: route[0]!.lng - 0.01, lat: route[0]!.lat - 0.005, address: null });
    await new VehiclesRepository(scratch.db).upsert({
      id: TRUCK, name: 'Truck A', depotId: 'depot-live', capacityL: 22_000, capacityKg: 11_000, fractions: ['residual'], equipment: ['underground'],
      speedFactor: 1, costPerKm: 0, costPerHour: 0, shiftStartMin: 0, shiftEndMin: 1439, maxRouteDurationS: null,
    });
    await scratch.db.query('UPDATE containers SET address = $2 WHERE id = $1', [route[0]!.id, 'Prinsengracht 263']);
    await new PlansRepository(scratch.db).publish(planFor(district, today, route, TRUCK));
    stack = await startStack(scratch.db, { GATEWAY_REPLAN_ON_SKIP: 'false' });
    token = ((await (await fetch(`${stack.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) })).json()) as { token: string }).token;
    for (const user of [
      { username: 'planner.live', password: 'planner.live-password', role: 'planner' },
      { username: 'driver.a', password: 'driver.a-password', role: 'driver', vehicleId: TRUCK },
    ]) {
      const res = await api('POST', '/api/users', user);
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await stack?.close();
    await scratch?.drop();
  });

  describe.each(SIZES)('at $name size', ({ name, viewport }) => {
    let browser: Browser;
    let page: Page;
    // Each size works on stops of its own, so what one size did does not decide the other's checks.
    const mine = (): Array<{ id: string; lng: number; lat: number }> => route.slice(SIZES.findIndex((s) => s.name === name) * STOPS_PER_SIZE).slice(0, STOPS_PER_SIZE);

    beforeAll(async () => {
      browser = await openBrowser(viewport);
      page = browser.page;
      await loginAs(page, stack.url, 'planner.live', 'planner.live-password');
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('keeps the header in one piece and the map on screen', async () => {
      const boxes = await page.evaluate(() => {
        const g = globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ id: string; className: string; getBoundingClientRect(): { left: number; top: number; right: number; bottom: number; width: number; height: number } }> } };
        return Array.from(g.document.querySelectorAll('header > *'))
          .map((n) => ({ id: n.id || n.className, ...n.getBoundingClientRect() }))
          .filter((b) => b.width > 0 && b.height > 0);
      });
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!;
          const b = boxes[j]!;
          const overlap = a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
          expect(overlap ? `${a.id} overlaps ${b.id}` : 'apart').toBe('apart');
        }
      }
      const map = (await page.locator('#map').boundingBox())!;
      expect(map.height).toBeGreaterThan(viewport.height * 0.3);
      expect(map.width).toBeGreaterThan(viewport.width * 0.5);
    });

    it('moves a truck\'s marker when its position arrives over MQTT', async () => {
      const [first, second] = mine();
      const start = [first!.lat - 0.0008, first!.lng - 0.0008] as const;
      const end = [(first!.lat + second!.lat) / 2, (first!.lng + second!.lng) / 2] as const;
      // Both positions inside the map, at a phone's width too, so the marker is drawn at each.
      await page.evaluate(([a, b]) => (globalThis as unknown as LivePage).vulgraad.map.fitBounds([a, b], { padding: [40, 40], maxZoom: 16, animate: false }), [start, end] as const);
      await publishPosition(start[0], start[1]);
      await page.waitForFunction((id) => (globalThis as unknown as LivePage).vulgraad.trucks.pointOf(id) !== null, TRUCK, { timeout: 20_000 });
      await publishPosition(end[0], end[1]);
      // The marker is drawn where the truck now is (once it has glided there), not where it was. Both
      // places are projected afresh at each look, so a map that pans meanwhile does not fool the check.
      const drawn = async (): Promise<{ atEnd: number; atStart: number }> =>
        page.evaluate(([a, b]) => {
          const g = globalThis as unknown as LivePage;
          const r = g.devicePixelRatio;
          const alpha = ([lat, lng]: readonly [number, number]): number => {
            const p = g.vulgraad.map.latLngToContainerPoint([lat, lng]);
            return g.vulgraad.trucks.canvas.getContext('2d').getImageData(Math.round(p.x * r), Math.round(p.y * r), 1, 1).data[3]!;
          };
          return { atEnd: alpha(b), atStart: alpha(a) };
        }, [start, end] as const);
      let seen = await drawn();
      for (let tries = 0; tries < 100 && !(seen.atEnd > 200 && seen.atStart === 0); tries++) {
        await page.waitForTimeout(200);
        seen = await drawn();
      }
      expect(seen.atEnd).toBeGreaterThan(200);
      expect(seen.atStart).toBe(0);
      // Carried by the positions lists of the feed (a route's progress carries the position too, so the marker alone does not tell).
      const { stats } = await page.evaluate(() => ({ stats: (globalThis as unknown as LivePage).vulgraad.stats }));
      expect(stats.positions).toBeGreaterThanOrEqual(2);
      expect(stats.positionBatches).toBeGreaterThanOrEqual(1);
    });

    it('marks a stop done when its fill drops while the truck is beside it', async () => {
      const stop = mine()[1]!;
      await publishReading(stop.id, 82);
      await page.waitForFunction((id) => (globalThis as unknown as { vulgraad: { containers: Map<string, { fillPct: number | null }> } }).vulgraad.containers.get(id)?.fillPct === 82, stop.id, { timeout: 20_000 });
      await publishPosition(stop.lat + 0.0001, stop.lng);
      await publishReading(stop.id, 4);
      await page.waitForFunction(([truck, id]) => {
        const r = (globalThis as unknown as LivePage).vulgraad.routes.routes.find((x) => x.vehicleId === truck);
        return r?.stops.find((s) => s.containerId === id)?.status === 'done';
      }, [TRUCK, stop.id] as const, { timeout: 30_000 });
      const { rows } = await scratch.db.query<{ status: string; done_how: string }>('SELECT status, done_how FROM stop_outcomes WHERE container_id = $1', [stop.id]);
      expect(rows).toEqual([{ status: 'done', done_how: 'fill-drop' }]);
      await page.click('#side nav button[data-tab="routes"]');
      const timelineRow = page.locator(`#routes li[data-vehicle-id="${TRUCK}"] details .timeline li[data-container-id="${stop.id}"]`);
      await page.click(`#routes li[data-vehicle-id="${TRUCK}"] details summary`);
      await timelineRow.waitFor();
      expect(await timelineRow.getAttribute('data-status')).toBe('done');
      expect(await page.textContent(`#routes li[data-vehicle-id="${TRUCK}"] [data-testid=route-progress]`)).toMatch(/^\d+ of 12/);
    });

    it('takes a driver\'s tap made offline and stores it once when the network is back', async () => {
      const stop = mine()[2]!;
      const driver = await openBrowser(viewport);
      try {
        const phone = driver.page;
        await phone.goto(`${stack.url}/driver.html`);
        await phone.fill('#login-form input[name=username]', 'driver.a');
        await phone.fill('#login-form input[name=password]', 'driver.a-password');
        await phone.click('#login-form button[type=submit]');
        await phone.waitForFunction(() => (globalThis as unknown as DriverPage).vulgraadDriver.state.ready);
        const item = phone.locator(`#stops li[data-container-id="${stop.id}"]`);
        await item.waitFor();
        expect(await item.locator('a.nav').getAttribute('href')).toMatch(new RegExp(`^geo:${stop.lat},${stop.lng}`));
        await driver.context.setOffline(true);
        await item.locator('button[data-action=done]').click();
        await phone.waitForFunction(() => (globalThis as unknown as DriverPage).vulgraadDriver.state.queued === 1);
        expect(await phone.getAttribute('[data-testid=outbox]', 'data-waiting')).toBe('1');
        expect((await scratch.db.query('SELECT 1 FROM driver_actions WHERE container_id = $1', [stop.id])).rows).toHaveLength(0);
        await phone.screenshot({ path: path.join(name === 'phone' ? SHOTS : CHECKS, `driver-${name}.png`) });

        await driver.context.setOffline(false);
        await phone.waitForFunction(() => (globalThis as unknown as DriverPage).vulgraadDriver.state.queued === 0, undefined, { timeout: 30_000 });
        const stored = await scratch.db.query<{ action_id: string; kind: string }>('SELECT action_id, kind FROM driver_actions WHERE container_id = $1', [stop.id]);
        expect(stored.rows).toHaveLength(1);
        expect(stored.rows[0]!.kind).toBe('done');
        // The phone may send a tap again when an answer was lost: the gateway keeps the first.
        const driverToken = await phone.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('vulgraad.token'));
        const again = await api('POST', '/api/driver/actions', { actionId: stored.rows[0]!.action_id, containerId: stop.id, kind: 'done' }, driverToken!);
        expect(again.status).toBeLessThan(300);
        expect((again.body as { created: boolean }).created).toBe(false);
        expect((await scratch.db.query('SELECT 1 FROM driver_actions WHERE container_id = $1', [stop.id])).rows).toHaveLength(1);
        await item.and(phone.locator('[data-status=done]')).waitFor({ timeout: 30_000 });
        const { rows } = await scratch.db.query<{ status: string; done_how: string }>('SELECT status, done_how FROM stop_outcomes WHERE container_id = $1', [stop.id]);
        expect(rows).toEqual([{ status: 'done', done_how: 'driver' }]);
        await phone.screenshot({ path: path.join(CHECKS, `driver-${name}-sent.png`) });
        await phone.emulateMedia({ media: 'print' });
        await phone.screenshot({ path: path.join(name === 'phone' ? SHOTS : CHECKS, `driver-sheet-${name}.png`), fullPage: true });
        await phone.emulateMedia({ media: 'screen' });
      } finally {
        await driver.close();
      }
    });

    it('stores a photo taken at a stop with the driver\'s tap', async () => {
      const stop = mine()[3]!;
      const driver = await openBrowser(viewport);
      try {
        const phone = driver.page;
        await phone.goto(`${stack.url}/driver.html`);
        await phone.fill('#login-form input[name=username]', 'driver.a');
        await phone.fill('#login-form input[name=password]', 'driver.a-password');
        await phone.click('#login-form button[type=submit]');
        await phone.waitForFunction(() => (globalThis as unknown as DriverPage).vulgraadDriver.state.ready);
        const item = phone.locator(`#stops li[data-container-id="${stop.id}"]`);
        await item.locator('input[type=file]').setInputFiles({ name: 'beside.png', mimeType: 'image/png', buffer: Buffer.from(ONE_PIXEL_PNG, 'base64') });
        await item.locator('.result.ok').waitFor();
        await item.locator('button[data-action=waste_beside]').click();
        await phone.waitForFunction(() => (globalThis as unknown as DriverPage).vulgraadDriver.state.sent.length > 0, undefined, { timeout: 20_000 });
      } finally {
        await driver.close();
      }
      const { rows } = await scratch.db.query<{ kind: string; photo_type: string; bytes: number }>('SELECT kind, photo_type, octet_length(photo) AS bytes FROM driver_actions WHERE container_id = $1', [stop.id]);
      expect(rows).toEqual([{ kind: 'waste_beside', photo_type: 'image/png', bytes: Buffer.from(ONE_PIXEL_PNG, 'base64').length }]);
    });

    it('raises an alert on the map when the driver finds a must stop blocked', async () => {
      // Every third stop of the plan is a must (planFor): the first of this size's stops is one.
      const must = mine()[0]!;
      const answer = await api('POST', '/api/auth/login', { username: 'driver.a', password: 'driver.a-password' }, '');
      const driverToken = (answer.body as { token: string }).token;
      const driver = await openBrowser(viewport);
      try {
        const phone = driver.page;
        await phone.goto(stack.url);
        await phone.evaluate((t) => (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem('vulgraad.token', t), driverToken);
        // A driver opening the dashboard is sent to the driver's screen.
        await phone.goto(stack.url);
        await phone.waitForURL(/driver\.html$/);
        await phone.waitForFunction(() => (globalThis as unknown as DriverPage).vulgraadDriver.state.ready);
        await phone.locator(`#stops li[data-container-id="${must.id}"] button[data-action=parked_car]`).click();
        await phone.waitForFunction(() => (globalThis as unknown as DriverPage).vulgraadDriver.state.sent.length > 0, undefined, { timeout: 20_000 });
      } finally {
        await driver.close();
      }
      await page.click('#side nav button[data-tab="alerts"]');
      const alert = page.locator(`#alerts li[data-cause="stop_skipped"][data-container-id="${must.id}"]`);
      await alert.waitFor({ timeout: 30_000 });
      expect(await alert.getAttribute('data-severity')).toBe('critical');
      // One count for the header and the tab.
      const counts = await page.evaluate(() => {
        const g = globalThis as unknown as LivePage;
        return { badge: g.document.getElementById('alert-count')!.textContent, header: g.document.getElementById('summary')!.dataset.alerts, count: g.vulgraad.alertCount() };
      });
      expect(counts.badge).toBe(String(counts.count));
      expect(counts.header).toBe(String(counts.count));
      // The route shows the stop crossed out as skipped.
      await page.waitForFunction(([truck, id]) => {
        const r = (globalThis as unknown as LivePage).vulgraad.routes.routes.find((x) => x.vehicleId === truck);
        return r?.stops.find((s) => s.containerId === id)?.status === 'skipped';
      }, [TRUCK, must.id] as const, { timeout: 30_000 });
    });

    it('finds a container by its address and opens it from the keyboard', async () => {
      await page.focus('#search-input');
      await page.keyboard.type('prinsengracht');
      await page.waitForSelector(`#search-results li[data-container-id="${route[0]!.id}"]`);
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.waitForFunction((id) => (globalThis as unknown as LivePage).document.querySelector('#container-detail')?.dataset.containerId === id, route[0]!.id);
      expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('c-title');
      expect(await page.textContent('#c-facts [data-fact=address]')).toBe('Prinsengracht 263');
      // The tabs answer to arrow keys as a tab list does.
      await page.focus('#tabbtn-container');
      await page.keyboard.press('ArrowRight');
      expect(await page.getAttribute('#tabbtn-routes', 'aria-selected')).toBe('true');
      await page.click('#side nav button[data-tab="routes"]');
      await page.evaluate(() => {
        const details = (globalThis as unknown as LivePage).document.querySelector('#routes details');
        if (details) details.open = true;
      });
      await page.screenshot({ path: path.join(SHOTS, `dashboard-live-${name}.png`) });
    });

    it('speaks Dutch when asked, with times in the city\'s zone on a 24-hour clock', async () => {
      const full = mine()[4]!;
      await publishReading(full.id, 97);
      await page.click('#side nav button[data-tab="alerts"]');
      await page.selectOption('#lang', 'nl');
      expect(await page.textContent('#tabbtn-alerts [data-i18n="tabs.alerts"]')).toBe('Meldingen');
      const alert = page.locator(`#alerts li[data-cause="container_full"][data-container-id="${full.id}"]`);
      await alert.waitFor({ timeout: 20_000 });
      expect(await alert.locator('.message').textContent()).toBe('Vulling 97 %, drempel 90 %');
      const meta = await alert.locator('.meta').textContent();
      expect(meta).toMatch(/\b([01]\d|2[0-3]):[0-5]\d\b/);
      expect(meta).not.toMatch(/AM|PM|T\d\d:/);
      await page.selectOption('#lang', 'en');
    });
  });
});

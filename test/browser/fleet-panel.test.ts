import { existsSync } from 'node:fs';
import { createScratchDatabase, DepotsRepository, DisposalSitesRepository, VehiclesRepository, type ScratchDatabase } from '@vulgraad/database';
import { testPostgresUrl } from '../support/services';
import { CHROMIUM, loginAs, openBrowser, type Browser } from './support/browser';
import { ADMIN_PASSWORD, seedGeneratedCity, startStack, type Stack } from './support/stack';

jest.setTimeout(180_000);

const maybe = existsSync(CHROMIUM) ? describe : describe.skip;

// The Fleet tab of the dashboard: trucks, depots and disposal sites, a truck edited and marked broken down.
maybe('the dashboard\'s fleet tab in a real browser', () => {
  let scratch: ScratchDatabase;
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'browser_fleet' });
    await seedGeneratedCity(scratch.db, 40, 'bf', { lng: 4.895, lat: 52.372 });
    await new DepotsRepository(scratch.db).upsert({ id: 'depot-west', name: 'Seineweg', lng: 4.79, lat: 52.37, address: null });
    await new DisposalSitesRepository(scratch.db).upsert({ id: 'aeb', name: 'AEB', lng: 4.83, lat: 52.41, address: null, fractions: ['residual'], openFromMin: 360, openToMin: 1320, serviceTimeS: 900 });
    await new VehiclesRepository(scratch.db).upsert({
      id: 'crane-7', name: 'Crane 7', depotId: 'depot-west', capacityL: 22_000, capacityKg: 11_000, fractions: ['residual'], equipment: ['underground'],
      speedFactor: 1, costPerKm: 0, costPerHour: 0, shiftStartMin: 420, shiftEndMin: 930, maxRouteDurationS: null,
    });
    stack = await startStack(scratch.db);
    const token = (await (await fetch(`${stack.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) })).json()) as { token: string };
    const res = await fetch(`${stack.url}/api/users`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token.token}` }, body: JSON.stringify({ username: 'planner.fleet', password: 'planner.fleet-password', role: 'planner' }) });
    expect(res.status).toBe(201);
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await scratch?.drop();
  });

  it('lists the fleet, saves a truck\'s edit and marks it broken down', async () => {
    const page = browser.page;
    await loginAs(page, stack.url, 'planner.fleet', 'planner.fleet-password');
    await page.click('#side nav button[data-tab=fleet]');
    await page.waitForSelector('[data-testid=fleet-vehicles] li[data-vehicle-id=crane-7]');
    expect(await page.textContent('[data-testid=fleet-panel]')).toMatch(/Seineweg[\s\S]*AEB[\s\S]*open 06:00–22:00/);

    await page.click('li[data-vehicle-id=crane-7] button:text("Edit")');
    await page.fill('li[data-vehicle-id=crane-7] input[name=breakMin]', '45');
    await page.click('li[data-vehicle-id=crane-7] button[type=submit]');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('li[data-vehicle-id=crane-7]')?.textContent.includes('break 45 min') === true);
    expect((await new VehiclesRepository(scratch.db).findById('crane-7'))?.breakMin).toBe(45);

    page.once('dialog', (dialog) => void dialog.accept('hydraulics'));
    await page.click('li[data-vehicle-id=crane-7] button:text("Broken down")');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('li[data-vehicle-id=crane-7]')?.textContent.includes('broken down: hydraulics') === true);
    expect((await new VehiclesRepository(scratch.db).findById('crane-7'))?.status).toBe('out_of_service');
  });

  it('speaks Dutch when asked, and English again', async () => {
    const page = browser.page;
    const panelText = async (): Promise<string> => (await page.textContent('[data-testid=fleet-panel]')) ?? '';
    await page.selectOption('#lang', 'nl');
    expect(await page.textContent('#tabbtn-fleet')).toBe('Wagenpark');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('[data-testid=fleet-panel] h3')?.textContent === 'Wagens (1)');
    expect(await panelText()).toMatch(/Stortplaatsen[\s\S]*AEB \(aeb\) · restafval · open 06:00–22:00 · lossen 15 min/);
    const truck = (await page.textContent('li[data-vehicle-id=crane-7]')) ?? '';
    expect(truck).toContain('defect: hydraulics');
    expect(truck).toContain('pauze 45 min');
    expect(truck).toContain('laadbak 22000 L');
    expect(await page.textContent('li[data-vehicle-id=crane-7] button')).toBe('Weer in dienst');
    await page.click('li[data-vehicle-id=crane-7] button:text("Bewerken")');
    expect(await page.textContent('li[data-vehicle-id=crane-7] button[type=submit]')).toBe('Wagen opslaan');
    expect(await panelText()).not.toMatch(/Trucks|Disposal sites|broken down|Save truck/);

    await page.selectOption('#lang', 'en');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('[data-testid=fleet-panel] h3')?.textContent === 'Trucks (1)');
    expect(await page.textContent('li[data-vehicle-id=crane-7]')).toContain('broken down: hydraulics');
  });
});

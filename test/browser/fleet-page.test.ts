import { existsSync } from 'node:fs';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { ADMIN_PASSWORD, login, type RunningGateway, startGateway } from '../gateway/support/gateway-app';
import { seedDevices, type SeededDevice } from '../ingest/harness';
import { testPostgresUrl } from '../support/services';
import { CHROMIUM, openBrowser, type Browser } from './support/browser';

jest.setTimeout(120_000);
const maybe = existsSync(CHROMIUM) ? describe : describe.skip;

// The sensors-and-onboarding page in a real browser, with the dashboard's login:
// the fleet table lists the sensors, and a sensor registered in the form gets its secret shown once.
maybe('the sensors-and-onboarding page in a real browser', () => {
  let scratch: ScratchDatabase;
  let gw: RunningGateway;
  let browser: Browser;
  let devices: SeededDevice[];

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'browser_fleet' });
    devices = await seedDevices(scratch.db, 'page', 3);
    gw = await startGateway({ db: scratch.db });
    browser = await openBrowser();
    const token = await login(gw.url, 'admin', ADMIN_PASSWORD);
    await browser.page.goto(`${gw.url}/fleet.html`);
    await browser.page.evaluate((t) => (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem('vulgraad.token', t), token);
    await browser.page.goto(`${gw.url}/fleet.html`);
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await scratch?.drop();
  });

  it('lists every sensor with its flags (none has reported: all silent)', async () => {
    await browser.page.waitForSelector('#fleet-table tbody tr');
    const rows = await browser.page.$$eval('#fleet-table tbody tr', (trs) => trs.map((tr) => (tr as unknown as { textContent: string }).textContent));
    expect(rows).toHaveLength(3);
    for (const d of devices) expect(rows.some((r) => r.includes(d.externalRef) && r.includes('silent'))).toBe(true);
  });

  it('registers a sensor, fits it to a container and shows its secret once', async () => {
    const page = browser.page;
    await page.fill('#form-device input[name=externalRef]', 'page-new-sensor');
    await page.fill('#form-device input[name=containerId]', devices[0]!.containerId);
    await page.click('#form-device button[type=submit]');
    await page.waitForSelector('#onboard-result .secret');
    const secret = (await page.textContent('#onboard-result .secret'))!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await page.textContent('#onboard-result')).toContain('fitted to container');
    const { rows } = await scratch.db.query<{ secret_hash: string | null }>('SELECT secret_hash FROM devices WHERE external_ref = $1', ['page-new-sensor']);
    expect(rows[0]!.secret_hash).toMatch(/^\$7\$/);
    expect(rows[0]!.secret_hash).not.toContain(secret);
  });

  it('speaks Dutch when asked: headings, columns, flags and the result of a form', async () => {
    const page = browser.page;
    await page.selectOption('#lang', 'nl');
    expect(await page.getAttribute('html', 'lang')).toBe('nl');
    expect(await page.textContent('[data-testid=fleet-health] h2')).toBe('Gezondheid van de sensoren');
    expect(await page.textContent('[data-testid=onboarding] h2')).toBe('Aanmelden');
    expect(await page.$$eval('#fleet-table thead th', (ths) => ths.map((th) => (th as unknown as { textContent: string }).textContent))).toEqual(
      expect.arrayContaining(['laatste bericht', 'batterij %', 'vlaggen']),
    );
    expect(await page.textContent('#fleet-summary')).toMatch(/^\d+ sensoren, \d+ met vlaggen$/);
    expect(await page.textContent(`#fleet-table tbody tr:has-text("${devices[1]!.externalRef}") .flag[data-flag=silent]`)).toBe('stil');
    expect(await page.getAttribute('#form-device input[name=containerId]', 'placeholder')).toBe('koppelen aan (mag)');

    await page.fill('#form-device input[name=externalRef]', 'page-dutch-sensor');
    await page.check('#form-device input[name=secret]');
    await page.click('#form-device button[type=submit]');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('#onboard-result')?.textContent.includes('page-dutch-sensor') === true);
    const result = (await page.textContent('#onboard-result'))!;
    expect(result).toMatch(/^sensor page-dutch-sensor geregistreerd \(id /);
    // The server's notes (broker, HTTP door, the secret) in the page's language, not the API's English.
    expect(result).toContain('de ingebouwde broker toetst aanmeldingen meteen aan het register');
    expect(result).toContain('HTTP: POST /uplinks/devices/page-dutch-sensor met header X-Vulgraad-Secret');
    expect(result).toContain('één keer getoond, gehasht opgeslagen');
    expect(result).not.toMatch(/shown once|nothing to reload|with header/);

    await page.selectOption('#lang', 'en');
    expect(await page.textContent('[data-testid=fleet-health] h2')).toBe('Sensor fleet health');
    expect(await page.textContent('#fleet-summary')).toMatch(/^\d+ sensors, \d+ with flags$/);
  });
});

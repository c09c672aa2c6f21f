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
});

import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { PLANNER_QUEUE } from '@vulgraad/contracts';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { ADMIN_PASSWORD, call, login, type RunningGateway, startGateway } from './support/gateway-app';
import { testPostgresUrl, testRedisUrl } from '../support/services';
import { openBrowser } from '../browser/support/browser';

/** A GET with only a Cookie header, as a browser sends it: status, body text and headers. */
async function withCookie(url: string, cookie: string): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(url, { headers: { cookie } });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

jest.setTimeout(90_000);

// The admin board of the job queues (bull-board) on a gateway with Redis: the planner's queue, under a prefix of
// this test's own on the machine's Redis, with one waiting job in it.
describe('queue board for admins', () => {
  const prefix = `vulgraad-test-${randomUUID()}`;
  let scratch: ScratchDatabase;
  let gw: RunningGateway;
  let queue: Queue;
  let admin: string;
  let viewer: string;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'gw_queue_board' });
    queue = new Queue(PLANNER_QUEUE, { connection: { url: testRedisUrl() }, prefix });
    await queue.add('plan', { fraction: 'residual' }, { jobId: 'plan|fleet|residual|2026-03-03|daily' });
    gw = await startGateway({ db: scratch.db, env: { REDIS_URL: testRedisUrl(), PLANNER_QUEUE_PREFIX: prefix, GATEWAY_SOCKET_REDIS_PREFIX: `${prefix}:socket.io`, GATEWAY_LOGIN_REDIS_PREFIX: `${prefix}:login` } });
    admin = await login(gw.url, 'admin', ADMIN_PASSWORD);
    expect((await call(`${gw.url}/api/users`, { token: admin, body: { username: 'board.viewer', password: 'viewer-password-1', role: 'viewer' } })).status).toBe(201);
    viewer = await login(gw.url, 'board.viewer', 'viewer-password-1');
  });
  afterAll(async () => {
    await gw?.close();
    await queue?.obliterate({ force: true });
    await queue?.close();
    await scratch?.drop();
    const redis = new Redis(testRedisUrl());
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('refuses a request without a token with 401 naming the header', async () => {
    const answer = await call<{ statusCode: number; field: string }>(`${gw.url}/admin/queues/api/queues`);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ statusCode: 401, field: 'authorization' });
    expect((await call(`${gw.url}/admin/queues`)).status).toBe(401);
  });

  it('refuses a user who is not an admin with 403', async () => {
    expect((await call(`${gw.url}/admin/queues/api/queues`, { token: viewer })).status).toBe(403);
    expect((await call(`${gw.url}/admin/queues`, { token: viewer })).status).toBe(403);
  });

  it('shows an admin the planner queue and its waiting job', async () => {
    const answer = await call<{ queues: Array<{ name: string; counts: Record<string, number> }> }>(`${gw.url}/admin/queues/api/queues`, { token: admin });
    expect(answer.status).toBe(200);
    const planner = answer.body.queues.find((q) => q.name === PLANNER_QUEUE);
    expect(planner?.counts.waiting).toBe(1);
    const page = await call<string>(`${gw.url}/admin/queues`, { token: admin });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('gives no admin cookie to anonymous callers (401) nor to users who are not admins (403)', async () => {
    const anonymous = await call<{ field: string }>(`${gw.url}/api/auth/admin-session`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('set-cookie')).toBeNull();
    const asViewer = await call(`${gw.url}/api/auth/admin-session`, { token: viewer, body: {} });
    expect(asViewer.status).toBe(403);
    expect(asViewer.headers.get('set-cookie')).toBeNull();
  });

  it('opens the board for an admin with the short-lived cookie alone, and only under /admin', async () => {
    const answer = await call(`${gw.url}/api/auth/admin-session`, { token: admin, body: {} });
    expect(answer.status).toBe(204);
    const setCookie = answer.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^vulgraad_admin=[^;]+;/);
    expect(setCookie).toContain('Path=/admin;');
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).not.toContain('Secure'); // plain http here
    const maxAgeS = Number(/Max-Age=(\d+)/.exec(setCookie)?.[1]);
    expect(maxAgeS).toBeGreaterThan(0);
    expect(maxAgeS).toBeLessThanOrEqual(3600);
    const cookie = setCookie.split(';')[0] as string;

    const page = await withCookie(`${gw.url}/admin/queues`, cookie);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain('https://fonts.gstatic.com');
    const queues = await withCookie(`${gw.url}/admin/queues/api/queues`, cookie);
    expect(queues.status).toBe(200);
    expect((JSON.parse(queues.text) as { queues: Array<{ name: string }> }).queues.map((q) => q.name)).toContain(PLANNER_QUEUE);

    // The API takes the Authorization header only: the cookie opens nothing there, nor as a bearer token.
    expect((await withCookie(`${gw.url}/api/containers`, cookie)).status).toBe(401);
    expect((await withCookie(`${gw.url}/api/users`, cookie)).status).toBe(401);
    expect((await call(`${gw.url}/api/users`, { token: cookie.slice('vulgraad_admin='.length) })).status).toBe(401);
    // Nor is a login token taken in the cookie's place.
    expect((await withCookie(`${gw.url}/admin/queues/api/queues`, `vulgraad_admin=${admin}`)).status).toBe(401);
    // The rest of the gateway keeps its strict policy.
    const dashboard = await fetch(`${gw.url}/`);
    expect(dashboard.headers.get('content-security-policy')).not.toContain('fonts.gstatic.com');
  });

  it('lets an admin logged into the dashboard open the board from its link, without CSP errors', async () => {
    const browser = await openBrowser();
    try {
      const { page } = browser;
      const cspErrors: string[] = [];
      page.on('console', (message) => {
        if (/Content[- ]Security[- ]Policy/i.test(message.text())) cspErrors.push(message.text());
      });
      await page.goto(gw.url);
      await page.fill('#login-form input[name=username]', 'admin');
      await page.fill('#login-form input[name=password]', ADMIN_PASSWORD);
      await page.click('#login-form button[type=submit]');
      await page.waitForSelector('#queues-link:not([hidden])', { timeout: 30_000 });
      await page.click('#queues-link');
      await page.waitForURL(/\/admin\/queues/, { timeout: 30_000 });
      await page.getByText(PLANNER_QUEUE, { exact: true }).first().waitFor({ timeout: 30_000 });
      expect(page.url()).not.toContain('token');
      expect(cspErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('shows the dashboard link to admins only', async () => {
    const browser = await openBrowser();
    try {
      const { page } = browser;
      await page.goto(gw.url);
      await page.fill('#login-form input[name=username]', 'board.viewer');
      await page.fill('#login-form input[name=password]', 'viewer-password-1');
      await page.click('#login-form button[type=submit]');
      await page.waitForSelector('#logout:not([hidden])', { timeout: 30_000 });
      expect(await page.isHidden('#queues-link')).toBe(true);
    } finally {
      await browser.close();
    }
  });
});

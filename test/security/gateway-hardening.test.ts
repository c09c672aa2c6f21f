import { execFile } from 'node:child_process';
import { request } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { InProcessEventBus } from '@vulgraad/events';
import { PlansRepository } from '@vulgraad/planning';
import { localDateOf } from '@vulgraad/time';
import { JsonLogger } from '@vulgraad/runtime';
import type { Socket } from 'socket.io-client';
import { PUBLIC_KEY, ROLES_KEY } from '../../apps/gateway/src/auth/auth.decorators';
import { roleAllows, ROLES, type Role } from '../../apps/gateway/src/auth/roles';
import { centrumPlan, seedCity } from '../gateway/support/fixtures';
import { ADMIN_PASSWORD, call, login, type RunningGateway, startGateway } from '../gateway/support/gateway-app';
import { connect, join } from '../gateway/support/socket';
import { testPostgresUrl } from '../support/services';

jest.setTimeout(90_000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const MAX_FAILURES = 3;
const WINDOW_S = 120;
const ALLOWED_ORIGIN = 'https://dashboard.city.example';

interface Route {
  name: string;
  method: string;
  path: string;
  rule: { public: true } | { roles: Role[] } | null;
}

/** Every HTTP route the running application serves, from Nest's own metadata: controller path, method path, access rule. */
function routesOf(gw: RunningGateway): Route[] {
  const routes: Route[] = [];
  for (const module of gw.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const base = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[]].flat()[0] ?? '';
      const proto = controller.prototype as Record<string, unknown>;
      for (const key of Object.getOwnPropertyNames(proto)) {
        const handler = proto[key];
        if (key === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const sub = [Reflect.getMetadata(PATH_METADATA, handler) as string | string[]].flat()[0] ?? '';
        const full = `/${[base, sub].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
        const roles = (Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, controller)) as Role[] | undefined;
        const isPublic = Reflect.getMetadata(PUBLIC_KEY, handler) === true || Reflect.getMetadata(PUBLIC_KEY, controller) === true;
        routes.push({ name: `${controller.name}.${key}`, method: RequestMethod[method], path: full, rule: isPublic ? { public: true } : roles && roles.length > 0 ? { roles } : null });
      }
    }
  }
  return routes;
}

/** fetch that reads the whole answer (an unread body keeps its connection busy) and keeps the headers. */
async function fetchAll(url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  return res;
}

/** A POST from a chosen loopback address (127.0.0.0/8), so each throttling case has client addresses of its own. */
function postFrom(localAddress: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(url, { method: 'POST', localAddress, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body: text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The truck the test's driver drives. */
const DRIVER_TRUCK = 'truck-1';

// The gateway's hardening, end to end over HTTP and socket.io on the machine's PostgreSQL:
// login throttling, body size limit, security headers, CORS, the role of every route,
// socket.io rooms by role, and no secret in the logs.
describe('gateway hardening', () => {
  let scratch: ScratchDatabase;
  let gw: RunningGateway;
  const logLines: string[] = [];
  const tokens = {} as Record<Role, string>;
  const passwords = {} as Record<Role, string>;
  const today = localDateOf(Date.now(), 'Europe/Amsterdam');
  const sockets: Socket[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'sec_gw' });
    const { ids } = await seedCity(scratch.db, 'sec');
    await new PlansRepository(scratch.db).publish(centrumPlan(today, [ids[0]!, ids[1]!]));
    gw = await startGateway({
      db: scratch.db,
      bus: new InProcessEventBus(),
      env: { GATEWAY_LOGIN_MAX_FAILURES: String(MAX_FAILURES), GATEWAY_LOGIN_WINDOW_S: String(WINDOW_S), GATEWAY_CORS_ORIGIN: ALLOWED_ORIGIN, LOG_LEVEL: 'debug' },
      logger: new JsonLogger({ level: 'debug', write: (line) => void logLines.push(line) }),
    });
    passwords.admin = ADMIN_PASSWORD;
    tokens.admin = await login(gw.url, 'admin', ADMIN_PASSWORD);
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      passwords[role] = `${role}-password-${Math.random().toString(36).slice(2)}`;
      expect((await call(`${gw.url}/api/users`, { token: tokens.admin, body: { username: `${role}1`, password: passwords[role], role, ...(role === 'driver' ? { vehicleId: DRIVER_TRUCK } : {}) } })).status).toBe(201);
      tokens[role] = await login(gw.url, `${role}1`, passwords[role]);
    }
    expect((await call(`${gw.url}/api/users`, { token: tokens.admin, body: { username: 'noord.planner', password: 'noord-password-1', role: 'planner', districts: ['Noord'] } })).status).toBe(201);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await gw?.close();
    await scratch?.drop();
  });

  describe('login throttling', () => {
    const loginUrl = (): string => `${gw.url}/api/auth/login`;

    it('refuses a user name at an address with 429 and Retry-After after its failures there, even with the right password', async () => {
      for (let i = 0; i < MAX_FAILURES; i++) expect((await postFrom('127.0.0.2', loginUrl(), { username: 'viewer1', password: 'wrong password' })).status).toBe(401);
      const refused = await postFrom('127.0.0.2', loginUrl(), { username: 'VIEWER1', password: passwords.viewer });
      expect(refused.status).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThan(WINDOW_S - 10);
      expect(Number(refused.retryAfter)).toBeLessThanOrEqual(WINDOW_S);
      expect(JSON.parse(refused.body)).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: expect.stringContaining('too many failed logins') });
    });

    it('refuses an address with 429 after failures for several names, while other addresses log in', async () => {
      for (let i = 0; i < MAX_FAILURES; i++) expect((await postFrom('127.0.0.4', loginUrl(), { username: `nobody${i}`, password: 'guess' })).status).toBe(401);
      const refused = await postFrom('127.0.0.4', loginUrl(), { username: 'planner1', password: passwords.planner });
      expect(refused.status).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
      expect((await postFrom('127.0.0.5', loginUrl(), { username: 'planner1', password: passwords.planner })).status).toBe(200);
    });

    it('forgets a user name\'s failures after a successful login', async () => {
      for (let i = 0; i < MAX_FAILURES - 1; i++) expect((await postFrom('127.0.0.6', loginUrl(), { username: 'operator1', password: 'wrong password' })).status).toBe(401);
      expect((await postFrom('127.0.0.7', loginUrl(), { username: 'operator1', password: passwords.operator })).status).toBe(200);
      for (let i = 0; i < MAX_FAILURES - 1; i++) expect((await postFrom('127.0.0.8', loginUrl(), { username: 'operator1', password: 'wrong password' })).status).toBe(401);
      // A success also forgets the name's failures from all addresses (GATEWAY_LOGIN_USER_MAX_FAILURES; libs/security's spec checks the count).
      expect((await postFrom('127.0.0.9', loginUrl(), { username: 'operator1', password: passwords.operator })).status).toBe(200);
    });

    it('ignores X-Forwarded-For unless GATEWAY_TRUST_PROXY names the proxy, and then counts each forwarded client on its own', async () => {
      // No trusted proxy: a client cannot dodge the per-address count by inventing forwarded addresses.
      for (let i = 0; i < MAX_FAILURES; i++) {
        expect((await postFrom('127.0.1.10', loginUrl(), { username: `xff-nobody${i}`, password: 'guess' }, { 'x-forwarded-for': `203.0.113.${i + 1}` })).status).toBe(401);
      }
      expect((await postFrom('127.0.1.10', loginUrl(), { username: 'xff-someone', password: 'guess' }, { 'x-forwarded-for': '203.0.113.99' })).status).toBe(429);

      // Behind a proxy on loopback: all requests come from it, and only the forwarded client that failed is refused.
      const behind = await startGateway({
        db: scratch.db,
        env: { GATEWAY_LOGIN_MAX_FAILURES: String(MAX_FAILURES), GATEWAY_LOGIN_WINDOW_S: String(WINDOW_S), GATEWAY_TRUST_PROXY: 'loopback' },
      });
      try {
        const url = `${behind.url}/api/auth/login`;
        for (let i = 0; i < MAX_FAILURES; i++) {
          expect((await postFrom('127.0.1.11', url, { username: `proxy-nobody${i}`, password: 'guess' }, { 'x-forwarded-for': '198.51.100.7' })).status).toBe(401);
        }
        expect((await postFrom('127.0.1.11', url, { username: 'proxy-someone', password: 'guess' }, { 'x-forwarded-for': '198.51.100.7' })).status).toBe(429);
        expect((await postFrom('127.0.1.11', url, { username: 'planner1', password: passwords.planner }, { 'x-forwarded-for': '198.51.100.8' })).status).toBe(200);
      } finally {
        await behind.close();
      }
    });
  });

  describe('HTTP hardening', () => {
    it('refuses a body over 1 MiB with 413 before reading it, except for the import', async () => {
      const big = { externalRef: 'big', lng: 4.9, lat: 52.37, district: 'Centrum', wasteType: 'glass', volumeL: 3000, note: 'x'.repeat(2 * 1024 * 1024) };
      expect(await call(`${gw.url}/api/containers`, { token: tokens.operator, body: big })).toMatchObject({ status: 413, body: { statusCode: 413, field: 'body' } });
      expect((await call(`${gw.url}/api/auth/login`, { body: { username: 'admin', password: 'p'.repeat(2 * 1024 * 1024) } })).status).toBe(413);
      // Rows long enough to pass 1 MiB, each refused for its waste type so that nothing is written.
      const address = 'Damrak '.repeat(50);
      const csv = ['external_ref,lng,lat,district,waste_type,volume_l,address', ...Array.from({ length: 3500 }, (_, i) => `imp-${i},4.9,52.37,Import,gold,3000,${address}`)].join('\n');
      expect(csv.length).toBeGreaterThan(1024 * 1024);
      expect(await call(`${gw.url}/api/containers/import`, { token: tokens.operator, body: csv, contentType: 'text/csv' })).toMatchObject({ status: 200, body: { received: 3500, rejected: 3500 } });
    });

    it('refuses a chunked body without Content-Length with 411, except for the import', async () => {
      const chunked = (path: string, body: string, contentType: string): Promise<{ status: number; body: string }> =>
        new Promise((resolve, reject) => {
          const req = request(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${tokens.operator}`, 'transfer-encoding': 'chunked' } }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          });
          req.on('error', reject);
          for (let i = 0; i < body.length; i += 1000) req.write(body.slice(i, i + 1000));
          req.end();
        });
      const refused = await chunked('/api/auth/login', JSON.stringify({ username: 'admin', password: 'p'.repeat(3 * 1024 * 1024) }), 'application/json');
      expect(refused.status).toBe(411);
      expect(JSON.parse(refused.body)).toMatchObject({ statusCode: 411, field: 'body' });
      const csv = ['external_ref,lng,lat,district,waste_type,volume_l', 'chunk-1,4.9,52.37,Import,gold,3000'].join('\n');
      const imported = await chunked('/api/containers/import', csv, 'text/csv');
      expect({ status: imported.status, body: JSON.parse(imported.body) as unknown }).toMatchObject({ status: 200, body: { received: 1, rejected: 1 } });
    });

    it('sends the security headers on API answers and the dashboard', async () => {
      for (const target of ['/api/health', '/api/containers', '/']) {
        const res = await fetchAll(`${gw.url}${target}`);
        expect({ target, csp: res.headers.get('content-security-policy') }).toEqual({ target, csp: expect.stringContaining("default-src 'self'") });
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        expect(res.headers.get('x-powered-by')).toBeNull();
      }
    });

    it('answers the configured origin with CORS headers, and no other origin', async () => {
      const preflight = (origin: string): Promise<Response> =>
        fetchAll(`${gw.url}/api/containers`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
      const allowed = await preflight(ALLOWED_ORIGIN);
      expect(allowed.status).toBeLessThan(300);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
      expect((await fetchAll(`${gw.url}/api/health`, { headers: { origin: ALLOWED_ORIGIN } })).headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      for (const origin of ['https://evil.example', 'null']) {
        for (const res of [await preflight(origin), await fetchAll(`${gw.url}/api/health`, { headers: { origin } })]) {
          // A browser lets a page read the answer only when this header names the page's origin (or is *).
          expect([null, ALLOWED_ORIGIN]).toContain(res.headers.get('access-control-allow-origin'));
        }
      }
    });
  });

  describe('roles on every route', () => {
    it('finds every route of the OpenAPI document in the application, each with an access rule', async () => {
      const routes = routesOf(gw);
      expect(routes.length).toBeGreaterThan(30);
      const doc = (await call<{ paths: Record<string, Record<string, unknown>> }>(`${gw.url}/api/openapi.json`)).body;
      const known = new Set(routes.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`));
      const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
      expect(documented.filter((d) => !known.has(d))).toEqual([]);
      // A route without @Roles or @Public is closed for everyone by the guard; it is a mistake all the same.
      expect(routes.filter((r) => r.rule === null).map((r) => r.name)).toEqual([]);
    });

    it('answers 401 without a token, 403 to each role below the rule, and lets the allowed roles through, on every route', async () => {
      const problems: string[] = [];
      let checked = 0;
      for (const route of routesOf(gw)) {
        if (!route.rule) continue;
        // A driver may ask for its own truck only: a route about a truck names the driver's.
        const url = `${gw.url}${route.path.replace(/:(\w+)/g, (_, name: string) => (name === 'vehicleId' ? DRIVER_TRUCK : 'none'))}`;
        const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined;
        const statusFor = async (token?: string): Promise<number> => (await call(url, { method: route.method, token, body })).status;
        const anonymous = await statusFor();
        if ('public' in route.rule) {
          if (anonymous === 401 || anonymous === 403) problems.push(`${route.method} ${route.path}: public route refused without a token (${anonymous})`);
          checked++;
          continue;
        }
        if (anonymous !== 401) problems.push(`${route.method} ${route.path}: ${anonymous} without a token, expected 401`);
        for (const role of ROLES) {
          const status = await statusFor(tokens[role]);
          const allowed = roleAllows(role, route.rule.roles);
          if (allowed && (status === 401 || status === 403)) problems.push(`${route.method} ${route.path}: ${role} refused (${status}), the rule is ${route.rule.roles.join('/')}`);
          if (!allowed && status !== 403) problems.push(`${route.method} ${route.path}: ${role} got ${status}, expected 403 (rule ${route.rule.roles.join('/')})`);
          if (status >= 500) problems.push(`${route.method} ${route.path}: ${role} got ${status}`);
        }
        checked++;
      }
      expect(problems).toEqual([]);
      expect(checked).toBeGreaterThan(30);
    });
  });

  describe('socket.io rooms by role', () => {
    it('refuses a handshake without a token or with a forged one', async () => {
      await expect(connect(gw.url, null)).rejects.toThrow(/unauthenticated/);
      await expect(connect(gw.url, `${tokens.viewer.slice(0, -4)}AAAA`)).rejects.toThrow(/unauthenticated/);
    });

    it('lets each role into the district and route rooms its rule allows', async () => {
      const route = `route:truck-1:${today}`;
      const expected: Record<string, string[]> = {
        viewer: ['district:Centrum', 'district:Noord'],
        planner: ['district:Centrum', 'district:Noord', route],
        operator: ['district:Centrum', 'district:Noord', route],
        admin: ['district:Centrum', 'district:Noord', route],
        'noord.planner': ['district:Noord'],
      };
      const tokenOf: Record<string, string> = { ...tokens, 'noord.planner': await login(gw.url, 'noord.planner', 'noord-password-1') };
      for (const [who, rooms] of Object.entries(expected)) {
        const socket = await connect(gw.url, tokenOf[who]!);
        sockets.push(socket);
        const answer = await join(socket, ['district:Centrum', 'district:Noord', route]);
        expect({ who, joined: answer.joined }).toEqual({ who, joined: rooms });
        expect(answer.refused.map((r) => r.room).sort()).toEqual(['district:Centrum', 'district:Noord', route].filter((r) => !rooms.includes(r)).sort());
      }
    });
  });

  describe('secrets in the logs', () => {
    it('writes no password, token or webhook secret to the log of logins, failed logins and secret changes', async () => {
      const before = logLines.length;
      const secret = `webhook-secret-${Math.random().toString(36).slice(2)}`;
      const wrong = `not-the-password-${Math.random().toString(36).slice(2)}`;
      const token = await login(gw.url, 'planner1', passwords.planner);
      expect((await postFrom('127.0.0.10', `${gw.url}/api/auth/login`, { username: 'planner1', password: wrong })).status).toBe(401);
      expect((await call(`${gw.url}/api/webhooks`, { token: tokens.admin, body: { url: 'https://example.invalid/hook', secret, causes: ['temperature_high'] } })).status).toBe(201);
      const newPassword = `changed-password-${Math.random().toString(36).slice(2)}`;
      const [viewer] = (await call<Array<{ id: string; username: string }>>(`${gw.url}/api/users`, { token: tokens.admin })).body.filter((u) => u.username === 'viewer1');
      expect((await call(`${gw.url}/api/users/${viewer!.id}`, { method: 'PATCH', token: tokens.admin, body: { password: newPassword } })).status).toBe(200);

      const written = logLines.slice(before).join('\n');
      // The log saw these requests (so an empty capture cannot pass).
      expect(written).toContain('login failed');
      for (const value of [passwords.planner, wrong, token, secret, newPassword, ...Object.values(tokens)]) expect(written).not.toContain(value);
      const audit = JSON.stringify((await scratch.db.query('SELECT * FROM audit_log')).rows);
      for (const value of [passwords.planner, wrong, token, secret, newPassword]) expect(audit).not.toContain(value);
    });

    it('prints a new device secret once, for the person who asked, and logs it nowhere', async () => {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-r', './tools/register.js', 'apps/cli/src/main.ts', 'device-secret', 'sec-d0'], {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: scratch.url, LOG_LEVEL: 'debug', LOG_JSON: 'true' },
        timeout: 60_000,
      });
      const secret = /^secret: (\S+)$/m.exec(stdout)?.[1];
      expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect((stdout + stderr).split(secret!).length - 1).toBe(1);
      const audit = (await scratch.db.query<{ action: string; detail: unknown }>("SELECT action, detail FROM audit_log WHERE action = 'device.secret'")).rows;
      expect(audit).toEqual([{ action: 'device.secret', detail: { externalRef: 'sec-d0' } }]);
      expect(JSON.stringify(audit)).not.toContain(secret);
    });
  });
});

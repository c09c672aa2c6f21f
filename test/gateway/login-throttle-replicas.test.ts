import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import Redis from 'ioredis';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { call, type RunningGateway, startGateway, ADMIN_PASSWORD, login } from './support/gateway-app';
import { testPostgresUrl, testRedisUrl } from '../support/services';

jest.setTimeout(90_000);

const MAX_FAILURES = 3;

/** A login POST from a chosen loopback address, so the case has client addresses of its own. */
function loginFrom(localAddress: string, url: string, username: string, password: string): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify({ username, password });
    const req = request(`${url}/api/auth/login`, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

// Two gateway replicas on one database and one Redis: the failed-login limits are counted in Redis, so a
// guesser gets them once in all, not once per replica.
describe('login throttling across gateway replicas', () => {
  const prefix = `vulgraad-test:${randomUUID()}`;
  let scratch: ScratchDatabase;
  let first: RunningGateway;
  let second: RunningGateway;
  const password = `replica-password-${randomUUID()}`;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'gw_login_replicas' });
    const env = {
      REDIS_URL: testRedisUrl(),
      GATEWAY_LOGIN_REDIS_PREFIX: `${prefix}:login`,
      GATEWAY_SOCKET_REDIS_PREFIX: `${prefix}:socket.io`,
      GATEWAY_LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      GATEWAY_LOGIN_WINDOW_S: '300',
    };
    first = await startGateway({ db: scratch.db, env });
    second = await startGateway({ db: scratch.db, env });
    const admin = await login(first.url, 'admin', ADMIN_PASSWORD);
    expect((await call(`${first.url}/api/users`, { token: admin, body: { username: 'replica.user', password, role: 'viewer' } })).status).toBe(201);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await scratch?.drop();
    const redis = new Redis(testRedisUrl());
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('refuses a user at an address on one replica after failures spread over both', async () => {
    expect((await loginFrom('127.0.4.1', first.url, 'replica.user', 'wrong password')).status).toBe(401);
    expect((await loginFrom('127.0.4.1', second.url, 'replica.user', 'wrong password')).status).toBe(401);
    expect((await loginFrom('127.0.4.1', first.url, 'replica.user', 'wrong password')).status).toBe(401);
    // Three failures in all: both replicas now refuse, even the right password, and say when to come back.
    const refusedSecond = await loginFrom('127.0.4.1', second.url, 'replica.user', password);
    expect(refusedSecond.status).toBe(429);
    expect(Number(refusedSecond.retryAfter)).toBeGreaterThan(0);
    expect((await loginFrom('127.0.4.1', first.url, 'replica.user', password)).status).toBe(429);
    // From another address the user still logs in, on either replica.
    expect((await loginFrom('127.0.4.2', second.url, 'replica.user', password)).status).toBe(200);
  });

  it('does not count successful logins against the limit on either replica', async () => {
    for (let i = 0; i < MAX_FAILURES + 2; i++) {
      const gw = i % 2 === 0 ? first : second;
      expect((await loginFrom('127.0.4.3', gw.url, 'replica.user', password)).status).toBe(200);
    }
  });

  it('counts parallel guesses sent to both replicas together', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => loginFrom('127.0.4.4', (i % 2 === 0 ? first : second).url, 'replica.user', 'wrong password')));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(MAX_FAILURES);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(12 - MAX_FAILURES);
  });
});

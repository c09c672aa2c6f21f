import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { PLANNER_QUEUE } from '@vulgraad/contracts';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { ADMIN_PASSWORD, call, login, type RunningGateway, startGateway } from './support/gateway-app';
import { testPostgresUrl, testRedisUrl } from '../support/services';

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
});

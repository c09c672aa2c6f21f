import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { testMqttUrl, testPostgresUrl, testRedisUrl } from '../support/services';
import { type AllInOneProcess, startAllInOneProcess } from './support/all-in-one-process';
import { eventually, login } from './support/api';

// The same `npm start` process with every embedded part switched to the machine's real one:
// DATABASE_URL (a scratch database, migrated by the process itself), MQTT_URL (Mosquitto, MQTT 5
// with a shared subscription) and REDIS_URL (BullMQ jobs, Redis events, the socket.io adapter).
// Topic, queue, client and socket prefixes are unique to this run.
describe('npm start on the real PostgreSQL, Mosquitto and Redis', () => {
  const run = randomBytes(4).toString('hex');
  const queuePrefix = `vgtest-aio-${run}`;
  let scratch: ScratchDatabase;
  let current: AllInOneProcess | null = null;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'all_in_one', migrate: false });
  });

  afterAll(async () => {
    current?.kill();
    await scratch?.drop();
    const redis = new Redis(testRedisUrl());
    const keys = await redis.keys(`${queuePrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('registers the city in PostgreSQL, takes readings through Mosquitto, plans through BullMQ on Redis, and stops cleanly', async () => {
    current = await startAllInOneProcess({
      DATABASE_URL: scratch.url,
      MQTT_URL: testMqttUrl(),
      REDIS_URL: testRedisUrl(),
      GATEWAY_PORT: '0',
      INGEST_TOPIC_PREFIX: `vgtest/aio-${run}/`,
      INGEST_CLIENT_ID: `vgtest-aio-${run}`,
      INGEST_SHARE_GROUP: `vgtest-aio-${run}`,
      INGEST_SESSION_EXPIRY_S: '0',
      PLANNER_QUEUE_PREFIX: queuePrefix,
      GATEWAY_SOCKET_REDIS_PREFIX: `${queuePrefix}:socket.io`,
      DEMO_CONTAINERS: '60',
      DEMO_DISTRICTS: '1',
      DEMO_FRACTIONS: 'residual',
      LOG_LEVEL: 'warn',
    });
    const out = current.output();
    expect(out).toMatch(/database\s+PostgreSQL \(DATABASE_URL\)/);
    expect(out).toMatch(/jobs\/events\s+bullmq \/ redis/);
    expect(out).toContain(`MQTT         ${testMqttUrl()}`);

    const api = await login(current.url, 'admin', 'vulgraad-demo');
    const containers = await api.get<{ features: unknown[] }>('api/containers');
    expect(containers.features).toHaveLength(60);

    // Rows land in the real database, through the real broker.
    await eventually('readings in PostgreSQL', async () => {
      const { rows } = await scratch.db.query<{ n: number }>('SELECT count(*)::int AS n FROM readings');
      return (rows[0]?.n ?? 0) >= 60 ? true : null;
    });
    const plan = await eventually('a plan', async () => {
      const { rows } = await scratch.db.query<{ id: string }>("SELECT id FROM plans WHERE status = 'published' LIMIT 1");
      return rows[0] ?? null;
    });
    expect((await api.get<Array<{ id: string }>>('api/plans')).map((p) => p.id)).toContain(plan.id);

    // The planner's jobs ran on BullMQ under this run's prefix.
    const redis = new Redis(testRedisUrl());
    try {
      expect((await redis.keys(`${queuePrefix}:planner:*`)).length).toBeGreaterThan(0);
    } finally {
      await redis.quit();
    }

    expect(await current.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    current = null;
  }, 240_000);
});

import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { type LoginThrottlerStorage, MemoryThrottlerStorage, RedisThrottlerStorage } from './login-throttler.storage';
import { testRedisUrl } from '../../../../test/support/services';

// The same contract for both storages: the Redis one against the machine's Redis, under a prefix of its own.
const prefix = `vulgraad-test:login:${randomUUID()}`;
const storages: Array<[string, () => LoginThrottlerStorage & { onApplicationShutdown?: () => Promise<void> }]> = [
  ['memory', () => new MemoryThrottlerStorage()],
  ['redis', () => new RedisThrottlerStorage(testRedisUrl(), prefix)],
];

afterAll(async () => {
  const redis = new Redis(testRedisUrl());
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe.each(storages)('%s throttler storage', (_name, make) => {
  let sut: ReturnType<typeof make>;
  beforeEach(() => {
    sut = make();
  });
  afterEach(async () => {
    await sut.onApplicationShutdown?.();
  });

  it('counts hits up to the limit, then blocks for the block duration and counts no further', async () => {
    const key = `k-${randomUUID()}`;
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await sut.increment(key, 60_000, 3, 30_000, 'login'));
    expect(answers.map((a) => a.isBlocked)).toEqual([false, false, false, true, true]);
    expect(answers.map((a) => a.totalHits)).toEqual([1, 2, 3, 4, 4]);
    expect(answers[0].timeToExpire).toBe(60);
    expect(answers[3].timeToBlockExpire).toBe(30);
    expect(answers[4].timeToBlockExpire).toBeGreaterThanOrEqual(29);
    expect(answers[4].timeToBlockExpire).toBeLessThanOrEqual(30);
    // Another key and another throttler name are counted apart.
    expect((await sut.increment(`${key}-other`, 60_000, 3, 30_000, 'login')).totalHits).toBe(1);
    expect((await sut.increment(key, 60_000, 3, 30_000, 'other')).totalHits).toBe(1);
  });

  it('takes a hit back and forgets a key, never going below zero', async () => {
    const key = `k-${randomUUID()}`;
    await sut.increment(key, 60_000, 2, 30_000, 'login');
    await sut.increment(key, 60_000, 2, 30_000, 'login');
    await sut.release(key, 'login');
    expect((await sut.increment(key, 60_000, 2, 30_000, 'login'))).toMatchObject({ totalHits: 2, isBlocked: false });
    await sut.reset(key, 'login');
    await sut.release(key, 'login');
    expect((await sut.increment(key, 60_000, 2, 30_000, 'login'))).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('starts a new window once the hits expire', async () => {
    const key = `k-${randomUUID()}`;
    expect((await sut.increment(key, 50, 1, 50, 'login')).isBlocked).toBe(false);
    expect((await sut.increment(key, 50, 1, 50, 'login')).isBlocked).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await sut.increment(key, 50, 1, 50, 'login')).toMatchObject({ totalHits: 1, isBlocked: false });
  });
});

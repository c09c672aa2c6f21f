import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { BullMqJobRunner } from '@vulgraad/jobs';
import { jobRunnerContract } from '../../libs/jobs/src/testing/runner-contract';
import { testRedisUrl } from '../support/services';

// Every run gets its own key prefix, so parallel runs and earlier runs never meet.
const prefix = `vgtest-jobs-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

// Scratch databases and Redis round trips are slow on a loaded two-core machine.
jest.setTimeout(60_000);

describe(BullMqJobRunner.name, () => {
  afterAll(async () => {
    const redis = new Redis(testRedisUrl());
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  jobRunnerContract(() => new BullMqJobRunner({ redisUrl: testRedisUrl(), prefix }));

  it('creates its daily schedule as a BullMQ job scheduler with a cron pattern in the city\'s zone', async () => {
    const sut = new BullMqJobRunner({ redisUrl: testRedisUrl(), prefix });
    try {
      await sut.schedule('cron-check', 'daily-west', { dailyAtMin: 18 * 60 + 5, timeZone: 'Europe/Amsterdam' }, { name: 'daily', data: {} });
      const [schedule] = await sut.schedules('cron-check');
      expect(schedule.id).toBe('daily-west');
      const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      expect(local.format(schedule.nextMs as number)).toBe('18:05');
    } finally {
      await sut.close();
    }
  });
});

import { RedisEventBus } from '@vulgraad/events';
import { testRedisUrl } from '../support/services';

describe(RedisEventBus.name, () => {
  it('carries an event from one process-side bus to another through the real Redis', async () => {
    const prefix = `test:${process.pid}:${Date.now()}:`;
    const publisher = new RedisEventBus(testRedisUrl(), prefix);
    const sut = new RedisEventBus(testRedisUrl(), prefix);
    try {
      const received = new Promise<string>((resolve) => {
        void sut.subscribe('plan.published', (p) => resolve(p.planId));
      });
      await new Promise((r) => setTimeout(r, 100));
      await publisher.publish('plan.published', {
        planId: 'p-1', district: 'centrum', fraction: 'residual', shiftDate: '2026-11-29', version: 1, trigger: 'daily',
      });
      await expect(received).resolves.toBe('p-1');
    } finally {
      await Promise.all([publisher.close(), sut.close()]);
    }
  });
});

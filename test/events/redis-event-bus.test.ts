import { RedisEventBus } from '@vulgraad/events';
import { testRedisUrl } from '../support/services';

describe(RedisEventBus.name, () => {
  it('carries an event from one process-side bus to another through the real Redis', async () => {
    const prefix = `test:${process.pid}:${Date.now()}:`;
    const publisher = new RedisEventBus(testRedisUrl(), prefix);
    const sut = new RedisEventBus(testRedisUrl(), prefix);
    try {
      let resolveReceived: (planId: string) => void = () => undefined;
      const received = new Promise<string>((resolve) => {
        resolveReceived = resolve;
      });
      // subscribe resolves once Redis confirmed the subscription, so the publish cannot race it.
      await sut.subscribe('plan.published', (p) => resolveReceived(p.planId));
      await publisher.publish('plan.published', {
        planId: 'p-1', district: 'centrum', fraction: 'residual', shiftDate: '2026-11-29', version: 1, trigger: 'daily',
      });
      await expect(received).resolves.toBe('p-1');
    } finally {
      await Promise.all([publisher.close(), sut.close()]);
    }
  });
});

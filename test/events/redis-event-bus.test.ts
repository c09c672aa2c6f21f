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

  it('hands the events of a list to the subscribers one by one, in order, beside the single ones', async () => {
    const prefix = `test:${process.pid}:${Date.now()}:list:`;
    const publisher = new RedisEventBus(testRedisUrl(), prefix);
    const sut = new RedisEventBus(testRedisUrl(), prefix);
    const state = (containerId: string, fillPct: number) => ({
      containerId, district: 'centrum', wasteType: 'residual' as const, deviceId: `${containerId}-s`, fillPct, temperatureC: 12, batteryPct: 90, flags: [], measuredAt: '2026-12-07T10:00:00.000Z',
    });
    try {
      const seen: string[] = [];
      let resolveAll: () => void = () => undefined;
      const all = new Promise<void>((resolve) => {
        resolveAll = resolve;
      });
      await sut.subscribe('container.state', (s) => {
        seen.push(`${s.containerId}:${s.fillPct}`);
        if (seen.length === 5) resolveAll();
      });
      await publisher.publishAll('container.state', [state('c1', 10), state('c2', 20), state('c1', 11)]);
      await publisher.publish('container.state', state('c3', 30));
      await publisher.publishAll('container.state', [state('c4', 40)]);
      await publisher.publishAll('container.state', []);
      await all;
      expect(seen).toEqual(['c1:10', 'c2:20', 'c1:11', 'c3:30', 'c4:40']);
    } finally {
      await Promise.all([publisher.close(), sut.close()]);
    }
  });
});

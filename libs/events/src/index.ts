export * from './event-bus';
export { InProcessEventBus } from './in-process-event-bus';
export { RedisEventBus } from './redis-event-bus';

import type { EventBus } from './event-bus';
import { InProcessEventBus } from './in-process-event-bus';
import { RedisEventBus } from './redis-event-bus';

/** Redis (channels under `prefix`) when a URL is configured, otherwise the in-process bus of the all-in-one. */
export function createEventBus(redisUrl: string | null, prefix: string, onError?: (error: unknown) => void): EventBus {
  return redisUrl ? new RedisEventBus(redisUrl, prefix, onError) : new InProcessEventBus(onError);
}

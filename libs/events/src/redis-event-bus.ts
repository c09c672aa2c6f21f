import Redis from 'ioredis';
import type { EventMap, EventName } from '@vulgraad/contracts';
import { EventBus, EventHandler, runHandler } from './event-bus';

/**
 * Redis pub/sub between processes. One channel per event name under a prefix,
 * so several deployments can share a Redis.
 */
export class RedisEventBus implements EventBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, Set<EventHandler<EventName>>>();

  constructor(
    redisUrl: string,
    private readonly prefix = 'vulgraad:events:',
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    // Auto-pipelining: the states of one committed batch leave in one write, not one round trip each.
    this.publisher = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false, enableAutoPipelining: true });
    this.subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    this.publisher.on('error', onError);
    this.subscriber.on('error', onError);
    this.subscriber.on('message', (channel: string, message: string) => {
      const handlers = this.handlers.get(channel);
      if (!handlers) return;
      let payload: unknown;
      try {
        payload = JSON.parse(message);
      } catch (error) {
        this.onError(error);
        return;
      }
      for (const handler of handlers) void runHandler(handler, payload as EventMap[EventName], this.onError);
    });
  }

  async publish<E extends EventName>(event: E, payload: EventMap[E]): Promise<void> {
    await this.publisher.publish(this.prefix + event, JSON.stringify(payload));
  }

  async subscribe<E extends EventName>(event: E, handler: EventHandler<E>): Promise<() => Promise<void>> {
    const channel = this.prefix + event;
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      await this.subscriber.subscribe(channel);
    }
    set.add(handler as EventHandler<EventName>);
    return async () => {
      set.delete(handler as EventHandler<EventName>);
      if (set.size === 0) {
        this.handlers.delete(channel);
        await this.subscriber.unsubscribe(channel);
      }
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
  }
}

import Redis from 'ioredis';
import type { EventMap, EventName } from '@vulgraad/contracts';
import { EventBus, EventHandler, runHandler } from './event-bus';

/** The channel that carries lists of an event (publishAll), beside the event's own. */
const LIST_SUFFIX = ':list';

/**
 * Redis pub/sub between processes. One channel per event name under a prefix,
 * so several deployments can share a Redis, and one beside it for lists of
 * that event (publishAll): a committed batch's states go as one message,
 * where one each cost the publisher, Redis and every subscriber a command and
 * a message per state. A subscriber listens on both and hands each event of
 * a list to its handlers in order, as if published one by one (subscribers
 * must run this version before publishers send lists).
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
      const isList = channel.endsWith(LIST_SUFFIX);
      const handlers = this.handlers.get(isList ? channel.slice(0, -LIST_SUFFIX.length) : channel);
      if (!handlers) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(message);
      } catch (error) {
        this.onError(error);
        return;
      }
      const payloads = isList ? (Array.isArray(parsed) ? parsed : []) : [parsed];
      for (const payload of payloads) for (const handler of handlers) void runHandler(handler, payload as EventMap[EventName], this.onError);
    });
  }

  async publish<E extends EventName>(event: E, payload: EventMap[E]): Promise<void> {
    await this.publisher.publish(this.prefix + event, JSON.stringify(payload));
  }

  async publishAll<E extends EventName>(event: E, payloads: readonly EventMap[E][]): Promise<void> {
    if (payloads.length === 0) return;
    if (payloads.length === 1) return this.publish(event, payloads[0]!);
    await this.publisher.publish(this.prefix + event + LIST_SUFFIX, JSON.stringify(payloads));
  }

  async subscribe<E extends EventName>(event: E, handler: EventHandler<E>): Promise<() => Promise<void>> {
    const channel = this.prefix + event;
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      await this.subscriber.subscribe(channel, channel + LIST_SUFFIX);
    }
    set.add(handler as EventHandler<EventName>);
    return async () => {
      set.delete(handler as EventHandler<EventName>);
      if (set.size === 0) {
        this.handlers.delete(channel);
        await this.subscriber.unsubscribe(channel, channel + LIST_SUFFIX);
      }
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
  }
}

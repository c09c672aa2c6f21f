import type { EventMap, EventName } from '@vulgraad/contracts';
import { EventBus, EventHandler, runHandler } from './event-bus';

const NOTHING_TO_DELIVER: Promise<void> = Promise.resolve();

/** The bus of the all-in-one process: handlers run on the next tick, in subscription order. */
export class InProcessEventBus implements EventBus {
  private readonly handlers = new Map<EventName, Set<EventHandler<EventName>>>();

  constructor(private readonly onError: (error: unknown) => void = () => undefined) {}

  publish<E extends EventName>(event: E, payload: EventMap[E]): Promise<void> {
    const subscribed = this.handlers.get(event);
    // Nobody listens (an ingest process of its own publishes a state per container per batch): nothing to schedule.
    if (subscribed === undefined || subscribed.size === 0) return NOTHING_TO_DELIVER;
    return this.deliver([...subscribed] as EventHandler<E>[], payload);
  }

  publishAll<E extends EventName>(event: E, payloads: readonly EventMap[E][]): Promise<void> {
    const subscribed = this.handlers.get(event);
    if (subscribed === undefined || subscribed.size === 0 || payloads.length === 0) return NOTHING_TO_DELIVER;
    const handlers = [...subscribed] as EventHandler<E>[];
    return Promise.all(payloads.map((payload) => this.deliver(handlers, payload))).then(() => undefined);
  }

  private async deliver<E extends EventName>(handlers: EventHandler<E>[], payload: EventMap[E]): Promise<void> {
    await Promise.resolve();
    await Promise.all(handlers.map((handler) => runHandler(handler, payload, this.onError)));
  }

  async subscribe<E extends EventName>(event: E, handler: EventHandler<E>): Promise<() => Promise<void>> {
    const set = this.handlers.get(event) ?? new Set();
    set.add(handler as EventHandler<EventName>);
    this.handlers.set(event, set);
    return async () => {
      set.delete(handler as EventHandler<EventName>);
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

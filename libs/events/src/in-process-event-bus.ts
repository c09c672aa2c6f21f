import type { EventMap, EventName } from '@vulgraad/contracts';
import { EventBus, EventHandler, runHandler } from './event-bus';

/** The bus of the all-in-one process: handlers run on the next tick, in subscription order. */
export class InProcessEventBus implements EventBus {
  private readonly handlers = new Map<EventName, Set<EventHandler<EventName>>>();

  constructor(private readonly onError: (error: unknown) => void = () => undefined) {}

  async publish<E extends EventName>(event: E, payload: EventMap[E]): Promise<void> {
    const handlers = [...(this.handlers.get(event) ?? [])] as EventHandler<E>[];
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

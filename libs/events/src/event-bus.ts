import type { EventMap, EventName } from '@vulgraad/contracts';

export type EventHandler<E extends EventName> = (payload: EventMap[E]) => void | Promise<void>;

/**
 * How the apps tell each other what happened. Publish only after the state
 * the event describes is committed. Delivery is at most once per subscriber:
 * consumers that must not miss anything reconcile from the database on start.
 */
export interface EventBus {
  publish<E extends EventName>(event: E, payload: EventMap[E]): Promise<void>;
  /**
   * Several events of one name at once, in order (the states of a committed
   * batch): subscribers get them one by one, as from publish(), while the
   * bus may carry them as one message.
   */
  publishAll<E extends EventName>(event: E, payloads: readonly EventMap[E][]): Promise<void>;
  /** Returns a function that removes the subscription. */
  subscribe<E extends EventName>(event: E, handler: EventHandler<E>): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Handlers must not throw into the publisher: an error is reported and the others still run. */
export async function runHandler<E extends EventName>(
  handler: EventHandler<E>,
  payload: EventMap[E],
  onError: (error: unknown) => void,
): Promise<void> {
  try {
    await handler(payload);
  } catch (error) {
    onError(error);
  }
}

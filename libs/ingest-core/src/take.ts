import type { ParseResult } from '@vulgraad/contracts';
import { parseMessage } from '@vulgraad/payloads';
import type { IngestMessage, Refusal, TakenMessage } from './types';

/**
 * Correlation ids for messages that bring none: a prefix the caller makes
 * unique per process (random, so replicas never collide) and a counter,
 * cheap enough for every message.
 */
export class CorrelationIds {
  private next = 0;

  constructor(private readonly prefix: string) {}

  take(): string {
    return this.prefix + (this.next++).toString(36);
  }
}

/** A transport's refusal as the result of reading the message: it is kept as rejected with that reason. */
const refused = (refusal: Refusal): ParseResult => ({ ok: false, ...refusal });

/**
 * Step 1, per message as it arrives: read it (or take a transport's own
 * reading of it) and give it its correlation id. The id rides on the reading
 * to the stored row, the events and the rejected row. A message the
 * transport refused (message.refusal) is that refusal, whatever was read.
 */
export function takeMessage<M extends IngestMessage>(message: M, read: ParseResult, ids: CorrelationIds): TakenMessage<M> {
  const parsed = message.refusal ? refused(message.refusal) : read;
  let correlationId = parsed.ok ? parsed.reading.correlationId : undefined;
  if (!correlationId) {
    correlationId = ids.take();
    if (parsed.ok) parsed.reading.correlationId = correlationId;
  }
  return { message, parsed, correlationId };
}

/** Parse options reused for every message (one object, not one per call). */
export interface ReadOptions {
  maxPayloadBytes: number;
}

/** parseMessage of @vulgraad/payloads, then takeMessage; a refused message is not parsed. */
export function readMessage<M extends IngestMessage>(message: M, options: ReadOptions, ids: CorrelationIds): TakenMessage<M> {
  return takeMessage(message, message.refusal ? refused(message.refusal) : parseMessage(message.topic, message.payload, options), ids);
}

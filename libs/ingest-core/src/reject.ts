import type { RejectReason } from '@vulgraad/contracts';
import { withoutNul } from '@vulgraad/payloads';
import type { IngestMessage, RejectedRow } from './types';

/** A rejected row for a message: its first keepBytes bytes and the size sent, where it came from, why, and its ids (NUL made visible). */
export function rejectedRow(
  message: IngestMessage,
  keepBytes: number,
  reason: RejectReason,
  detail: string,
  ids: { deviceRef?: string; format?: string; correlationId?: string },
): RejectedRow {
  const payload = message.payload;
  return {
    receivedAt: message.receivedAt,
    topic: withoutNul(message.brokerTopic ?? message.topic),
    payload: payload.subarray(0, keepBytes),
    payloadSize: message.payloadSize ?? payload.byteLength,
    reason,
    detail: withoutNul(detail),
    deviceRef: ids.deviceRef === undefined ? null : withoutNul(ids.deviceRef),
    format: ids.format ?? null,
    correlationId: ids.correlationId === undefined ? null : withoutNul(ids.correlationId),
  };
}

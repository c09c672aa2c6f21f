import type { Queryable } from '../database';
import { chunksFor, toDate, valuesList } from './sql-helpers';

/** A message that did not become a reading, as stored for a person to look at. */
export interface RejectedMessage {
  receivedAt: Date;
  topic: string;
  /** The first bytes of the payload; payloadSize is the original size. */
  payload: Uint8Array;
  payloadSize: number;
  reason: string;
  detail: string;
  deviceRef: string | null;
  format: string | null;
  correlationId: string | null;
}

export interface StoredRejectedMessage extends RejectedMessage {
  id: number;
}

const WIDTH = 9;
const CASTS = ['timestamptz', 'text', 'bytea', 'int4', 'text', 'text', 'text', 'text', 'text'];
/* Params per row: received_at, topic, payload, payload_size, reason, detail, device_ref, format, correlation_id. */
const insertSql = (rows: number): string => `
  INSERT INTO rejected_messages (received_at, topic, payload, payload_size, reason, detail, device_ref, format, correlation_id)
  VALUES ${valuesList(rows, WIDTH, CASTS)}`;

/** -- Params: $1 reason (null = all), $2 since, $3 limit */
const SELECT_RECENT = `
  SELECT id, received_at, topic, payload, payload_size, reason, detail, device_ref, format, correlation_id
  FROM rejected_messages
  WHERE ($1::text IS NULL OR reason = $1) AND received_at >= $2
  ORDER BY received_at DESC, id DESC LIMIT $3`;
/** -- Params: $1 since */
const COUNT_BY_REASON = `
  SELECT reason, count(*)::int AS count FROM rejected_messages WHERE received_at >= $1 GROUP BY reason ORDER BY reason`;

interface Row {
  id: number;
  received_at: Date;
  topic: string;
  payload: Uint8Array;
  payload_size: number;
  reason: string;
  detail: string;
  device_ref: string | null;
  format: string | null;
  correlation_id: string | null;
}

/** The dead-letter table of the ingest. */
export class RejectedMessagesRepository {
  constructor(private readonly db: Queryable) {}

  async insertMany(messages: readonly RejectedMessage[]): Promise<void> {
    for (const chunk of chunksFor(messages, WIDTH)) {
      const params = chunk.flatMap((m) => [
        m.receivedAt, m.topic, Buffer.from(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength), m.payloadSize,
        m.reason, m.detail, m.deviceRef, m.format, m.correlationId,
      ]);
      await this.db.query(insertSql(chunk.length), params);
    }
  }

  async recent(filter: { reason?: string; since?: Date; limit?: number } = {}): Promise<StoredRejectedMessage[]> {
    const { rows } = await this.db.query<Row>(SELECT_RECENT, [filter.reason ?? null, filter.since ?? new Date(0), filter.limit ?? 100]);
    return rows.map((r) => ({
      id: Number(r.id),
      receivedAt: toDate(r.received_at),
      topic: r.topic,
      payload: r.payload,
      payloadSize: r.payload_size,
      reason: r.reason,
      detail: r.detail,
      deviceRef: r.device_ref,
      format: r.format,
      correlationId: r.correlation_id,
    }));
  }

  async countByReason(since: Date = new Date(0)): Promise<Record<string, number>> {
    const { rows } = await this.db.query<{ reason: string; count: number }>(COUNT_BY_REASON, [since]);
    return Object.fromEntries(rows.map((r) => [r.reason, r.count]));
  }
}

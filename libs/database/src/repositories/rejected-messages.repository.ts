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

/** The message names a device bound now to a container of one of the districts in the given parameter (null = any message). */
const IN_DISTRICTS = (param: string): string => `(${param}::text[] IS NULL OR EXISTS (
    SELECT 1 FROM devices d
    JOIN device_bindings b ON b.device_id = d.id AND b.valid_to IS NULL
    JOIN containers c ON c.id = b.container_id
    WHERE (d.external_ref = m.device_ref OR d.dev_eui = m.device_ref) AND c.district = ANY (${param}::text[])))`;
/** -- Params: $1 reason (null = all), $2 since, $3 limit, $4 districts text[] (null = all) */
const SELECT_RECENT = `
  SELECT id, received_at, topic, payload, payload_size, reason, detail, device_ref, format, correlation_id
  FROM rejected_messages m
  WHERE ($1::text IS NULL OR reason = $1) AND received_at >= $2 AND ${IN_DISTRICTS('$4')}
  ORDER BY received_at DESC, id DESC LIMIT $3`;
/** -- Params: $1 since, $2 districts text[] (null = all) */
const COUNT_BY_REASON = `
  SELECT reason, count(*)::int AS count FROM rejected_messages m WHERE received_at >= $1 AND ${IN_DISTRICTS('$2')} GROUP BY reason ORDER BY reason`;
/** -- Params: $1 cutoff, $2 limit. Deletes the oldest rows received before the cutoff, at most limit of them. */
const DELETE_OLDER = `
  DELETE FROM rejected_messages WHERE id IN (SELECT id FROM rejected_messages WHERE received_at < $1 ORDER BY received_at LIMIT $2)`;

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

  /** Newest first; `districts` keeps the messages of devices bound now in those districts (null = all). */
  async recent(filter: { reason?: string; since?: Date; limit?: number; districts?: readonly string[] | null } = {}): Promise<StoredRejectedMessage[]> {
    const { rows } = await this.db.query<Row>(SELECT_RECENT, [filter.reason ?? null, filter.since ?? new Date(0), filter.limit ?? 100, filter.districts ?? null]);
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

  async countByReason(since: Date = new Date(0), districts: readonly string[] | null = null): Promise<Record<string, number>> {
    const { rows } = await this.db.query<{ reason: string; count: number }>(COUNT_BY_REASON, [since, districts]);
    return Object.fromEntries(rows.map((r) => [r.reason, r.count]));
  }

  /** Removes messages received before the cutoff, in rounds of at most batchSize rows; returns how many went. */
  async deleteOlderThan(cutoff: Date, batchSize = 10_000): Promise<number> {
    let deleted = 0;
    for (;;) {
      const { rowCount } = await this.db.query(DELETE_OLDER, [cutoff, batchSize]);
      deleted += rowCount ?? 0;
      if ((rowCount ?? 0) < batchSize) return deleted;
    }
  }
}

import type { AlertCause } from '@vulgraad/contracts';
import type { Database } from '@vulgraad/database';

/** A receiver of alert changes. */
export interface Webhook {
  id: string;
  url: string;
  description: string | null;
  causes: AlertCause[] | null;
  districts: string[] | null;
  active: boolean;
  createdAt: Date;
  createdBy: string | null;
}

export interface WebhookInput {
  url: string;
  secret: string;
  description?: string | null;
  causes?: AlertCause[] | null;
  districts?: string[] | null;
  active?: boolean;
}

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

/** One event on its way to one webhook. */
export interface WebhookDelivery {
  id: number;
  webhookId: string;
  event: string;
  payload: unknown;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

/** A claimed delivery with what is needed to send it. */
export interface ClaimedDelivery extends WebhookDelivery {
  url: string;
  secret: string;
}

export interface DeliveryAttempt {
  deliveryId: number;
  attempt: number;
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

const WEBHOOK_COLUMNS = `id, url, description, causes, districts, active, created_at, created_by`;
const DELIVERY_COLUMNS = `id, webhook_id, event, payload, status, attempts, next_attempt_at, last_status_code, last_error, created_at, delivered_at`;

/** -- Params: $1 url, $2 secret, $3 description, $4 causes text[], $5 districts text[], $6 active, $7 created_by */
const INSERT_WEBHOOK = `
  INSERT INTO webhooks (url, secret, description, causes, districts, active, created_by)
  VALUES ($1, $2, $3, $4::text[], $5::text[], $6, $7) RETURNING ${WEBHOOK_COLUMNS}`;
const SELECT_WEBHOOKS = `SELECT ${WEBHOOK_COLUMNS} FROM webhooks ORDER BY created_at, id`;
/** -- Params: $1 id */
const DELETE_WEBHOOK = `DELETE FROM webhooks WHERE id = $1`;
/**
 * -- Params: $1 now, $2 limit, $3 lock until. Claims due deliveries: pending ones whose time has come and
 * 'sending' ones whose worker's lock expired. SKIP LOCKED lets several workers share the table.
 */
const CLAIM_DUE = `
  UPDATE webhook_deliveries d SET status = 'sending', locked_until = $3, attempts = d.attempts + 1
  FROM webhooks w
  WHERE d.id IN (
      SELECT id FROM webhook_deliveries
      WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND locked_until <= $1)
      ORDER BY next_attempt_at, id
      LIMIT $2
      FOR UPDATE SKIP LOCKED)
    AND w.id = d.webhook_id
  RETURNING d.id, d.webhook_id, d.event, d.payload, d.status, d.attempts, d.next_attempt_at, d.last_status_code,
            d.last_error, d.created_at, d.delivered_at, w.url, w.secret`;
/** -- Params: $1 id, $2 at, $3 status code */
const MARK_DELIVERED = `
  UPDATE webhook_deliveries SET status = 'delivered', delivered_at = $2, last_status_code = $3, last_error = NULL, locked_until = NULL
  WHERE id = $1`;
/** -- Params: $1 id, $2 next attempt at (null = give up), $3 status code, $4 error */
const MARK_FAILED_ATTEMPT = `
  UPDATE webhook_deliveries
  SET status = CASE WHEN $2::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
      next_attempt_at = coalesce($2::timestamptz, next_attempt_at), last_status_code = $3, last_error = $4, locked_until = NULL
  WHERE id = $1`;
/** -- Params: $1 delivery id, $2 attempt, $3 at, $4 status code, $5 error, $6 duration ms */
const INSERT_ATTEMPT = `
  INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6)`;
/** -- Params: $1 webhook id, $2 limit */
const SELECT_DELIVERIES = `
  SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`;
/** -- Params: $1 delivery ids bigint[] */
const SELECT_ATTEMPTS = `
  SELECT delivery_id, attempt, at, status_code, error, duration_ms FROM webhook_attempts
  WHERE delivery_id = ANY ($1::bigint[]) ORDER BY delivery_id, attempt`;

interface WebhookRow {
  id: string;
  url: string;
  description: string | null;
  causes: AlertCause[] | null;
  districts: string[] | null;
  active: boolean;
  created_at: Date;
  created_by: string | null;
}

interface DeliveryRow {
  id: number | string;
  webhook_id: string;
  event: string;
  payload: unknown;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

const asDate = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));

const toWebhook = (r: WebhookRow): Webhook => ({
  id: r.id,
  url: r.url,
  description: r.description,
  causes: r.causes,
  districts: r.districts,
  active: r.active,
  createdAt: asDate(r.created_at),
  createdBy: r.created_by,
});

const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: Number(r.id),
  webhookId: r.webhook_id,
  event: r.event,
  payload: typeof r.payload === 'string' ? (JSON.parse(r.payload) as unknown) : r.payload,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: asDate(r.next_attempt_at),
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  createdAt: asDate(r.created_at),
  deliveredAt: r.delivered_at === null ? null : asDate(r.delivered_at),
});

/** Webhooks, their outbox of deliveries and the log of every attempt. */
export class WebhooksRepository {
  constructor(private readonly db: Database) {}

  async create(input: WebhookInput, by: string): Promise<Webhook> {
    const { rows } = await this.db.query<WebhookRow>(INSERT_WEBHOOK, [
      input.url, input.secret, input.description ?? null, input.causes ?? null, input.districts ?? null, input.active ?? true, by,
    ]);
    return toWebhook(rows[0] as WebhookRow);
  }

  async list(): Promise<Webhook[]> {
    return (await this.db.query<WebhookRow>(SELECT_WEBHOOKS)).rows.map(toWebhook);
  }

  async remove(id: string): Promise<boolean> {
    return (await this.db.query(DELETE_WEBHOOK, [id])).rowCount > 0;
  }

  /** Claims up to `limit` due deliveries for `lockMs`, counting the attempt. */
  async claimDue(now: Date, limit: number, lockMs: number): Promise<ClaimedDelivery[]> {
    const { rows } = await this.db.query<DeliveryRow & { url: string; secret: string }>(CLAIM_DUE, [now, limit, new Date(now.getTime() + lockMs)]);
    return rows.map((r) => ({ ...toDelivery(r), url: r.url, secret: r.secret }));
  }

  async markDelivered(id: number, at: Date, statusCode: number): Promise<void> {
    await this.db.query(MARK_DELIVERED, [id, at, statusCode]);
  }

  /** Records a failed attempt; `nextAttemptAt` null gives up (status failed). */
  async markAttemptFailed(id: number, nextAttemptAt: Date | null, statusCode: number | null, error: string): Promise<void> {
    await this.db.query(MARK_FAILED_ATTEMPT, [id, nextAttemptAt, statusCode, error.slice(0, 1000)]);
  }

  async logAttempt(attempt: DeliveryAttempt): Promise<void> {
    await this.db.query(INSERT_ATTEMPT, [
      attempt.deliveryId, attempt.attempt, attempt.at, attempt.statusCode, attempt.error?.slice(0, 1000) ?? null, Math.round(attempt.durationMs),
    ]);
  }

  /** The newest deliveries of a webhook with every attempt, for the delivery log. */
  async deliveries(webhookId: string, limit = 100): Promise<Array<WebhookDelivery & { attemptLog: DeliveryAttempt[] }>> {
    const deliveries = (await this.db.query<DeliveryRow>(SELECT_DELIVERIES, [webhookId, Math.min(Math.max(limit, 1), 1000)])).rows.map(toDelivery);
    if (deliveries.length === 0) return [];
    const { rows } = await this.db.query<{ delivery_id: number | string; attempt: number; at: Date; status_code: number | null; error: string | null; duration_ms: number }>(
      SELECT_ATTEMPTS,
      [deliveries.map((d) => d.id)],
    );
    const byDelivery = new Map<number, DeliveryAttempt[]>();
    for (const r of rows) {
      const id = Number(r.delivery_id);
      const list = byDelivery.get(id) ?? [];
      list.push({ deliveryId: id, attempt: r.attempt, at: asDate(r.at), statusCode: r.status_code, error: r.error, durationMs: r.duration_ms });
      byDelivery.set(id, list);
    }
    return deliveries.map((d) => ({ ...d, attemptLog: byDelivery.get(d.id) ?? [] }));
  }
}

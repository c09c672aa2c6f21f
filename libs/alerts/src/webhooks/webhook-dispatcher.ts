import type { Clock } from '@vulgraad/contracts';
import { backoffDelayMs, DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signWebhook } from './signature';
import type { ClaimedDelivery, WebhooksRepository } from './webhooks.repository';
import { webhookTargetProblem } from './webhook-target';

export interface WebhookDispatcherOptions {
  /** Attempts before a delivery is given up (status failed). */
  maxAttempts: number;
  /** First retry after this long; each further retry waits twice as long. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A receiver that has not answered by then counts as failed. */
  timeoutMs: number;
  /** How often to look for due deliveries when nobody kicks. */
  pollMs: number;
  batchSize: number;
  /**
   * Deliver to loopback and private addresses too (WEBHOOK_ALLOW_PRIVATE_TARGETS): off, a webhook
   * URL is a way for an admin's token to reach this host's and its network's internal services.
   */
  allowPrivateTargets?: boolean;
  onError?(error: unknown): void;
}

/** The HTTP call, replaceable so the sender can be pointed at any fetch-compatible client. */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal; redirect: 'manual' }) => Promise<{ status: number }>;

/**
 * Sends queued webhook deliveries: signs each body (HMAC-SHA256 over
 * timestamp and body), counts any 2xx as delivered, retries everything else
 * with exponential backoff, and logs every attempt. Deliveries are claimed
 * in the database, so several dispatchers (replicas) share the work and a
 * dispatcher that dies mid-send leaves its claims to expire and be retried.
 * Delivery is at least once: receivers dedupe on the delivery id header.
 * A redirect is not followed (it counts as a failed attempt), and a URL that
 * reaches a loopback or private address is not called unless allowed.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private rerun = false;
  private stopped = true;

  constructor(
    private readonly repository: WebhooksRepository,
    private readonly clock: Clock,
    private readonly options: WebhookDispatcherOptions,
    private readonly send: FetchLike = (url, init) => fetch(url, init),
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Look for due deliveries now (after a change queued some). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.schedule(0);
  }

  /** Sends every delivery due now; returns how many were attempted. */
  async runOnce(): Promise<number> {
    let attempted = 0;
    for (;;) {
      const claimed = await this.repository.claimDue(this.clock.now(), this.options.batchSize, this.options.timeoutMs * 2);
      if (claimed.length === 0) return attempted;
      await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
      attempted += claimed.length;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.runOnce();
      void this.running
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          this.running = null;
          const again = this.rerun;
          this.rerun = false;
          this.schedule(again ? 0 : this.options.pollMs);
        });
    }, delayMs);
    this.timer.unref?.();
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const body = JSON.stringify({ id: delivery.id, event: delivery.event, createdAt: delivery.createdAt.toISOString(), data: delivery.payload });
    const sentAt = this.clock.now();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'vulgraad-webhooks/1',
      [EVENT_HEADER]: delivery.event,
      [DELIVERY_HEADER]: String(delivery.id),
      [SIGNATURE_HEADER]: signWebhook(delivery.secret, Math.floor(Date.now() / 1000), body),
    };
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const refused = this.options.allowPrivateTargets ? null : await webhookTargetProblem(delivery.url);
      if (refused) {
        error = `not sent: ${refused} (WEBHOOK_ALLOW_PRIVATE_TARGETS)`;
      } else {
        const response = await this.send(delivery.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.options.timeoutMs), redirect: 'manual' });
        statusCode = response.status;
        if (statusCode < 200 || statusCode >= 300) error = statusCode >= 300 && statusCode < 400 ? `receiver answered ${statusCode} (redirects are not followed)` : `receiver answered ${statusCode}`;
      }
    } catch (caught) {
      error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
    }
    const durationMs = performance.now() - started;
    try {
      await this.repository.logAttempt({ deliveryId: delivery.id, attempt: delivery.attempts, at: sentAt, statusCode, error, durationMs });
      if (error === null) {
        await this.repository.markDelivered(delivery.id, this.clock.now(), statusCode as number);
      } else {
        const giveUp = delivery.attempts >= this.options.maxAttempts;
        const next = giveUp ? null : new Date(this.clock.now().getTime() + backoffDelayMs(delivery.attempts, this.options.baseDelayMs, this.options.maxDelayMs));
        await this.repository.markAttemptFailed(delivery.id, next, statusCode, error);
      }
    } catch (caught) {
      this.options.onError?.(caught);
    }
  }
}

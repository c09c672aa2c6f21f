import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'x-vulgraad-signature';
export const EVENT_HEADER = 'x-vulgraad-event';
export const DELIVERY_HEADER = 'x-vulgraad-delivery';

/**
 * Signs a webhook body. The timestamp is part of what is signed, so a
 * receiver that checks it (see `verifyWebhookSignature`) refuses replays.
 */
export function signWebhook(secret: string, timestampS: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex');
  return `t=${timestampS},v1=${mac}`;
}

/** Checks a signature header against the body, within `toleranceS` of `nowS`. For receivers and tests. */
export function verifyWebhookSignature(secret: string, header: string, body: string, nowS: number, toleranceS = 300): boolean {
  const parts = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(timestamp) || !given || !/^[0-9a-f]{64}$/.test(given)) return false;
  if (Math.abs(nowS - timestamp) > toleranceS) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

/** Delay before attempt `attempt + 1` after `attempt` failures: base * 2^(attempt-1), capped. */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(maxMs, baseMs * 2 ** Math.min(exponent, 30));
}

-- Webhooks that receive alert changes, and the outbox of deliveries. A
-- delivery row is written in the same transaction as the alert change it
-- carries, so a change is never lost between commit and send; workers claim
-- due rows with FOR UPDATE SKIP LOCKED and retry with exponential backoff.
-- Every attempt is logged in webhook_attempts.

CREATE TABLE webhooks (
  id           text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  url          text NOT NULL CHECK (url ~ '^https?://'),
  -- Key of the HMAC-SHA256 signature; the receiver holds the same secret.
  secret       text NOT NULL CHECK (length(secret) >= 16),
  description  text,
  -- Filters; null = everything.
  causes       text[],
  districts    text[],
  active       boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  created_by   text
);

CREATE TABLE webhook_deliveries (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  webhook_id        text NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event             text NOT NULL,
  payload           jsonb NOT NULL,
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
  attempts          integer NOT NULL DEFAULT 0,
  next_attempt_at   timestamptz NOT NULL,
  -- A 'sending' row whose lock has expired belongs to a worker that died: it is claimed again.
  locked_until      timestamptz,
  last_status_code  integer,
  last_error        text,
  created_at        timestamptz NOT NULL,
  delivered_at      timestamptz
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, created_at DESC);

CREATE TABLE webhook_attempts (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id  bigint NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt      integer NOT NULL,
  at           timestamptz NOT NULL,
  status_code  integer,
  error        text,
  duration_ms  integer NOT NULL
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, attempt);

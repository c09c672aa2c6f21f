-- People who use the gateway, and what they did. Roles rise viewer <
-- planner/operator < admin; a user may be limited to some districts (their
-- live rooms and lists). Passwords are scrypt hashes, never the password.
-- Every write through the gateway leaves a row in audit_log.

CREATE TABLE users (
  id             text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  username       text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._@-]{2,64}$'),
  display_name   text,
  role           text NOT NULL CHECK (role IN ('viewer', 'planner', 'operator', 'admin')),
  -- Districts the user may see; null = every district.
  districts      text[],
  -- scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>
  password_hash  text NOT NULL,
  active         boolean NOT NULL DEFAULT true,
  -- Raised when the role, districts or password change: tokens carrying an older version are refused.
  token_version  integer NOT NULL DEFAULT 1,
  last_login_at  timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at           timestamptz NOT NULL,
  -- User name, or 'system' for what the services did on their own.
  actor        text NOT NULL,
  actor_role   text,
  -- What was done, e.g. 'container.upsert', 'alert.acknowledge', 'plan.edit'.
  action       text NOT NULL,
  target_type  text,
  target_id    text,
  detail       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at DESC);

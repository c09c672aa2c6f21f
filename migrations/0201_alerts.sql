-- Alerts: at most one alert that is not resolved per container and cause
-- (the partial unique index), so a burst of readings never opens a storm of
-- duplicates and replicas racing to open the same alert agree on one row.
-- Every change (opened, acknowledged, resolved) is kept in alert_events.

CREATE TABLE alerts (
  id               text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  container_id     text NOT NULL REFERENCES containers (id) ON DELETE CASCADE,
  district         text NOT NULL,
  cause            text NOT NULL CHECK (cause IN ('container_full', 'predicted_overflow', 'sensor_silent', 'battery_low',
                                                  'doubtful_data', 'temperature_high', 'sensor_tilted')),
  severity         text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
  message          text NOT NULL,
  -- What the rule saw when it opened the alert (fill, threshold, flags, probability, ...).
  details          jsonb NOT NULL DEFAULT '{}',
  opened_at        timestamptz NOT NULL,
  acknowledged_at  timestamptz,
  acknowledged_by  text,
  resolved_at      timestamptz,
  resolved_by      text,
  -- auto: the cause went away; manual: a person resolved it.
  resolution       text CHECK (resolution IN ('auto', 'manual')),
  CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
CREATE UNIQUE INDEX alerts_one_unresolved_uq ON alerts (container_id, cause) WHERE status <> 'resolved';
CREATE INDEX alerts_unresolved_idx ON alerts (district, opened_at DESC) WHERE status <> 'resolved';
CREATE INDEX alerts_container_idx ON alerts (container_id, opened_at DESC);
CREATE INDEX alerts_opened_idx ON alerts (opened_at DESC);

CREATE TABLE alert_events (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id  text NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  at        timestamptz NOT NULL,
  change    text NOT NULL CHECK (change IN ('opened', 'acknowledged', 'resolved', 'updated')),
  -- User name, or 'system' for the rules engine.
  by        text NOT NULL,
  note      text,
  details   jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX alert_events_alert_idx ON alert_events (alert_id, at);

-- Per-district thresholds; a null column falls back to the configured default.
CREATE TABLE alert_settings (
  district            text PRIMARY KEY,
  full_pct            double precision CHECK (full_pct > 0 AND full_pct <= 150),
  battery_low_pct     double precision CHECK (battery_low_pct >= 0 AND battery_low_pct <= 100),
  temperature_high_c  double precision,
  silent_multiple     double precision CHECK (silent_multiple >= 1),
  overflow_risk       double precision CHECK (overflow_risk > 0 AND overflow_risk <= 1),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  updated_by          text
);

-- What became of each planned stop during the day, and the drivers' taps.

-- A stop done or skipped: one row per truck, shift and container. The first
-- proof wins (a lift, the driver, a fill drop); a skip is replaced by a later
-- done (the truck came back), never the other way round.
CREATE TABLE stop_outcomes (
  shift_date    date NOT NULL,
  vehicle_id    text NOT NULL,
  container_id  text NOT NULL,
  plan_id       text NOT NULL,
  status        text NOT NULL CHECK (status IN ('done', 'skipped')),
  -- How a done stop was known; null for a skipped one.
  done_how      text CHECK (done_how IN ('lift', 'driver', 'fill-drop')),
  reason        text,
  at            timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (shift_date, vehicle_id, container_id),
  CHECK ((status = 'done') = (done_how IS NOT NULL))
);

-- A driver's tap, by the id the phone made: a retry of a queued tap finds its row and changes nothing.
CREATE TABLE driver_actions (
  action_id     text PRIMARY KEY CHECK (action_id ~ '^[A-Za-z0-9_-]{8,100}$'),
  user_id       text NOT NULL,
  vehicle_id    text NOT NULL,
  container_id  text NOT NULL,
  shift_date    date NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('done', 'blocked', 'not_accessible', 'damaged', 'contaminated', 'waste_beside')),
  blocked_by    text CHECK (blocked_by IN ('parked_car', 'road_works', 'other')),
  note          text,
  at            timestamptz NOT NULL,
  photo         bytea,
  photo_type    text CHECK (photo_type IN ('image/jpeg', 'image/png', 'image/webp')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((photo IS NULL) = (photo_type IS NULL))
);
CREATE INDEX driver_actions_stop_idx ON driver_actions (shift_date, vehicle_id, container_id);

-- A skipped or blocked stop of a must container is an alert of its own.
ALTER TABLE alerts DROP CONSTRAINT alerts_cause_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_cause_check CHECK (cause IN ('container_full', 'predicted_overflow', 'sensor_silent', 'battery_low',
  'doubtful_data', 'temperature_high', 'sensor_tilted', 'stop_skipped'));

-- The role driver sees its own truck's route only: the user names the truck.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('viewer', 'planner', 'operator', 'admin', 'driver'));
ALTER TABLE users ADD COLUMN vehicle_id text;
ALTER TABLE users ADD CONSTRAINT users_driver_vehicle_check CHECK (role <> 'driver' OR vehicle_id IS NOT NULL);

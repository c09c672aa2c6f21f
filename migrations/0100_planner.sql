-- The planner: settings per district and fraction, the plans it publishes
-- (versions: a re-plan supersedes), their routes and ordered stops with the
-- reason each stop is there, and the append-only log of planner decisions.

-- Per district and fraction; a null column means the configured default (PLANNER_* variables).
CREATE TABLE planner_district_settings (
  district            text NOT NULL,
  fraction            text NOT NULL CHECK (fraction IN ('residual', 'paper', 'glass', 'plastic', 'organic', 'textile')),
  risk_level          double precision CHECK (risk_level > 0 AND risk_level <= 1),
  worth_fill_pct      double precision CHECK (worth_fill_pct BETWEEN 0 AND 100),
  worth_prize         double precision CHECK (worth_prize >= 0),
  worth_max_detour_m  double precision CHECK (worth_max_detour_m >= 0),
  -- ISO weekdays, Monday = 1.
  collection_days     smallint[] CHECK (collection_days <@ ARRAY[1, 2, 3, 4, 5, 6, 7]::smallint[] AND cardinality(collection_days) > 0),
  shift_start_min     integer CHECK (shift_start_min BETWEEN 0 AND 1440),
  shift_end_min       integer CHECK (shift_end_min BETWEEN 0 AND 1440),
  break_min           integer CHECK (break_min BETWEEN 0 AND 240),
  cutoff_min          integer CHECK (cutoff_min BETWEEN 0 AND 1440),
  service_time_s      integer CHECK (service_time_s >= 0),
  time_budget_s       double precision CHECK (time_budget_s > 0),
  -- Trucks that serve this district; null = every in-service truck equipped for the fraction.
  vehicle_ids         text[],
  updated_by          text NOT NULL,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (district, fraction),
  CHECK (shift_start_min IS NULL OR shift_end_min IS NULL OR shift_end_min > shift_start_min)
);

-- Loose litres a truck presses into one litre of its body; null = PLANNER_COMPACTION_FACTOR.
ALTER TABLE vehicles ADD COLUMN compaction_factor double precision CHECK (compaction_factor >= 1);

CREATE TABLE plans (
  id             text PRIMARY KEY,
  district       text NOT NULL,
  fraction       text NOT NULL,
  shift_date     date NOT NULL,
  version        integer NOT NULL CHECK (version > 0),
  status         text NOT NULL CHECK (status IN ('published', 'superseded')),
  trigger        text NOT NULL,
  -- Idempotency key of the job that made it: a retried job finds its plan instead of making another.
  job_key        text UNIQUE,
  created_at     timestamptz NOT NULL,
  stored_at      timestamptz NOT NULL DEFAULT now(),
  superseded_at  timestamptz,
  solve_seconds  double precision NOT NULL,
  distance_m     double precision NOT NULL,
  duration_s     double precision NOT NULL,
  -- [{containerId, category, reason}]: must stops no route could take.
  unassigned     jsonb NOT NULL DEFAULT '[]',
  UNIQUE (district, fraction, shift_date, version)
);
CREATE UNIQUE INDEX plans_one_published_uq ON plans (district, fraction, shift_date) WHERE status = 'published';
CREATE INDEX plans_shift_idx ON plans (shift_date, district);

CREATE TABLE plan_routes (
  id           text PRIMARY KEY,
  plan_id      text NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
  vehicle_id   text NOT NULL,
  start_at     timestamptz NOT NULL,
  end_at       timestamptz NOT NULL,
  distance_m   double precision NOT NULL,
  duration_s   double precision NOT NULL,
  -- GeoJSON LineString of the road path, or null.
  geometry     jsonb,
  UNIQUE (plan_id, vehicle_id)
);

CREATE TABLE plan_stops (
  route_id          text NOT NULL REFERENCES plan_routes (id) ON DELETE CASCADE,
  plan_id           text NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
  seq               integer NOT NULL CHECK (seq >= 0),
  kind              text NOT NULL CHECK (kind IN ('depot_start', 'container', 'disposal', 'break', 'depot_end')),
  container_id      text,
  disposal_site_id  text,
  lng               double precision,
  lat               double precision,
  arrive_at         timestamptz NOT NULL,
  depart_at         timestamptz NOT NULL,
  load_after_l      double precision NOT NULL,
  load_after_kg     double precision NOT NULL,
  -- StopReason: category, fill now, predicted fill at arrival, overflow risk, planner decision, from history only.
  why               jsonb,
  done_at           timestamptz,
  PRIMARY KEY (route_id, seq),
  CHECK ((kind = 'container') = (container_id IS NOT NULL))
);
CREATE INDEX plan_stops_container_idx ON plan_stops (container_id, plan_id) WHERE container_id IS NOT NULL;

-- Every lock, exclusion, addition and withdrawal a planner (or a driver's report) made: the audit log.
CREATE TABLE planner_edits (
  id            text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  district      text NOT NULL,
  -- The shift it applies to; null = every shift until cleared.
  shift_date    date,
  container_id  text NOT NULL,
  action        text NOT NULL CHECK (action IN ('lock', 'exclude', 'add', 'clear')),
  vehicle_id    text,
  reason        text NOT NULL CHECK (length(btrim(reason)) > 0),
  made_by       text NOT NULL CHECK (length(btrim(made_by)) > 0),
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX planner_edits_district_idx ON planner_edits (district, shift_date, created_at);
CREATE INDEX planner_edits_container_idx ON planner_edits (container_id, created_at);

-- Append-only: an audit log that can be rewritten is not one.
CREATE FUNCTION planner_edits_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'planner_edits is append-only: add a new edit (action clear) instead of changing or deleting one';
END $$;
CREATE TRIGGER planner_edits_no_update BEFORE UPDATE OR DELETE ON planner_edits
  FOR EACH ROW EXECUTE FUNCTION planner_edits_append_only();

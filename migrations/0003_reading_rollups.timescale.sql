-- Hourly and daily roll-ups per container as continuous aggregates. They are
-- real-time (materialized_only = false): rows not yet materialised are
-- aggregated on the fly, so a query always sees every committed reading, as
-- the plain-PostgreSQL views do. Buckets are UTC hours and UTC days.
-- Columns (both variants): container_id, bucket, readings, flagged,
-- fill_avg, fill_min, fill_max, fill_last, temperature_max, battery_min.

CREATE MATERIALIZED VIEW readings_hourly
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT container_id,
       time_bucket(INTERVAL '1 hour', measured_at) AS bucket,
       count(*) AS readings,
       count(*) FILTER (WHERE cardinality(flags) > 0) AS flagged,
       avg(fill_pct) AS fill_avg,
       min(fill_pct) AS fill_min,
       max(fill_pct) AS fill_max,
       last(fill_pct, measured_at) AS fill_last,
       max(temperature_c) AS temperature_max,
       min(battery_pct) AS battery_min
FROM readings
GROUP BY container_id, bucket
WITH NO DATA;

CREATE MATERIALIZED VIEW readings_daily
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT container_id,
       time_bucket(INTERVAL '1 day', measured_at) AS bucket,
       count(*) AS readings,
       count(*) FILTER (WHERE cardinality(flags) > 0) AS flagged,
       avg(fill_pct) AS fill_avg,
       min(fill_pct) AS fill_min,
       max(fill_pct) AS fill_max,
       last(fill_pct, measured_at) AS fill_last,
       max(temperature_c) AS temperature_max,
       min(battery_pct) AS battery_min
FROM readings
GROUP BY container_id, bucket
WITH NO DATA;

SELECT add_continuous_aggregate_policy('readings_hourly',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes');
SELECT add_continuous_aggregate_policy('readings_daily',
  start_offset => INTERVAL '10 days', end_offset => INTERVAL '1 day', schedule_interval => INTERVAL '6 hours');

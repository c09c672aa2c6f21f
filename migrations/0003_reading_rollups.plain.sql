-- Hourly and daily roll-ups per container as plain views with the same names
-- and columns as the TimescaleDB continuous aggregates, so the same queries
-- run on both. They are computed when queried: filter on container_id and
-- bucket so that partition pruning and readings_container_time_idx apply.
-- Buckets are UTC hours and UTC days.

CREATE VIEW readings_hourly AS
SELECT container_id,
       date_trunc('hour', measured_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket,
       count(*) AS readings,
       count(*) FILTER (WHERE cardinality(flags) > 0) AS flagged,
       avg(fill_pct) AS fill_avg,
       min(fill_pct) AS fill_min,
       max(fill_pct) AS fill_max,
       (array_agg(fill_pct ORDER BY measured_at DESC))[1] AS fill_last,
       max(temperature_c) AS temperature_max,
       min(battery_pct) AS battery_min
FROM readings
GROUP BY 1, 2;

CREATE VIEW readings_daily AS
SELECT container_id,
       date_trunc('day', measured_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket,
       count(*) AS readings,
       count(*) FILTER (WHERE cardinality(flags) > 0) AS flagged,
       avg(fill_pct) AS fill_avg,
       min(fill_pct) AS fill_min,
       max(fill_pct) AS fill_max,
       (array_agg(fill_pct ORDER BY measured_at DESC))[1] AS fill_last,
       max(temperature_c) AS temperature_max,
       min(battery_pct) AS battery_min
FROM readings
GROUP BY 1, 2;

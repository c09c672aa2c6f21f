-- What anyone may read without logging in: where the containers are, what
-- they take, how full they get and how often they are emptied. Aggregated,
-- nothing personal: no device identities, no users, no driver notes, no
-- vehicles. The statistics take their window as parameters, so the caller's
-- clock (simulated time in the demo) decides what "the last 30 days" is.

CREATE VIEW open_data_containers AS
SELECT c.id, c.external_ref, c.lng, c.lat, c.district, c.address, c.waste_type, c.container_type, c.volume_l,
       s.fill_pct, s.measured_at AS fill_measured_at
FROM containers c
LEFT JOIN container_state s ON s.container_id = c.id
WHERE c.active;

-- Per active container over [from_ts, to_ts): mean and highest fill from the daily roll-up,
-- days on which it reached 100 %, emptyings and the last one.
CREATE FUNCTION open_data_container_stats(from_ts timestamptz, to_ts timestamptz)
RETURNS TABLE (container_id text, readings bigint, fill_avg double precision, fill_max double precision,
               full_days bigint, emptyings bigint, last_emptied_at timestamptz)
LANGUAGE sql STABLE AS $fn$
  WITH fill AS (
    SELECT d.container_id,
           sum(d.readings)::bigint AS readings,
           sum(d.fill_avg * d.readings) / nullif(sum(d.readings) FILTER (WHERE d.fill_avg IS NOT NULL), 0) AS fill_avg,
           max(d.fill_max) AS fill_max,
           count(*) FILTER (WHERE d.fill_max >= 100)::bigint AS full_days
    FROM readings_daily d
    WHERE d.bucket >= from_ts AND d.bucket < to_ts
    GROUP BY d.container_id
  ), emptied AS (
    SELECT k.container_id, count(*)::bigint AS emptyings, max(k.collected_at) AS last_emptied_at
    FROM collections k
    WHERE k.collected_at >= from_ts AND k.collected_at < to_ts
    GROUP BY k.container_id
  )
  SELECT c.id, coalesce(f.readings, 0), f.fill_avg, f.fill_max, coalesce(f.full_days, 0),
         coalesce(e.emptyings, 0), e.last_emptied_at
  FROM containers c
  LEFT JOIN fill f ON f.container_id = c.id
  LEFT JOIN emptied e ON e.container_id = c.id
  WHERE c.active
$fn$;

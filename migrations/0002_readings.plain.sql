-- Readings on plain PostgreSQL: the same columns and unique key as the
-- TimescaleDB variant, range-partitioned by month on measured_at. A default
-- partition catches any time no monthly partition covers yet, so an insert
-- never fails; vulgraad_ensure_reading_partitions() creates months ahead and
-- moves rows out of the default partition, vulgraad_drop_reading_partitions()
-- is the retention policy. The maintenance loop of the services calls both.

CREATE TABLE readings (
  container_id    text NOT NULL,
  device_id       text NOT NULL,
  measured_at     timestamptz NOT NULL,
  received_at     timestamptz NOT NULL,
  fill_pct        double precision,
  distance_mm     integer,
  temperature_c   double precision,
  battery_pct     double precision,
  battery_v       double precision,
  rssi_dbm        double precision,
  snr_db          double precision,
  seq             bigint,
  tilt_deg        double precision,
  flags           text[] NOT NULL DEFAULT '{}',
  alarms          text[] NOT NULL DEFAULT '{}',
  format          text NOT NULL,
  correlation_id  text
) PARTITION BY RANGE (measured_at);

CREATE TABLE readings_default PARTITION OF readings DEFAULT;

CREATE UNIQUE INDEX readings_device_time_seq_uq ON readings (device_id, measured_at, seq) NULLS NOT DISTINCT;
CREATE INDEX readings_container_time_idx ON readings (container_id, measured_at DESC);

-- Creates the monthly partitions covering [from_ts, to_ts). Rows already in
-- the default partition for a new month are moved into it first, because
-- PostgreSQL refuses to attach a range the default partition holds rows for.
CREATE FUNCTION vulgraad_ensure_reading_partitions(from_ts timestamptz, to_ts timestamptz)
RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  month_start timestamptz := date_trunc('month', from_ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  month_end   timestamptz;
  part_name   text;
  created     integer := 0;
BEGIN
  WHILE month_start < to_ts LOOP
    month_end := (date_trunc('month', month_start AT TIME ZONE 'UTC') + INTERVAL '1 month') AT TIME ZONE 'UTC';
    part_name := 'readings_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
    IF to_regclass(part_name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I (LIKE readings INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part_name);
      EXECUTE format(
        'WITH moved AS (DELETE FROM readings_default WHERE measured_at >= $1 AND measured_at < $2 RETURNING *) '
        'INSERT INTO %I SELECT * FROM moved', part_name) USING month_start, month_end;
      EXECUTE format('ALTER TABLE readings ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
        part_name, month_start, month_end);
      created := created + 1;
    END IF;
    month_start := month_end;
  END LOOP;
  RETURN created;
END
$fn$;

-- Drops monthly partitions that end before older_than; returns how many.
CREATE FUNCTION vulgraad_drop_reading_partitions(older_than timestamptz)
RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  part record;
  dropped integer := 0;
BEGIN
  FOR part IN
    SELECT c.relname,
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz AS upper_bound
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'readings'::regclass AND c.relname <> 'readings_default'
  LOOP
    IF part.upper_bound IS NOT NULL AND part.upper_bound <= older_than THEN
      EXECUTE format('DROP TABLE %I', part.relname);
      dropped := dropped + 1;
    END IF;
  END LOOP;
  RETURN dropped;
END
$fn$;

SELECT vulgraad_ensure_reading_partitions(now() - INTERVAL '2 months', now() + INTERVAL '3 months');

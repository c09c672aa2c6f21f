-- Readings on TimescaleDB: a hypertable in 7-day chunks, compressed per
-- container after 14 days, dropped after two years. The unique key absorbs a
-- broker's redelivery: one device, one measurement time, one sequence number
-- (NULLS NOT DISTINCT, so a device without sequence numbers is still unique
-- on its time). No foreign keys here: the ingest resolves device and
-- container before writing, and a foreign key check per row costs throughput.

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
);

SELECT create_hypertable('readings', by_range('measured_at', INTERVAL '7 days'), create_default_indexes => false);

CREATE UNIQUE INDEX readings_device_time_seq_uq ON readings (device_id, measured_at, seq) NULLS NOT DISTINCT;
CREATE INDEX readings_container_time_idx ON readings (container_id, measured_at DESC);

ALTER TABLE readings SET (
  timescaledb.compress,
  timescaledb.compress_segmentby = 'container_id',
  timescaledb.compress_orderby = 'measured_at DESC'
);
SELECT add_compression_policy('readings', INTERVAL '14 days');
SELECT add_retention_policy('readings', INTERVAL '730 days');

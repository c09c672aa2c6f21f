-- Truck positions on TimescaleDB: a hypertable in 1-day chunks. Retention is
-- the maintenance run's (DB_POSITION_RETENTION_DAYS, drop_chunks), so one
-- setting holds on both variants. The unique key absorbs a broker's
-- redelivery: one truck, one measurement time.

CREATE TABLE vehicle_positions (
  vehicle_id      text NOT NULL,
  measured_at     timestamptz NOT NULL,
  received_at     timestamptz NOT NULL,
  lat             double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lng             double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
  speed_kmh       double precision CHECK (speed_kmh >= 0),
  heading         double precision CHECK (heading >= 0 AND heading <= 360)
);

SELECT create_hypertable('vehicle_positions', by_range('measured_at', INTERVAL '1 day'), create_default_indexes => false);

CREATE UNIQUE INDEX vehicle_positions_vehicle_time_uq ON vehicle_positions (vehicle_id, measured_at);

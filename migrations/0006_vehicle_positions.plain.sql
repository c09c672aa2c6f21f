-- Truck positions on plain PostgreSQL: the same columns and unique key as
-- the TimescaleDB variant, in one table; the maintenance run deletes rows
-- older than DB_POSITION_RETENTION_DAYS. The unique key absorbs a broker's
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

CREATE UNIQUE INDEX vehicle_positions_vehicle_time_uq ON vehicle_positions (vehicle_id, measured_at);
CREATE INDEX vehicle_positions_time_idx ON vehicle_positions (measured_at);

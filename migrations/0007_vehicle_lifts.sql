-- A truck's lift: its crane emptied a container, named by id or by the RFID
-- tag on the container. Kept as the truck sent it (container_id resolved
-- from the tag when the registry knows it); the gateway counts the named
-- stop as done. Deleted with the positions (DB_POSITION_RETENTION_DAYS).

ALTER TABLE containers ADD COLUMN rfid_tag text UNIQUE;

CREATE TABLE vehicle_lifts (
  vehicle_id      text NOT NULL,
  measured_at     timestamptz NOT NULL,
  received_at     timestamptz NOT NULL,
  container_id    text,
  rfid_tag        text,
  lat             double precision CHECK (lat BETWEEN -90 AND 90),
  lng             double precision CHECK (lng BETWEEN -180 AND 180),
  CHECK (container_id IS NOT NULL OR rfid_tag IS NOT NULL)
);
CREATE UNIQUE INDEX vehicle_lifts_uq ON vehicle_lifts (vehicle_id, measured_at, coalesce(container_id, ''), coalesce(rfid_tag, ''));
CREATE INDEX vehicle_lifts_time_idx ON vehicle_lifts (measured_at);

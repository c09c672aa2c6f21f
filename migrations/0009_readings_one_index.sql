-- One index on readings instead of two. The unique key that absorbs a
-- broker's redelivery was (device_id, measured_at, seq) beside an index
-- (container_id, measured_at DESC) for the queries, which all read one
-- container's time range: every reading written paid for two B-tree inserts,
-- about a third of the server's CPU for a COPY of the ingest's rows. The
-- unique key now leads with the container and its time, so the same index
-- serves those queries (scanned in either direction) and the uniqueness:
-- a reading is one device's measurement at one time with one sequence
-- number (NULLS NOT DISTINCT: a device without sequence numbers is unique on
-- its time) for the container it was resolved to. The ingest resolves the
-- container from the device's binding at the reading's measured time, so a
-- redelivered reading resolves to the same container and is absorbed as
-- before; only a binding edited for that very time between the delivery and
-- the redelivery would store it a second time, under the other container.
-- On TimescaleDB the container is the compression's segment-by column, so a
-- conflict check against a compressed chunk only opens that container's
-- segments.
DROP INDEX readings_device_time_seq_uq;
DROP INDEX readings_container_time_idx;
CREATE UNIQUE INDEX readings_container_time_device_seq_uq
  ON readings (container_id, measured_at DESC, device_id, seq) NULLS NOT DISTINCT;

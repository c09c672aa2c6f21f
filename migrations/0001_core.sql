-- The registry of the city: containers, the sensors bound to them over time,
-- the LoRaWAN applications they report through, the fleet and where it
-- starts and unloads, what was emptied, and every message that could not be
-- turned into a reading. Identifiers are text so that the city's own
-- references can be used where they exist; new rows get a UUID.

CREATE TABLE containers (
  id               text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  external_ref     text UNIQUE,
  lng              double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
  lat              double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  district         text NOT NULL,
  address          text,
  waste_type       text NOT NULL CHECK (waste_type IN ('residual', 'paper', 'glass', 'plastic', 'organic', 'textile')),
  container_type   text NOT NULL DEFAULT 'underground'
                     CHECK (container_type IN ('underground', 'semi_underground', 'above_ground', 'wheelie_bin')),
  volume_l         integer NOT NULL CHECK (volume_l > 0),
  -- Sensor-to-bottom distance for distance sensors; null when the sensor reports a fill level itself.
  depth_mm         integer CHECK (depth_mm > 0),
  access_from_min  integer CHECK (access_from_min BETWEEN 0 AND 1440),
  access_to_min    integer CHECK (access_to_min BETWEEN 0 AND 1440),
  active           boolean NOT NULL DEFAULT true,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((access_from_min IS NULL) = (access_to_min IS NULL))
);
CREATE INDEX containers_district_idx ON containers (district, waste_type) WHERE active;

-- A LoRaWAN application (TTN application id, ChirpStack application id) and
-- the decoder its devices use unless a device names its own.
CREATE TABLE lorawan_applications (
  application_id  text PRIMARY KEY,
  name            text,
  default_model   text,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE devices (
  id                      text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  -- The identity the device reports under: native device id or TTN device id.
  external_ref            text NOT NULL UNIQUE,
  -- LoRaWAN DevEUI, lower-case hex; ChirpStack topics carry it.
  dev_eui                 text UNIQUE CHECK (dev_eui ~ '^[0-9a-f]{16}$'),
  -- Decoder name for raw uplinks; null = the application's default or pre-decoded values.
  model                   text,
  lorawan_application_id  text,
  reporting_interval_s    integer NOT NULL DEFAULT 3600 CHECK (reporting_interval_s > 0),
  -- Hash of a per-device MQTT credential, for devices that publish directly.
  secret_hash             text,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now()
);

-- Which device measured which container when. A sensor swap closes one
-- binding and opens another, so the history of both stays readable.
CREATE TABLE device_bindings (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_id     text NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  container_id  text NOT NULL REFERENCES containers (id) ON DELETE CASCADE,
  valid_from    timestamptz NOT NULL,
  valid_to      timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE UNIQUE INDEX device_bindings_open_device_uq ON device_bindings (device_id) WHERE valid_to IS NULL;
CREATE UNIQUE INDEX device_bindings_open_container_uq ON device_bindings (container_id) WHERE valid_to IS NULL;
CREATE INDEX device_bindings_device_idx ON device_bindings (device_id, valid_from DESC);
CREATE INDEX device_bindings_container_idx ON device_bindings (container_id, valid_from DESC);

-- The latest reading of every container, written in the same transaction as
-- the readings. Also restores the ingest's quality-flag memory after a restart.
CREATE TABLE container_state (
  container_id      text PRIMARY KEY REFERENCES containers (id) ON DELETE CASCADE,
  device_id         text NOT NULL,
  measured_at       timestamptz NOT NULL,
  fill_pct          double precision,
  distance_mm       integer,
  temperature_c     double precision,
  battery_pct       double precision,
  flags             text[] NOT NULL DEFAULT '{}',
  -- Since when the fill value has not changed, and over how many readings (stuck-sensor detection).
  unchanged_since   timestamptz,
  unchanged_count   integer NOT NULL DEFAULT 0,
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Messages that did not become a reading, kept for a person to look at.
CREATE TABLE rejected_messages (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  received_at    timestamptz NOT NULL,
  topic          text NOT NULL,
  -- The first bytes of the payload (bounded); payload_size is the original size.
  payload        bytea NOT NULL,
  payload_size   integer NOT NULL,
  reason         text NOT NULL,
  detail         text NOT NULL,
  device_ref     text,
  format         text,
  correlation_id text
);
CREATE INDEX rejected_messages_received_idx ON rejected_messages (received_at DESC);
CREATE INDEX rejected_messages_reason_idx ON rejected_messages (reason, received_at DESC);

-- A container emptied: from driver feedback, detected from a fill drop, the simulator or an import.
CREATE TABLE collections (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  container_id       text NOT NULL REFERENCES containers (id) ON DELETE CASCADE,
  collected_at       timestamptz NOT NULL,
  observed_fill_pct  double precision,
  weight_kg          double precision,
  source             text NOT NULL CHECK (source IN ('driver', 'detected', 'simulator', 'import')),
  plan_id            text,
  vehicle_id         text,
  note               text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (container_id, collected_at, source)
);
CREATE INDEX collections_collected_idx ON collections (collected_at DESC);

CREATE TABLE depots (
  id          text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  name        text NOT NULL,
  lng         double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
  lat         double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  address     text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Where a full truck unloads: which fractions it takes, when it is open, how long unloading takes.
CREATE TABLE disposal_sites (
  id               text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  name             text NOT NULL,
  lng              double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
  lat              double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  address          text,
  fractions        text[] NOT NULL,
  open_from_min    integer NOT NULL DEFAULT 0 CHECK (open_from_min BETWEEN 0 AND 1440),
  open_to_min      integer NOT NULL DEFAULT 1440 CHECK (open_to_min BETWEEN 0 AND 1440),
  service_time_s   integer NOT NULL DEFAULT 900 CHECK (service_time_s >= 0),
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vehicles (
  id                     text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  name                   text NOT NULL,
  depot_id               text NOT NULL REFERENCES depots (id),
  capacity_l             integer NOT NULL CHECK (capacity_l > 0),
  capacity_kg            integer NOT NULL CHECK (capacity_kg > 0),
  fractions              text[] NOT NULL,
  -- Container types the truck is equipped to empty (a crane for underground containers).
  equipment              text[] NOT NULL DEFAULT '{underground}',
  -- Multiplies travel times: 1.2 = 20% slower than a normal truck.
  speed_factor           double precision NOT NULL DEFAULT 1 CHECK (speed_factor > 0),
  cost_per_km            double precision NOT NULL DEFAULT 0 CHECK (cost_per_km >= 0),
  cost_per_hour          double precision NOT NULL DEFAULT 0 CHECK (cost_per_hour >= 0),
  shift_start_min        integer NOT NULL DEFAULT 420 CHECK (shift_start_min BETWEEN 0 AND 1440),
  shift_end_min          integer NOT NULL DEFAULT 960 CHECK (shift_end_min BETWEEN 0 AND 2880),
  max_route_duration_s   integer CHECK (max_route_duration_s > 0),
  active                 boolean NOT NULL DEFAULT true,
  status                 text NOT NULL DEFAULT 'in_service' CHECK (status IN ('in_service', 'out_of_service')),
  status_reason          text,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);

-- Who may use the MQTT broker besides the devices. Devices log in with their
-- external reference and their own secret (devices.secret_hash); the system's
-- services and the LoRaWAN network servers' MQTT integrations log in here.
-- Hashes are Mosquitto's PBKDF2-SHA512 format ($7$...), never the secret, so
-- the same rows feed the embedded broker's check and Mosquitto's password file.

CREATE TABLE mqtt_accounts (
  username       text PRIMARY KEY CHECK (username ~ '^[A-Za-z0-9._@-]{1,128}$'),
  password_hash  text NOT NULL CHECK (password_hash LIKE '$7$%'),
  -- service: reads and writes the reading topics (ingest, simulators, bridges);
  -- network_server: publishes uplinks of its applications only.
  kind           text NOT NULL CHECK (kind IN ('service', 'network_server')),
  -- Network servers: the topic's application segment they may publish under
  -- (app@tenant for The Things Stack, the application id for ChirpStack); null = any.
  applications   text[],
  active         boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- When a device's secret was last set (a rotation shows here and in audit_log).
ALTER TABLE devices ADD COLUMN secret_set_at timestamptz;

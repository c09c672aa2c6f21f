-- Trucks log in to the broker as devices do: the truck's id as user name and
-- client id, its own secret (Mosquitto's $7$ PBKDF2-SHA512 hash), and may
-- publish under its own vulgraad/v1/vehicles/{id}/ topics only.
ALTER TABLE vehicles ADD COLUMN secret_hash text CHECK (secret_hash LIKE '$7$%');
ALTER TABLE vehicles ADD COLUMN secret_set_at timestamptz;

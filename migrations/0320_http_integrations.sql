-- Network servers that deliver uplinks over HTTP (The Things Stack webhooks,
-- ChirpStack's HTTP integration, KPN Things destinations). Each integration
-- has a secret that the sender puts in a header; only its hash is kept
-- ($7$, as for MQTT accounts). KPN signs each request with a SHA-256 of the
-- body and the shared secret (Things-Message-Token), which can only be checked
-- against the secret itself: for kind kpn it is kept in kpn_shared_secret.

CREATE TABLE http_integrations (
  name               text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9._-]{1,64}$'),
  kind               text NOT NULL CHECK (kind IN ('tts', 'chirpstack', 'kpn')),
  secret_hash        text NOT NULL CHECK (secret_hash LIKE '$7$%'),
  kpn_shared_secret  text CHECK (kpn_shared_secret IS NULL OR kind = 'kpn'),
  -- The LoRaWAN applications it may deliver for (TTS application id, ChirpStack
  -- application id); null = any. A KPN integration's devices carry its name as
  -- their LoRaWAN application.
  applications       text[],
  active             boolean NOT NULL DEFAULT true,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

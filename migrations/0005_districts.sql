-- Districts by name and centre, for the planner's runs per district and the
-- gateway's rooms. containers.district holds the id; it is not a foreign key
-- so that a registration may name a district before describing it.
CREATE TABLE districts (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  lng         double precision CHECK (lng BETWEEN -180 AND 180),
  lat         double precision CHECK (lat BETWEEN -90 AND 90),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

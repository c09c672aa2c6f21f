-- Collection zones (libs/planning/src/zones.ts): a district/fraction split into
-- this many parts that take turns, one due each collection day. Null = the
-- configured default (PLANNER_ZONE_DAYS); 1 = no zones.
ALTER TABLE planner_district_settings ADD COLUMN zone_days smallint CHECK (zone_days BETWEEN 1 AND 14);

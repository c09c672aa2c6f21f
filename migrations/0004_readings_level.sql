-- Sensors mounted under the contents (Dragino LDDS20, Netvox R718PA22)
-- report the height of the contents above the floor, not a distance from
-- the top: keep that raw value beside the fill computed from it.
ALTER TABLE readings ADD COLUMN level_mm integer;

-- The fleet as data people manage (REST API /api/vehicles, /api/depots, /api/disposal-sites):
-- shift hours per ISO weekday, e.g. {"1": [420, 930], "2": [420, 930]} (a weekday not listed = no
-- shift that day; null = shift_start_min..shift_end_min every day), and the driver's break (null = the
-- district's, PLANNER_BREAK_MIN). The planner and the check of a published day both read them.
ALTER TABLE vehicles ADD COLUMN shift_by_weekday jsonb CHECK (shift_by_weekday IS NULL OR jsonb_typeof(shift_by_weekday) = 'object');
ALTER TABLE vehicles ADD COLUMN break_min integer CHECK (break_min BETWEEN 0 AND 240);

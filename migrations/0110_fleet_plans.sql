-- Fleet plans: one plan per fraction and shift gives each truck one route for
-- its day across districts (plans.district = 'fleet'). Districts stay views:
-- a plan lists the districts it covers, a route the districts it passes, and
-- both are found by district. must_ids are the must stops the planner chose,
-- which the check of the published day (libs/planning/src/check) holds it to.
ALTER TABLE plans ADD COLUMN districts text[] NOT NULL DEFAULT '{}';
UPDATE plans SET districts = ARRAY[district];
ALTER TABLE plans ADD COLUMN must_ids text[] NOT NULL DEFAULT '{}';
ALTER TABLE plan_routes ADD COLUMN districts text[] NOT NULL DEFAULT '{}';
CREATE INDEX plans_districts_idx ON plans USING gin (districts);

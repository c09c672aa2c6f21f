// The planner's door: what another app (the all-in-one) may use of it.
export { PlannerModule, type PlannerModuleOptions } from './planner.module';
export { PLANNER_PORT, type PlannerPort } from './planner.port';

/** The BullMQ queue the planner's jobs run on (plan a shift, the daily schedules); the gateway's admin board shows it too. */
export const PLANNER_QUEUE = 'planner';

/**
 * Injection tokens shared by every app, so the all-in-one process can hand
 * the same database, bus and clock to ingest, planner, alerts and gateway.
 */
export const CONFIG = Symbol('vulgraad.config');
export const DATABASE = Symbol('vulgraad.database');
export const EVENT_BUS = Symbol('vulgraad.eventBus');
export const JOB_RUNNER = Symbol('vulgraad.jobRunner');
export const CLOCK = Symbol('vulgraad.clock');

/** The one source of "now": real time in production, simulated time in the demo and simulations. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

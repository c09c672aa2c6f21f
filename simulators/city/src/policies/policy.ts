import type { DepositEngine, EmptyingRecord } from '@vulgraad/city-model';
import type { PlanningUnit, SimSetup } from '../setups/setup';
import type { RoutePlan } from '../truck';

export const POLICY_NAMES = ['practice', 'fixed', 'vulgraad'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** What a policy may look at when it plans a day for one district. */
export interface DayContext {
  setup: SimSetup;
  unit: PlanningUnit;
  dayIndex: number;
  /** Local date of the shift, YYYY-MM-DD. */
  shiftDate: string;
  /** When the plan is made, epoch ms. */
  planAtMs: number;
  shiftStartMs: number;
  /**
   * The policy's own deposit engine. A policy reads only what it would know
   * in a real city: the practice policy the deposit counts of the access
   * cards, the vulgraad policy nothing (it learns from its sensors).
   */
  engine: DepositEngine;
  seed: number;
  /** Solver budget for this plan, genetic iterations (never a time: the result must not depend on the machine's load). */
  solverIterations: number;
}

/** One district's plan for one day. */
export interface DayPlan {
  routes: RoutePlan[];
  /** Containers the policy wanted emptied but the trucks' day could not hold. */
  unassigned: Array<{ containerId: string; reason: string }>;
  /** Containers put on the routes. */
  planned: number;
  plannedDistanceM: number;
  solveMs: number;
}

/** A collection policy run by the simulation. */
export interface Policy {
  readonly name: PolicyName;
  /** How the policy works and its settings, one line each, for the report. */
  describe(): string[];
  /** Sensor reading interval, ms; null when the policy has no sensors. */
  readonly sensorIntervalMs: number | null;
  /** A sensor reading: called for every container at every reading time (only when `sensorIntervalMs` is set). */
  read?(containerId: string, atMs: number, volumeL: number): void;
  /** A truck emptied a container (the driver marks the stop done). */
  emptied?(record: EmptyingRecord): void;
  planDay(context: DayContext): Promise<DayPlan>;
}

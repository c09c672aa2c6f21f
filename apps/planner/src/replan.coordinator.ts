import { Inject, Injectable } from '@nestjs/common';
import type { Config } from '@vulgraad/config';
import { CONFIG, FLEET_SCOPE, JOB_RUNNER, type WasteFraction } from '@vulgraad/contracts';
import type { JobRunner } from '@vulgraad/jobs';
import { idPart, PLANNER_QUEUE, type PlanJobData } from './planner.tokens';

/**
 * Turns events into re-plan jobs of the fleet plan, coalesced per district
 * of concern, fraction and shift: every event inside one debounce window maps to the same job id,
 * and the job runs at the window's end, so a burst of edits or reports
 * leads to one re-plan. Works across processes (the id lives in Redis).
 */
@Injectable()
export class ReplanCoordinator {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(JOB_RUNNER) private readonly jobs: JobRunner,
  ) {}

  /** A re-plan of the fraction's fleet plan for the trucks that serve or drive in `district` (`FLEET_SCOPE` = every truck). */
  async request(district: string | readonly string[], fraction: WasteFraction, shiftDate: string, trigger: string): Promise<{ jobId: string; created: boolean }> {
    const districts = typeof district === 'string' ? [district] : [...district].sort();
    const windowMs = Math.max(1, this.config.planner.replanDebounceMs);
    const nowMs = Date.now();
    const bucket = Math.floor(nowMs / windowMs);
    const jobId = `replan|${districts.map(idPart).join('+')}|${fraction}|${shiftDate}|${bucket}`;
    const data: PlanJobData = { district: districts.length === 1 ? (districts[0] as string) : FLEET_SCOPE, fraction, shiftDate, trigger };
    if (districts.length > 1) data.districts = districts;
    const added = await this.jobs.add(PLANNER_QUEUE, 'replan', data, {
      jobId,
      delayMs: this.config.planner.replanDebounceMs > 0 ? (bucket + 1) * windowMs - nowMs : 0,
      attempts: this.config.planner.jobAttempts,
      backoffMs: this.config.planner.jobBackoffMs,
    });
    return { jobId: added.id, created: added.created };
  }

  /** The daily plan of a shift, as a job with its idempotency key. */
  async requestDaily(fraction: WasteFraction, shiftDate: string): Promise<{ jobId: string; created: boolean }> {
    const data: PlanJobData = { district: FLEET_SCOPE, fraction, shiftDate, trigger: 'daily' };
    const added = await this.jobs.add(PLANNER_QUEUE, 'daily', data, {
      jobId: dailyJobKey(fraction, shiftDate),
      attempts: this.config.planner.jobAttempts,
      backoffMs: this.config.planner.jobBackoffMs,
    });
    return { jobId: added.id, created: added.created };
  }
}

/** Idempotency key of a shift's daily fleet plan: the same key from a schedule, a catch-up or a retry. */
export const dailyJobKey = (fraction: WasteFraction, shiftDate: string): string => `plan|${FLEET_SCOPE}|${fraction}|${shiftDate}|daily`;

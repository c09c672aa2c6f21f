import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { JOB_RUNNER } from '@vulgraad/contracts';
import { NonRetryableJobError, type JobContext, type JobRunner } from '@vulgraad/jobs';
import { PlanningService, type PlanOutcome } from './planning.service';
import { dailyJobKey } from './replan.coordinator';
import { PLANNER_QUEUE, type PlanJobData } from './planner.tokens';

/** Handles the planner queue: parses the job, delegates to PlanningService, reports progress. */
@Injectable()
export class PlanProcessor implements OnApplicationBootstrap {
  constructor(
    @Inject(JOB_RUNNER) private readonly jobs: JobRunner,
    private readonly planning: PlanningService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.process<PlanJobData, PlanOutcome>(PLANNER_QUEUE, (job) => this.handle(job));
  }

  async handle(job: JobContext<PlanJobData>): Promise<PlanOutcome> {
    const { district, districts, fraction, trigger } = job.data ?? ({} as Partial<PlanJobData>);
    if (!fraction) throw new NonRetryableJobError(`job ${job.id} lacks a fraction`);
    const shiftDate = job.data.shiftDate ?? (await this.planning.tomorrowsShift(fraction));
    if (!shiftDate) return { status: 'skipped', reason: `no ${fraction} collection tomorrow` };
    const replan = job.name === 'replan';
    let last = -1;
    return this.planning.planAndPublish({
      fraction,
      concern: districts && districts.length > 0 ? districts : district,
      shiftDate,
      trigger: trigger ?? job.name,
      replan,
      jobKey: replan ? job.id : dailyJobKey(fraction, shiftDate),
      onProgress: (share, step) => {
        const pct = Math.round(share * 100);
        if (pct === last) return;
        last = pct;
        void job.updateProgress({ pct, step }).catch(() => undefined);
      },
    });
  }
}

import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Config } from '@vulgraad/config';
import { CONFIG, FLEET_SCOPE, JOB_RUNNER } from '@vulgraad/contracts';
import type { JobRunner } from '@vulgraad/jobs';
import { DistrictSettingsRepository, PlansRepository } from '@vulgraad/planning';
import { PlanningService } from './planning.service';
import { PLANNER_QUEUE, type PlanJobData } from './planner.tokens';
import { ReplanCoordinator } from './replan.coordinator';

/** The daily job starts this long before the cut-off, leaving room for retries. */
export const DAILY_LEAD_MIN = 120;
const RESYNC_MS = 10 * 60_000;

/**
 * One repeatable job per fraction that plans the next shift for the whole
 * fleet before the earliest cut-off of its districts. Schedules are (re)created at start and every ten
 * minutes (new districts, changed cut-offs); a start after the daily time
 * catches up on a missing plan at once.
 */
@Injectable()
export class DailyScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DailyScheduler.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(JOB_RUNNER) private readonly jobs: JobRunner,
    private readonly planning: PlanningService,
    private readonly replans: ReplanCoordinator,
    private readonly plans: PlansRepository,
    private readonly settings: DistrictSettingsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sync().catch((error: unknown) => this.logger.error({ msg: 'daily schedules not set', err: String(error) }));
    this.timer = setInterval(() => void this.sync().catch((error: unknown) => this.logger.warn({ msg: 'schedule resync failed', err: String(error) })), RESYNC_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Creates a schedule per fraction with containers (the fleet plan of all its
   * districts, at the earliest district's daily time); plans a missing shift
   * that is due (see `shiftDueForPlanning`).
   */
  async sync(): Promise<number> {
    const units = await this.settings.planningUnits();
    const fractions = [...new Set(units.map((u) => u.fraction))];
    for (const fraction of fractions) {
      const districts = await this.planning.districtsOf(fraction);
      const dailyAtMin = Math.max(0, Math.min(...districts.map((s) => s.cutoffMin)) - DAILY_LEAD_MIN);
      const data: PlanJobData = { district: FLEET_SCOPE, fraction, trigger: 'daily' };
      await this.jobs.schedule(PLANNER_QUEUE, `daily|${FLEET_SCOPE}|${fraction}`, { dailyAtMin, timeZone: this.planning.timeZone }, {
        name: 'daily', data, attempts: this.config.planner.jobAttempts, backoffMs: this.config.planner.jobBackoffMs,
      });
      const shiftDate = await this.planning.shiftDueForPlanning(fraction, dailyAtMin);
      if (shiftDate && !(await this.plans.published(FLEET_SCOPE, fraction, shiftDate))) await this.replans.requestDaily(fraction, shiftDate);
    }
    return fractions.length;
  }
}

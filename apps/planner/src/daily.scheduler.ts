import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Config } from '@vulgraad/config';
import { CONFIG, JOB_RUNNER } from '@vulgraad/contracts';
import type { JobRunner } from '@vulgraad/jobs';
import { DistrictSettingsRepository, PlansRepository } from '@vulgraad/planning';
import { PlanningService } from './planning.service';
import { idPart, PLANNER_QUEUE, type PlanJobData } from './planner.tokens';
import { ReplanCoordinator } from './replan.coordinator';

/** The daily job starts this long before the cut-off, leaving room for retries. */
export const DAILY_LEAD_MIN = 120;
const RESYNC_MS = 10 * 60_000;

/**
 * One repeatable job per district and fraction that plans the next shift
 * before the cut-off. Schedules are (re)created at start and every ten
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

  /** Creates a schedule per district/fraction with containers; plans a missing shift that is due (see `shiftDueForPlanning`). */
  async sync(): Promise<number> {
    const units = await this.settings.planningUnits();
    for (const { district, fraction } of units) {
      const settings = await this.planning.settingsOf(district, fraction);
      const dailyAtMin = Math.max(0, settings.cutoffMin - DAILY_LEAD_MIN);
      const data: PlanJobData = { district, fraction, trigger: 'daily' };
      await this.jobs.schedule(PLANNER_QUEUE, `daily|${idPart(district)}|${fraction}`, { dailyAtMin, timeZone: this.planning.timeZone }, {
        name: 'daily', data, attempts: this.config.planner.jobAttempts, backoffMs: this.config.planner.jobBackoffMs,
      });
      const shiftDate = await this.planning.shiftDueForPlanning(district, fraction, dailyAtMin);
      if (shiftDate && !(await this.plans.published(district, fraction, shiftDate))) await this.replans.requestDaily(district, fraction, shiftDate);
    }
    return units.length;
  }
}

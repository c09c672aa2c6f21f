import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Config } from '@vulgraad/config';
import { CLOCK, CONFIG, DATABASE, EVENT_BUS, type Clock, type Plan, type WasteFraction } from '@vulgraad/contracts';
import { forecastOptions, forecastSettingsFrom } from '@vulgraad/forecasting';
import { ContainersRepository, DepotsRepository, DisposalSitesRepository, VehiclesRepository, type Database } from '@vulgraad/database';
import type { MatrixProvider } from '@vulgraad/distances';
import type { EventBus } from '@vulgraad/events';
import {
  addDays, defaultDistrictSettings, densityOf, DistrictSettingsRepository, FillModelCache, isCollectionDay, localDateOf, localMinutesOf, localTimeMs,
  PlannerEditsRepository, PlanningDataRepository, PlansRepository, planShift, progressFromPlan, type DistrictSettings,
  type PlanShiftResult, type SolveFn,
} from '@vulgraad/planning';
import { PlannerMetrics } from './planner.metrics';
import { MATRIX_PROVIDER, MODEL_CACHE, SOLVER } from './planner.tokens';

const DAY_MS = 86_400_000;

/** What one planning run did. */
export type PlanOutcome =
  | { status: 'published'; planId: string; version: number; created: boolean; mustMissed: number; seconds: number }
  | { status: 'skipped'; reason: string };

/**
 * Builds and publishes plans: reads the district's containers, readings,
 * fleet, settings, planner edits and the plan in force, runs `planShift`,
 * stores the new version and publishes `plan.published` after the commit.
 */
@Injectable()
export class PlanningService {
  private readonly logger = new Logger(PlanningService.name);
  private readonly containers: ContainersRepository;
  private readonly vehicles: VehiclesRepository;
  private readonly depots: DepotsRepository;
  private readonly sites: DisposalSitesRepository;
  readonly plans: PlansRepository;
  readonly edits: PlannerEditsRepository;
  readonly settings: DistrictSettingsRepository;
  private readonly data: PlanningDataRepository;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(DATABASE) db: Database,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MATRIX_PROVIDER) private readonly matrix: MatrixProvider,
    @Inject(SOLVER) private readonly solve: SolveFn,
    @Inject(MODEL_CACHE) private readonly models: FillModelCache,
    private readonly metrics: PlannerMetrics,
  ) {
    this.containers = new ContainersRepository(db);
    this.vehicles = new VehiclesRepository(db);
    this.depots = new DepotsRepository(db);
    this.sites = new DisposalSitesRepository(db);
    this.plans = new PlansRepository(db);
    this.edits = new PlannerEditsRepository(db);
    this.settings = new DistrictSettingsRepository(db);
    this.data = new PlanningDataRepository(db);
  }

  get timeZone(): string {
    return this.config.core.timezone;
  }

  /** Today's local date in the city. */
  today(): string {
    return localDateOf(this.clock.now().getTime(), this.timeZone);
  }

  /** The settings in force for a district and fraction. */
  settingsOf(district: string, fraction: WasteFraction): Promise<DistrictSettings> {
    return this.settings.get(defaultDistrictSettings(this.config.planner, district, fraction));
  }

  /**
   * The shift a daily run plans: tomorrow, when it is a collection day; null
   * otherwise. A plan is made the day before its shift, on the freshest
   * readings, never days ahead.
   */
  async tomorrowsShift(district: string, fraction: WasteFraction): Promise<string | null> {
    const tomorrow = addDays(this.today(), 1);
    return isCollectionDay(await this.settingsOf(district, fraction), tomorrow) ? tomorrow : null;
  }

  /**
   * The shift that should have a plan by now: today's, before it starts, or
   * tomorrow's once the daily time (`dailyAtMin`) has passed; null when
   * neither is a collection day. For catching up after a start.
   */
  async shiftDueForPlanning(district: string, fraction: WasteFraction, dailyAtMin: number): Promise<string | null> {
    const settings = await this.settingsOf(district, fraction);
    const today = this.today();
    const nowMin = localMinutesOf(this.clock.now().getTime(), this.timeZone);
    if (isCollectionDay(settings, today) && nowMin < settings.shiftStartMin) return today;
    const tomorrow = addDays(today, 1);
    return nowMin >= dailyAtMin && isCollectionDay(settings, tomorrow) ? tomorrow : null;
  }

  /**
   * Plans a shift and publishes it as the next version. With a `jobKey`, a
   * repeated call (a retried job) returns the version stored the first time.
   * A re-plan (`replan: true`) of a shift without a published plan, or of
   * today's shift after its end, is skipped: there is nothing left to re-plan.
   */
  async planAndPublish(request: {
    district: string;
    fraction: WasteFraction;
    shiftDate: string;
    trigger: string;
    jobKey: string;
    replan?: boolean;
    onProgress?: (fraction: number, step: string) => void;
  }): Promise<PlanOutcome> {
    const { district, fraction, shiftDate } = request;
    const stored = await this.plans.findByJobKey(request.jobKey);
    if (stored) {
      await this.announce(stored);
      return { status: 'published', planId: stored.id, version: stored.version, created: false, mustMissed: mustMissedOf(stored), seconds: 0 };
    }
    const nowMs = this.clock.now().getTime();
    const settings = await this.settingsOf(district, fraction);
    const previous = await this.plans.published(district, fraction, shiftDate);
    if (request.replan) {
      if (!previous) return { status: 'skipped', reason: `no published plan for ${district}/${fraction} on ${shiftDate} to re-plan` };
      if (nowMs >= localTimeMs(shiftDate, settings.shiftEndMin, this.timeZone)) return { status: 'skipped', reason: `the ${shiftDate} shift is over` };
    }
    const containers = await this.containers.list({ district, wasteType: fraction, activeOnly: true });
    if (containers.length === 0) return { status: 'skipped', reason: `no active ${fraction} containers in ${district}` };

    const ids = containers.map((c) => c.id);
    const from = this.models.neededFrom(ids, nowMs - this.config.planner.historyDays * DAY_MS);
    const slice = await this.data.historySlice(ids, new Date(from), new Date(nowMs));
    const models = this.models.update(ids, slice, nowMs);
    const [vehicles, compaction, depots, sites, edits] = await Promise.all([
      this.vehicles.list({ activeOnly: true }),
      this.settings.compactionFactors(),
      this.depots.list(),
      this.sites.list(),
      this.edits.forShift(district, shiftDate),
    ]);
    const compactionOf = (id: string): number => compaction.get(id) ?? this.config.planner.compactionFactor;
    const isToday = shiftDate === localDateOf(nowMs, this.timeZone);

    const result: PlanShiftResult = await planShift(
      {
        district, fraction, shiftDate, timeZone: this.timeZone, nowMs, settings,
        containers: containers.map((c) => ({ container: c, model: models.get(c.id) })),
        vehicles: vehicles.map((v) => ({ ...v, compactionFactor: compaction.get(v.id) ?? null })),
        depots, disposalSites: sites, edits,
        densityKgPerL: densityOf(this.config.planner, fraction),
        defaultCompactionFactor: this.config.planner.compactionFactor,
        trigger: request.trigger,
        previous,
        progress: previous && isToday ? progressFromPlan(previous, nowMs, compactionOf) : [],
      },
      { matrix: this.matrix, solve: this.solve, forecast: forecastOptions(forecastSettingsFrom(this.config)), seed: this.config.planner.seed, onProgress: request.onProgress },
    );
    const { plan, created } = await this.plans.publish(result.plan, { jobKey: request.jobKey });
    await this.announce(plan);
    const seconds = result.timings.totalMs / 1000;
    if (created) {
      this.metrics.plansPublished.inc({ trigger: request.trigger.split(' ')[0] });
      this.metrics.solveSeconds.observe(result.timings.solveMs / 1000);
      this.metrics.planSeconds.observe(seconds);
      this.metrics.planCost.set({ district, fraction }, result.cost);
      this.metrics.planDistanceKm.set({ district, fraction }, plan.distanceM / 1000);
      if (result.mustMissed > 0) this.metrics.mustMissed.inc({ district }, result.mustMissed);
    }
    this.logger.log({
      msg: 'plan published', planId: plan.id, version: plan.version, trigger: request.trigger, containers: containers.length,
      stops: plan.routes.reduce((n, r) => n + r.stops.filter((s) => s.kind === 'container').length, 0),
      mustMissed: result.mustMissed, km: Math.round(plan.distanceM / 100) / 10, timings: result.timings,
    });
    return { status: 'published', planId: plan.id, version: plan.version, created, mustMissed: result.mustMissed, seconds };
  }

  /** Folds a reported emptying into the warm forecast model. */
  recordCollection(containerId: string, atMs: number, observedFillPct: number | null): void {
    this.models.recordCollection(containerId, atMs, observedFillPct);
  }

  private async announce(plan: Plan): Promise<void> {
    // After the commit; consumers key on (planId, version), so a repeat after a retry is harmless.
    await this.bus.publish('plan.published', {
      planId: plan.id, district: plan.district, fraction: plan.fraction, shiftDate: plan.shiftDate, version: plan.version, trigger: plan.trigger,
    });
  }
}

const mustMissedOf = (plan: Plan): number => plan.unassigned.filter((u) => u.category !== 'worth').length;

import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Config } from '@vulgraad/config';
import { CLOCK, CONFIG, EVENT_BUS, FLEET_SCOPE, type Clock, type Plan, type WasteFraction } from '@vulgraad/contracts';
import { ContainersRepository, DepotsRepository, DisposalSitesRepository, VehiclesRepository, vehicleShiftOn } from '@vulgraad/database';
import { forecastOptions, forecastSettingsFrom } from '@vulgraad/forecasting';
import type { MatrixProvider } from '@vulgraad/distances';
import type { EventBus } from '@vulgraad/events';
import {
  concernedVehicleIds, defaultDistrictSettings, densityOf, DistrictSettingsRepository, FillModelCache, isCollectionDay, PlannerEditsRepository,
  PlanningDataRepository, PlansRepository, planFleetShift, progressFromPlan,
  type DistrictSettings, type SolveFn,
} from '@vulgraad/planning';
import { addDays, isoWeekday, localDateOf, localMinutesOf, localTimeMs } from '@vulgraad/time';
import { PlannerMetrics } from './planner.metrics';
import { MATRIX_PROVIDER, MODEL_CACHE, SOLVER } from './planner.tokens';

const DAY_MS = 86_400_000;

/** What one planning run did. */
export type PlanOutcome =
  | { status: 'published'; planId: string; version: number; created: boolean; mustMissed: number; seconds: number }
  | { status: 'skipped'; reason: string };

/**
 * Builds and publishes fleet plans: reads a fraction's containers of the
 * districts collected that day, readings, fleet, settings, planner edits and
 * the plan in force, runs `planFleetShift`,
 * stores the new version and publishes `plan.published` after the commit.
 */
@Injectable()
export class PlanningService {
  private readonly logger = new Logger(PlanningService.name);

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MATRIX_PROVIDER) private readonly matrix: MatrixProvider,
    @Inject(SOLVER) private readonly solve: SolveFn,
    @Inject(MODEL_CACHE) private readonly models: FillModelCache,
    private readonly metrics: PlannerMetrics,
    private readonly containers: ContainersRepository,
    private readonly vehicles: VehiclesRepository,
    private readonly depots: DepotsRepository,
    private readonly sites: DisposalSitesRepository,
    private readonly plans: PlansRepository,
    private readonly edits: PlannerEditsRepository,
    private readonly settings: DistrictSettingsRepository,
    private readonly data: PlanningDataRepository,
  ) {}

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

  /** The settings of every district with active containers of a fraction. */
  async districtsOf(fraction: WasteFraction): Promise<DistrictSettings[]> {
    const units = (await this.settings.planningUnits()).filter((u) => u.fraction === fraction);
    return Promise.all(units.map((u) => this.settingsOf(u.district, fraction)));
  }

  /**
   * The shift a daily run plans: tomorrow, when it is a collection day of
   * any district of the fraction; null otherwise. A plan is made the day
   * before its shift, on the freshest readings, never days ahead.
   */
  async tomorrowsShift(fraction: WasteFraction): Promise<string | null> {
    const tomorrow = addDays(this.today(), 1);
    return (await this.districtsOf(fraction)).some((s) => isCollectionDay(s, tomorrow)) ? tomorrow : null;
  }

  /**
   * The shift that should have a plan by now: today's, before its first
   * district starts, or tomorrow's once the daily time (`dailyAtMin`) has
   * passed; null when neither is a collection day. For catching up after a start.
   */
  async shiftDueForPlanning(fraction: WasteFraction, dailyAtMin: number): Promise<string | null> {
    const districts = await this.districtsOf(fraction);
    const today = this.today();
    const nowMin = localMinutesOf(this.clock.now().getTime(), this.timeZone);
    const todays = districts.filter((s) => isCollectionDay(s, today));
    if (todays.length > 0 && nowMin < Math.min(...todays.map((s) => s.shiftStartMin))) return today;
    const tomorrow = addDays(today, 1);
    return nowMin >= dailyAtMin && districts.some((s) => isCollectionDay(s, tomorrow)) ? tomorrow : null;
  }

  /**
   * Plans a fraction's shift for the whole fleet (every district collected
   * that day, one route per truck) and publishes it as the next version of
   * the fleet plan. With a `jobKey`, a repeated call (a retried job) returns
   * the version stored the first time. A re-plan (`replan: true`) of a shift
   * without a published plan, or of today's shift after its end, is skipped.
   * A re-plan that names a district (`concern`) changes only the trucks that
   * may serve it or drive there; the others keep their routes. Times a
   * truck drives in another fraction's plan of the day are left out of its shift.
   */
  async planAndPublish(request: {
    fraction: WasteFraction;
    shiftDate: string;
    trigger: string;
    jobKey: string;
    replan?: boolean;
    /** The districts an event concerns (a re-plan); absent or `FLEET_SCOPE` = every truck. */
    concern?: string | readonly string[];
    onProgress?: (fraction: number, step: string) => void;
  }): Promise<PlanOutcome> {
    const { fraction, shiftDate } = request;
    const stored = await this.plans.findByJobKey(request.jobKey);
    if (stored) {
      await this.announce(stored);
      return { status: 'published', planId: stored.id, version: stored.version, created: false, mustMissed: mustMissedOf(stored), seconds: 0 };
    }
    const nowMs = this.clock.now().getTime();
    const districts = (await this.districtsOf(fraction)).filter((s) => isCollectionDay(s, shiftDate));
    if (districts.length === 0) return { status: 'skipped', reason: `no ${fraction} collection on ${shiftDate}` };
    const previous = await this.plans.published(FLEET_SCOPE, fraction, shiftDate);
    if (request.replan) {
      if (!previous) return { status: 'skipped', reason: `no published ${fraction} plan on ${shiftDate} to re-plan` };
      if (nowMs >= localTimeMs(shiftDate, Math.max(...districts.map((s) => s.shiftEndMin)), this.timeZone)) return { status: 'skipped', reason: `the ${shiftDate} shift is over` };
    }
    const names = new Set(districts.map((s) => s.district));
    const containers = (await this.containers.list({ wasteType: fraction, activeOnly: true })).filter((c) => names.has(c.district));
    if (containers.length === 0) return { status: 'skipped', reason: `no active ${fraction} containers in the districts collected on ${shiftDate}` };

    const ids = containers.map((c) => c.id);
    const from = this.models.neededFrom(ids, nowMs - this.config.planner.historyDays * DAY_MS);
    const slice = await this.data.historySlice(ids, new Date(from), new Date(nowMs));
    const models = this.models.update(ids, slice, nowMs);
    const [vehicles, compaction, depots, sites, edits, dayPlans] = await Promise.all([
      this.vehicles.list({ activeOnly: true }),
      this.settings.compactionFactors(),
      this.depots.list(),
      this.sites.list(),
      Promise.all([...names].map((d) => this.edits.forShift(d, shiftDate))),
      this.plans.publishedOn(shiftDate),
    ]);
    const compactionOf = (id: string): number => compaction.get(id) ?? this.config.planner.compactionFactor;
    const isToday = shiftDate === localDateOf(nowMs, this.timeZone);
    // Each truck with its shift of the day's weekday (none = it does not work that day).
    const weekday = isoWeekday(shiftDate);
    const planningVehicles = vehicles.flatMap((v) => {
      const shift = vehicleShiftOn(v, weekday);
      return shift ? [{ ...v, shiftStartMin: shift.startMin, shiftEndMin: shift.endMin, compactionFactor: compaction.get(v.id) ?? null }] : [];
    });
    // Another fraction's routes (and plans not yet part of the fleet plan) take their trucks' time.
    const busy = dayPlans
      .filter((p) => p.fraction !== fraction)
      .flatMap((p) => p.routes.map((r) => ({ vehicleId: r.vehicleId, fromMs: Date.parse(r.startAt), toMs: Date.parse(r.endAt) })));
    const concern = request.concern === undefined ? [] : typeof request.concern === 'string' ? [request.concern] : [...request.concern];
    const concerned = request.replan && previous
      ? concernedVehicleIds({ vehicles: planningVehicles, districts, fraction, depotIds: new Set(depots.map((d) => d.id)), previous, concern })
      : undefined;

    const result = await planFleetShift(
      {
        scope: FLEET_SCOPE, fraction, shiftDate, timeZone: this.timeZone, nowMs, districts,
        containers: containers.map((c) => ({ container: c, model: models.get(c.id) })),
        vehicles: planningVehicles,
        depots, disposalSites: sites, edits: edits.flat(),
        densityKgPerL: densityOf(this.config.planner, fraction),
        defaultCompactionFactor: this.config.planner.compactionFactor,
        trigger: request.trigger,
        previous,
        progress: previous && isToday ? progressFromPlan(previous, nowMs, compactionOf) : [],
        busy,
        concernedVehicleIds: concerned,
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
      this.metrics.planCost.set({ district: FLEET_SCOPE, fraction }, result.cost);
      this.metrics.planDistanceKm.set({ district: FLEET_SCOPE, fraction }, plan.distanceM / 1000);
      if (result.mustMissed > 0) this.metrics.mustMissed.inc({ district: FLEET_SCOPE }, result.mustMissed);
    }
    this.logger.log({
      msg: 'plan published', planId: plan.id, version: plan.version, trigger: request.trigger, districts: plan.districts, containers: containers.length,
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
      planId: plan.id, district: plan.district, districts: plan.districts ?? [plan.district], fraction: plan.fraction, shiftDate: plan.shiftDate, version: plan.version, trigger: plan.trigger,
    });
  }
}

const mustMissedOf = (plan: Plan): number => plan.unassigned.filter((u) => u.category !== 'worth').length;

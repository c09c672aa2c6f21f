import { Inject, Injectable } from '@nestjs/common';
import type { Config } from '@vulgraad/config';
import { CLOCK, CONFIG, DomainError, EVENT_BUS, LIVE_ROOMS, type Clock, type DriverFeedback, type Plan, type PlanSummary } from '@vulgraad/contracts';
import { ContainersRepository } from '@vulgraad/database';
import type { EventBus } from '@vulgraad/events';
import { PlannerEditsRepository, planToCsv, planToGeoJson, planToGpx, PlansRepository, type PlannerEdit } from '@vulgraad/planning';
import { localDateOf } from '@vulgraad/time';
import { AuditService } from '../audit/audit.service';
import { seesDistrict, type AuthUser } from '../auth/roles';
import type { FeedbackDto, PlannerEditDto } from './plans.dto';

export type { PlanSummary } from '@vulgraad/contracts';

/** The live room of a truck's route on a shift: stable across re-planned versions. */
export const routeRoom = LIVE_ROOMS.route;

/** The districts a plan covers. */
export const districtsOfPlan = (plan: Pick<Plan, 'district' | 'districts'>): string[] => (plan.districts && plan.districts.length > 0 ? plan.districts : [plan.district]);

/** The districts a route of a plan passes (its plan's when it empties no container yet). */
export const districtsOfRoute = (plan: Pick<Plan, 'district' | 'districts'>, route: Pick<Plan['routes'][number], 'districts'>): string[] =>
  route.districts && route.districts.length > 0 ? route.districts : districtsOfPlan(plan);

/** A user sees a plan when it covers a district they see. */
export const seesPlan = (user: AuthUser, plan: Pick<Plan, 'district' | 'districts'>): boolean => districtsOfPlan(plan).some((d) => seesDistrict(user, d));

/**
 * A plan as one district sees it: the fleet's routes that pass through the
 * district (a truck's whole day, other districts included) and its
 * unplaced containers are kept whole; the plan itself is unchanged when it
 * is the district's own.
 */
export function viewOfDistrict(plan: Plan, district: string): Plan {
  if (districtsOfPlan(plan).length <= 1) return plan;
  return { ...plan, routes: plan.routes.filter((r) => districtsOfRoute(plan, r).includes(district)) };
}

/** A plan as a user limited to some districts sees it: the routes that pass through one of them. */
export function viewOfUser(plan: Plan, user: Pick<AuthUser, 'districts'>): Plan {
  if (user.districts === null || districtsOfPlan(plan).length <= 1) return plan;
  return { ...plan, routes: plan.routes.filter((r) => districtsOfRoute(plan, r).some((d) => seesDistrict(user, d))) };
}

export function summarise(plan: Plan): PlanSummary {
  return {
    id: plan.id,
    district: plan.district,
    districts: districtsOfPlan(plan),
    fraction: plan.fraction,
    shiftDate: plan.shiftDate,
    version: plan.version,
    status: plan.status,
    trigger: plan.trigger,
    createdAt: plan.createdAt,
    distanceM: plan.distanceM,
    durationS: plan.durationS,
    routes: plan.routes.map((r) => ({
      id: r.id,
      vehicleId: r.vehicleId,
      room: routeRoom(r.vehicleId, plan.shiftDate),
      districts: districtsOfRoute(plan, r),
      stops: r.stops.length,
      containers: r.stops.filter((s) => s.kind === 'container').length,
      startAt: r.startAt,
      endAt: r.endAt,
      distanceM: r.distanceM,
    })),
    unassigned: plan.unassigned.length,
  };
}

export type ExportFormat = 'geojson' | 'gpx' | 'csv';

@Injectable()
export class PlansService {
  constructor(
    private readonly plans: PlansRepository,
    private readonly edits: PlannerEditsRepository,
    private readonly containers: ContainersRepository,
    private readonly audit: AuditService,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Today's shift date in the city's time zone. */
  today(): string {
    return localDateOf(this.clock.now().getTime(), this.config.core.timezone);
  }

  async list(user: AuthUser, date: string | undefined, district: string | undefined): Promise<PlanSummary[]> {
    if (district && !seesDistrict(user, district)) throw new DomainError('forbidden', `you may not see district ${district}`, 'district');
    const plans = await this.plans.publishedOn(date ?? this.today(), district ?? null);
    return plans.filter((p) => seesPlan(user, p)).map((p) => summarise(viewOfUser(district ? viewOfDistrict(p, district) : p, user)));
  }

  async get(user: AuthUser, id: string): Promise<Plan> {
    const plan = await this.plans.findById(id);
    if (!plan) throw new DomainError('not_found', `plan ${id} does not exist`, 'id');
    if (!seesPlan(user, plan)) throw new DomainError('forbidden', `you may not see district ${plan.district}`, 'id');
    return viewOfUser(plan, user);
  }

  async versions(user: AuthUser, id: string): Promise<PlanSummary[]> {
    const plan = await this.get(user, id);
    return (await this.plans.versions(plan.district, plan.fraction, plan.shiftDate)).map(summarise);
  }

  async export(user: AuthUser, id: string, format: ExportFormat, vehicleId?: string): Promise<{ body: string; contentType: string; filename: string }> {
    const plan = await this.get(user, id);
    if (vehicleId && !plan.routes.some((r) => r.vehicleId === vehicleId)) throw new DomainError('not_found', `plan ${id} has no route for vehicle ${vehicleId}`, 'vehicleId');
    const base = `${plan.id}${vehicleId ? `-${vehicleId}` : ''}`.replace(/[^A-Za-z0-9._-]/g, '_');
    switch (format) {
      case 'geojson':
        return { body: JSON.stringify(planToGeoJson(plan, { vehicleId })), contentType: 'application/geo+json', filename: `${base}.geojson` };
      case 'gpx':
        return { body: planToGpx(plan, { vehicleId }), contentType: 'application/gpx+xml', filename: `${base}.gpx` };
      case 'csv':
        return { body: planToCsv(plan, { vehicleId }), contentType: 'text/csv; charset=utf-8', filename: `${base}.csv` };
    }
  }

  async listEdits(user: AuthUser, query: { district?: string; shiftDate?: string; containerId?: string }): Promise<PlannerEdit[]> {
    if (query.containerId) {
      const container = await this.containerFor(user, query.containerId);
      return this.edits.ofContainer(container.id);
    }
    if (query.district && !seesDistrict(user, query.district)) throw new DomainError('forbidden', `you may not see district ${query.district}`, 'district');
    if (query.district && query.shiftDate) return this.edits.forShift(query.district, query.shiftDate);
    const recent = await this.edits.recent(query.district ?? null, 200);
    return recent.filter((e) => seesDistrict(user, e.district));
  }

  /**
   * Appends a planner decision (the district comes from the container, not
   * the request), writes the audit line, and publishes `planner.edit` so the
   * planner re-plans what is not yet driven.
   */
  async edit(user: AuthUser, dto: PlannerEditDto): Promise<PlannerEdit> {
    const container = await this.containerFor(user, dto.containerId);
    if (dto.shiftDate < this.today()) throw new DomainError('validation', `shift ${dto.shiftDate} is in the past`, 'shiftDate');
    const edit = await this.edits.append({
      district: container.district,
      shiftDate: dto.shiftDate,
      containerId: container.id,
      action: dto.action,
      vehicleId: dto.vehicleId ?? null,
      reason: dto.reason,
      by: user.username,
    });
    await this.audit.record(user, `plan.edit.${dto.action}`, { type: 'container', id: container.id }, { editId: edit.id, district: edit.district, shiftDate: edit.shiftDate, vehicleId: edit.vehicleId, reason: edit.reason });
    await this.bus.publish('planner.edit', {
      editId: edit.id,
      district: edit.district,
      containerId: edit.containerId,
      action: edit.action,
      vehicleId: edit.vehicleId ?? undefined,
      reason: edit.reason,
      by: edit.by,
      shiftDate: dto.shiftDate,
    });
    return edit;
  }

  /** A driver's report on a stop: published as `driver.feedback` for the planner to store and act on. */
  async feedback(user: AuthUser, dto: FeedbackDto): Promise<DriverFeedback> {
    const container = await this.containerFor(user, dto.containerId);
    if (dto.kind !== 'emptied' && dto.observedFillPct !== undefined) throw new DomainError('validation', 'observedFillPct belongs to kind emptied', 'observedFillPct');
    const event: DriverFeedback = {
      containerId: container.id,
      vehicleId: dto.vehicleId,
      planId: dto.planId,
      kind: dto.kind,
      observedFillPct: dto.observedFillPct,
      note: dto.note,
      at: this.clock.now().toISOString(),
    };
    await this.audit.record(user, `feedback.${dto.kind}`, { type: 'container', id: container.id }, { ...dto });
    await this.bus.publish('driver.feedback', event);
    return event;
  }

  private async containerFor(user: AuthUser, containerId: string) {
    const container = await this.containers.findById(containerId);
    if (!container) throw new DomainError('not_found', `container ${containerId} does not exist`, 'containerId');
    if (!seesDistrict(user, container.district)) throw new DomainError('forbidden', `you may not act in district ${container.district}`, 'containerId');
    return container;
  }
}

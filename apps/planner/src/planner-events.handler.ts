import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EVENT_BUS, FLEET_SCOPE, type AlertChanged, type DriverFeedback, type PlannerEditMade, type VehicleStatusChanged } from '@vulgraad/contracts';
import { ContainersRepository, VehiclesRepository } from '@vulgraad/database';
import type { EventBus } from '@vulgraad/events';
import { isCollectionDay, PlansRepository } from '@vulgraad/planning';
import { FeedbackService } from './feedback.service';
import { PlanningService } from './planning.service';
import { ReplanCoordinator } from './replan.coordinator';

/** Alerts that mean a container needs a truck sooner than planned. */
const URGENT_CAUSES = new Set<AlertChanged['cause']>(['container_full', 'predicted_overflow']);

/**
 * The events the planner reacts to, one handler each; each only decides
 * which shift to re-plan and delegates. Re-plans are coalesced by the
 * coordinator.
 */
@Injectable()
export class PlannerEventsHandler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PlannerEventsHandler.name);
  private readonly unsubscribes: Array<() => Promise<void>> = [];

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly planning: PlanningService,
    private readonly replans: ReplanCoordinator,
    private readonly feedback: FeedbackService,
    private readonly containers: ContainersRepository,
    private readonly vehicles: VehiclesRepository,
    private readonly plans: PlansRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribes.push(
      await this.bus.subscribe('planner.edit', (e) => this.guard('planner.edit', e, () => this.onPlannerEdit(e))),
      await this.bus.subscribe('vehicle.status', (e) => this.guard('vehicle.status', e, () => this.onVehicleStatus(e))),
      await this.bus.subscribe('driver.feedback', (e) => this.guard('driver.feedback', e, () => this.onDriverFeedback(e))),
      await this.bus.subscribe('alert.changed', (e) => this.guard('alert.changed', e, () => this.onAlert(e))),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled(this.unsubscribes.map((off) => off()));
  }

  /** A planner locked, excluded, added or cleared a container: re-plan that shift (when it has a plan). */
  async onPlannerEdit(event: PlannerEditMade): Promise<void> {
    const container = await this.containers.findById(event.containerId);
    if (!container) {
      this.logger.warn({ msg: 'planner edit for an unknown container, no re-plan', event });
      return;
    }
    const shiftDate = event.shiftDate || this.planning.today();
    await this.replans.request(event.district, container.wasteType, shiftDate, `planner.edit ${event.action} ${event.containerId} by ${event.by}`);
  }

  /**
   * A truck left or re-entered service: re-plan today's fleet plans of the
   * fractions it drives in or takes. Out of service, the re-plan concerns the
   * districts of its day (its stops go to the trucks that serve them); back in
   * service, every truck (it may take work from any of them).
   */
  async onVehicleStatus(event: VehicleStatusChanged): Promise<void> {
    const today = this.planning.today();
    const vehicle = await this.vehicles.findById(event.vehicleId);
    const trigger = `vehicle.status ${event.vehicleId} ${event.status}`;
    for (const plan of await this.plans.publishedOn(today)) {
      const route = plan.routes.find((r) => r.vehicleId === event.vehicleId);
      if (event.status === 'out_of_service' && route) {
        const districts = route.districts && route.districts.length > 0 ? route.districts : [FLEET_SCOPE];
        await this.replans.request(districts, plan.fraction, today, trigger);
      } else if (event.status === 'in_service' && (route || (vehicle?.fractions.includes(plan.fraction) ?? false))) {
        await this.replans.request(FLEET_SCOPE, plan.fraction, today, trigger);
      }
    }
  }

  async onDriverFeedback(event: DriverFeedback): Promise<void> {
    await this.feedback.handle(event);
  }

  /** A container is full or about to be: re-plan today if it is a collection day and the container is not on a route. */
  async onAlert(event: AlertChanged): Promise<void> {
    if (event.change !== 'opened' || !URGENT_CAUSES.has(event.cause)) return;
    const container = await this.containers.findById(event.containerId);
    if (!container) return;
    const today = this.planning.today();
    const settings = await this.planning.settingsOf(container.district, container.wasteType);
    if (!isCollectionDay(settings, today)) return;
    const plan = await this.plans.published(container.district, container.wasteType, today);
    const planned = plan?.routes.some((r) => r.stops.some((s) => s.containerId === container.id && s.doneAt === null)) ?? false;
    if (plan && !planned) await this.replans.request(container.district, container.wasteType, today, `alert.changed ${event.cause} ${container.id}`);
  }

  private async guard(event: string, payload: unknown, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.logger.error({ msg: 'event handling failed', event, payload, err: error instanceof Error ? error.message : String(error) });
    }
  }
}

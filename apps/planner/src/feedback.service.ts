import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_BUS, type DriverFeedback } from '@vulgraad/contracts';
import { CollectionsRepository, ContainersRepository } from '@vulgraad/database';
import type { EventBus } from '@vulgraad/events';
import { PlannerEditsRepository, PlansRepository } from '@vulgraad/planning';
import { localDateOf } from '@vulgraad/time';
import { PlanningService } from './planning.service';
import { PlannerMetrics } from './planner.metrics';
import { ReplanCoordinator } from './replan.coordinator';

/** What handling one report did, for logs and tests. */
export type FeedbackOutcome =
  | { status: 'emptied'; collectionStored: boolean; stopMarked: boolean }
  | { status: 'excluded'; editId: string; replanJob: string }
  | { status: 'rejected'; reason: string };

/**
 * Drivers' reports: *emptied* stores a collection (with the fill the driver
 * saw), marks the stop driven and feeds the forecast; *blocked* and
 * *damaged* exclude the container for the rest of the shift (an edit by
 * `driver:<truck>` in the audit log) and re-plan what is not yet driven.
 */
@Injectable()
export class FeedbackService {
  private readonly logger = new Logger(FeedbackService.name);

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly planning: PlanningService,
    private readonly replans: ReplanCoordinator,
    private readonly metrics: PlannerMetrics,
    private readonly containers: ContainersRepository,
    private readonly collections: CollectionsRepository,
    private readonly plans: PlansRepository,
    private readonly edits: PlannerEditsRepository,
  ) {}

  async handle(report: DriverFeedback): Promise<FeedbackOutcome> {
    const at = new Date(report.at);
    const container = report.containerId ? await this.containers.findById(report.containerId) : null;
    const problem = !container ? `unknown container "${report.containerId}"` : Number.isNaN(at.getTime()) ? `unreadable time "${report.at}"` : null;
    if (problem || !container) {
      // Kept in the log with the whole report: an event has no sender to answer.
      this.logger.warn({ msg: 'driver feedback rejected', reason: problem, report });
      this.metrics.feedback.inc({ kind: 'rejected' });
      return { status: 'rejected', reason: problem ?? 'unknown container' };
    }
    this.metrics.feedback.inc({ kind: report.kind });
    const shiftDate = localDateOf(at.getTime(), this.planning.timeZone);
    const stop = await this.plans.openStopOf(container.id, shiftDate);

    if (report.kind === 'emptied') {
      const observed = typeof report.observedFillPct === 'number' && Number.isFinite(report.observedFillPct) ? report.observedFillPct : null;
      const planId = stop?.planId ?? report.planId ?? null;
      const stored = await this.collections.insertMany([
        { containerId: container.id, collectedAt: at, observedFillPct: observed, weightKg: null, source: 'driver', planId, vehicleId: report.vehicleId ?? stop?.vehicleId ?? null, note: report.note ?? null },
      ]);
      const stopMarked = stop ? await this.plans.markStopDone(stop.planId, container.id, at) : false;
      this.planning.recordCollection(container.id, at.getTime(), observed);
      if (stored > 0) {
        await this.bus.publish('collection.recorded', {
          containerId: container.id, district: container.district, collectedAt: at.toISOString(), observedFillPct: observed, source: 'driver', planId: planId ?? undefined,
        });
      }
      return { status: 'emptied', collectionStored: stored > 0, stopMarked };
    }

    const edit = await this.edits.append({
      district: container.district,
      shiftDate,
      containerId: container.id,
      action: 'exclude',
      reason: `${report.kind} reported by the driver${report.note ? `: ${report.note}` : ''}`,
      by: `driver:${report.vehicleId ?? 'unknown'}`,
    });
    await this.bus.publish('planner.edit', {
      editId: edit.id, district: edit.district, containerId: edit.containerId, action: 'exclude', reason: edit.reason, by: edit.by, shiftDate,
    });
    const job = await this.replans.request(container.district, container.wasteType, shiftDate, `driver.feedback ${report.kind} ${container.id}`);
    return { status: 'excluded', editId: edit.id, replanJob: job.jobId };
  }
}

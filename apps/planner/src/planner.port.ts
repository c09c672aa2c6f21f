import { Injectable } from '@nestjs/common';
import type { Plan, WasteFraction } from '@vulgraad/contracts';
import { DistrictSettingsRepository, PlansRepository, type DistrictSettings } from '@vulgraad/planning';
import { PlanningService } from './planning.service';
import { ReplanCoordinator } from './replan.coordinator';

/**
 * What another app may ask of the planner (the all-in-one's demo does, on
 * its simulated clock): the city's day, the plans in force, each district's
 * settings, and a request for a shift's daily plan.
 */
export interface PlannerPort {
  /** The city's IANA time zone, in which shifts and days are counted. */
  readonly timeZone: string;
  /** Today's local date (YYYY-MM-DD) on the process clock. */
  today(): string;
  /** The published plans of today's shifts (a fleet plan per fraction lists the districts it covers). */
  todaysPlans(): Promise<Plan[]>;
  /** The districts and fractions that have containers to plan. */
  units(): Promise<Array<{ district: string; fraction: WasteFraction }>>;
  /** The settings in force for a district and fraction. */
  settingsOf(district: string, fraction: WasteFraction): Promise<DistrictSettings>;
  /** Whether the shift has a published plan. */
  isPublished(district: string, fraction: WasteFraction, shiftDate: string): Promise<boolean>;
  /** Queues the daily plan of a shift (idempotent per shift: every district of a fraction shares the fleet plan). */
  requestDaily(district: string, fraction: WasteFraction, shiftDate: string): Promise<{ jobId: string; created: boolean }>;
}

/** Token of the planner's port, exported by PlannerModule. */
export const PLANNER_PORT = Symbol('vulgraad.planner.port');

@Injectable()
export class PlannerPortService implements PlannerPort {
  constructor(
    private readonly planning: PlanningService,
    private readonly replans: ReplanCoordinator,
    private readonly plans: PlansRepository,
    private readonly settings: DistrictSettingsRepository,
  ) {}

  get timeZone(): string {
    return this.planning.timeZone;
  }

  today(): string {
    return this.planning.today();
  }

  todaysPlans(): Promise<Plan[]> {
    return this.plans.publishedOn(this.today());
  }

  units(): Promise<Array<{ district: string; fraction: WasteFraction }>> {
    return this.settings.planningUnits();
  }

  settingsOf(district: string, fraction: WasteFraction): Promise<DistrictSettings> {
    return this.planning.settingsOf(district, fraction);
  }

  async isPublished(district: string, fraction: WasteFraction, shiftDate: string): Promise<boolean> {
    return (await this.plans.published(district, fraction, shiftDate)) !== null;
  }

  requestDaily(_district: string, fraction: WasteFraction, shiftDate: string): Promise<{ jobId: string; created: boolean }> {
    return this.replans.requestDaily(fraction, shiftDate);
  }
}

import type { Clock, WasteFraction } from '@vulgraad/contracts';
import { isCollectionDay, nextCollectionDay } from '@vulgraad/planning';
import { localMinutesOf, localTimeMs } from '@vulgraad/time';
import type { PlannerPort } from '../../../planner/src';

/** The daily plan is requested this long before the cut-off, as the planner's own schedule does. */
const DAILY_LEAD_MIN = 120;

/** What the cadence needs of the planner's port. */
export type PlanningPort = Pick<PlannerPort, 'timeZone' | 'today' | 'units' | 'settingsOf' | 'isPublished' | 'requestDaily'>;

/**
 * When plans are made in the demo, on the simulated clock (the planner's
 * own daily schedule runs on the wall clock, where a simulated day passes in
 * minutes). Per district and fraction it makes sure that the shift in hand
 * (today's until it ends, else the next one) has a plan, which gives the
 * first plan at start-up, and that the next shift is planned once the daily
 * time before the cut-off has passed. Requests are idempotent per shift.
 */
export class DemoPlanningCadence {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  readonly requested: Array<{ district: string; fraction: WasteFraction; shiftDate: string }> = [];
  /** Shifts asked for and not yet published, with their start (simulated ms). */
  private readonly awaiting = new Map<string, number>();

  constructor(
    private readonly planning: PlanningPort,
    private readonly clock: Clock,
    private readonly onProblem: (problem: string) => void,
  ) {}

  /** First check after `firstInMs` (time for the first readings to arrive), then every `everyMs` of wall time. */
  start(firstInMs: number, everyMs = 2000): void {
    if (this.timer) return;
    const run = (): void => {
      if (this.ticking) return;
      this.ticking = this.tick()
        .then(() => undefined)
        .catch((error: unknown) => this.onProblem(`demo planning: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          this.ticking = null;
        });
    };
    this.timer = setTimeout(() => {
      run();
      this.timer = setInterval(run, everyMs);
      this.timer.unref();
    }, firstInMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }

  /** Feed `plan.published`: that shift is no longer awaited in the districts the plan covers. */
  notePublished(plan: { district: string; districts?: string[]; fraction: WasteFraction; shiftDate: string }): void {
    for (const district of plan.districts ?? [plan.district]) this.awaiting.delete(shiftKey(district, plan.fraction, plan.shiftDate));
  }

  /** The earliest start of a shift whose plan was asked for and is not published yet (simulated ms), or null. */
  holdAt(): number | null {
    let earliest: number | null = null;
    for (const startMs of this.awaiting.values()) earliest = earliest === null ? startMs : Math.min(earliest, startMs);
    return earliest;
  }

  /** Requests the plans that are due now; returns how many were newly queued. */
  async tick(): Promise<number> {
    const nowMs = this.clock.now().getTime();
    const today = this.planning.today();
    const nowMin = localMinutesOf(nowMs, this.planning.timeZone);
    let queued = 0;
    for (const { district, fraction } of await this.planning.units()) {
      const settings = await this.planning.settingsOf(district, fraction);
      const inHand = isCollectionDay(settings, today) && nowMin < settings.shiftEndMin ? today : nextCollectionDay(settings, today);
      const shifts = [inHand];
      if (nowMin >= Math.max(0, settings.cutoffMin - DAILY_LEAD_MIN)) shifts.push(nextCollectionDay(settings, today));
      for (const shiftDate of new Set(shifts)) {
        const key = shiftKey(district, fraction, shiftDate);
        if (await this.planning.isPublished(district, fraction, shiftDate)) {
          this.awaiting.delete(key);
          continue;
        }
        this.awaiting.set(key, localTimeMs(shiftDate, settings.shiftStartMin, this.planning.timeZone));
        const { created } = await this.planning.requestDaily(district, fraction, shiftDate);
        if (created) {
          queued++;
          this.requested.push({ district, fraction, shiftDate });
        }
      }
    }
    return queued;
  }
}

const shiftKey = (district: string, fraction: WasteFraction, shiftDate: string): string => `${district}|${fraction}|${shiftDate}`;

import type { Clock, DriverFeedback, Plan, PlanPublished } from '@vulgraad/contracts';
import type { EventBus } from '@vulgraad/events';
import type { PlansRepository } from '@vulgraad/planning';

const REPORTED_MEMORY = 50_000;

/** A container stop a simulated truck will report emptied. */
interface DueStop {
  containerId: string;
  vehicleId: string;
  planId: string;
  atMs: number;
}

/**
 * The demo's trucks: they drive whatever plan is in force. For every
 * published plan the container stops not yet driven are kept in time order;
 * when the simulated clock passes a stop's planned arrival the truck reports
 * it emptied as a driver would (`driver.feedback`), with the fill the driver
 * saw. The planner stores the collection and marks the stop driven; the
 * sensor simulator empties the container. A newer version of a plan replaces
 * the stops of the one before.
 */
export class DemoFleet {
  /** Per district, fraction and shift: the stops still to drive, in time order. */
  private readonly due = new Map<string, DueStop[]>();
  /** Containers already reported per shift, so a re-plan racing a report cannot empty twice. */
  private readonly reported = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  readonly counts = { plansFollowed: 0, stopsReported: 0 };

  constructor(
    private readonly plans: PlansRepository,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    /** The fill a driver would see when opening the container, in percent (the simulation's truth). */
    private readonly fillSeen: (containerId: string, atMs: number) => number | null,
    private readonly onProblem: (problem: string) => void,
  ) {}

  /** Subscribe to `plan.published`. */
  readonly onPlanPublished = async (event: PlanPublished): Promise<void> => {
    const plan = await this.plans.findById(event.planId);
    if (!plan || plan.status !== 'published') return;
    this.follow(plan);
  };

  /** Keeps the plan's undriven container stops as the ones to drive for its shift. */
  follow(plan: Plan): void {
    const stops: DueStop[] = [];
    for (const route of plan.routes) {
      for (const stop of route.stops) {
        if (stop.kind !== 'container' || !stop.containerId || stop.doneAt !== null) continue;
        const atMs = Date.parse(stop.arriveAt);
        if (Number.isFinite(atMs)) stops.push({ containerId: stop.containerId, vehicleId: route.vehicleId, planId: plan.id, atMs });
      }
    }
    stops.sort((a, b) => a.atMs - b.atMs);
    this.due.set(unitKey(plan), stops);
    this.counts.plansFollowed++;
  }

  /** Checks the clock every `everyMs` of wall time. */
  start(everyMs = 250): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = this.tick()
        .then(() => undefined)
        .catch((error: unknown) => this.onProblem(`demo fleet: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          this.ticking = null;
        });
    }, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }

  /** Reports every stop whose planned arrival has passed; returns how many. */
  async tick(): Promise<number> {
    const nowMs = this.clock.now().getTime();
    let reported = 0;
    for (const [key, stops] of this.due) {
      while (stops.length > 0 && (stops[0] as DueStop).atMs <= nowMs) {
        const stop = stops.shift() as DueStop;
        const once = `${key}|${stop.containerId}`;
        if (this.reported.has(once)) continue;
        // Only a re-plan racing a report needs this memory; past shifts' entries can go.
        if (this.reported.size >= REPORTED_MEMORY) this.reported.clear();
        this.reported.add(once);
        const seen = this.fillSeen(stop.containerId, stop.atMs);
        const report: DriverFeedback = {
          containerId: stop.containerId,
          vehicleId: stop.vehicleId,
          planId: stop.planId,
          kind: 'emptied',
          at: new Date(stop.atMs).toISOString(),
          ...(seen === null ? {} : { observedFillPct: Math.round(seen) }),
          note: 'simulated truck',
        };
        await this.bus.publish('driver.feedback', report);
        reported++;
        this.counts.stopsReported++;
      }
      if (stops.length === 0) this.due.delete(key);
    }
    return reported;
  }
}

const unitKey = (plan: Pick<Plan, 'district' | 'fraction' | 'shiftDate'>): string => `${plan.district}|${plan.fraction}|${plan.shiftDate}`;

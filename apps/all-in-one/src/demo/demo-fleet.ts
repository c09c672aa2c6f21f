import type { Clock, DriverFeedback, Plan, PlanPublished, PlanStop } from '@vulgraad/contracts';
import { haversineM } from '@vulgraad/distances';
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

/** What a simulated truck sends over the air: its positions and its lifts, as a truck's telematics box would. */
export interface TruckRadio {
  position(vehicleId: string, position: { atMs: number; lat: number; lng: number; speedKmh: number; heading: number }): Promise<void>;
  lift(vehicleId: string, containerId: string, atMs: number): Promise<void>;
}

/** A truck's position on a route at a time: at a stop between its arrival and departure, on the straight line between two stops while driving. Null outside the route's day. */
export function positionOnRoute(stops: readonly PlanStop[], atMs: number): { lat: number; lng: number; speedKmh: number; heading: number } | null {
  const placed = stops.filter((s) => s.lat !== null && s.lng !== null);
  if (placed.length === 0) return null;
  const first = placed[0] as PlanStop;
  const last = placed[placed.length - 1] as PlanStop;
  if (atMs < Date.parse(first.departAt) - 60_000 || atMs > Date.parse(last.arriveAt)) return null;
  for (let i = 0; i < placed.length; i++) {
    const here = placed[i] as PlanStop;
    if (atMs <= Date.parse(here.departAt)) return { lat: here.lat as number, lng: here.lng as number, speedKmh: 0, heading: 0 };
    const next = placed[i + 1];
    if (!next) break;
    const leaveMs = Date.parse(here.departAt);
    const arriveMs = Date.parse(next.arriveAt);
    if (atMs >= arriveMs) continue;
    const share = arriveMs > leaveMs ? (atMs - leaveMs) / (arriveMs - leaveMs) : 1;
    const lat = (here.lat as number) + ((next.lat as number) - (here.lat as number)) * share;
    const lng = (here.lng as number) + ((next.lng as number) - (here.lng as number)) * share;
    const metres = haversineM(here.lng as number, here.lat as number, next.lng as number, next.lat as number);
    const speedKmh = arriveMs > leaveMs ? Math.min(90, (metres / ((arriveMs - leaveMs) / 1000)) * 3.6) : 0;
    const y = Math.sin(toRad((next.lng as number) - (here.lng as number))) * Math.cos(toRad(next.lat as number));
    const x = Math.cos(toRad(here.lat as number)) * Math.sin(toRad(next.lat as number)) - Math.sin(toRad(here.lat as number)) * Math.cos(toRad(next.lat as number)) * Math.cos(toRad((next.lng as number) - (here.lng as number)));
    const heading = (((Math.atan2(y, x) * 180) / Math.PI) + 360) % 360;
    return { lat, lng, speedKmh: Math.round(speedKmh * 10) / 10, heading: Math.round(heading) };
  }
  return { lat: last.lat as number, lng: last.lng as number, speedKmh: 0, heading: 0 };
}

const toRad = (degrees: number): number => (degrees * Math.PI) / 180;

/**
 * The demo's trucks: they drive whatever plan is in force. For every
 * published plan the container stops not yet driven are kept in time order;
 * when the simulated clock passes a stop's planned arrival the truck reports
 * it emptied as a driver would (`driver.feedback`), with the fill the driver
 * saw. The planner stores the collection and marks the stop driven; the
 * sensor simulator empties the container. A newer version of a plan replaces
 * the stops of the one before. With a radio, each truck also publishes its
 * position along its route (about once a second of wall time) and a lift
 * for each container it empties, as a real truck's telematics would.
 */
export class DemoFleet {
  /** Per district, fraction and shift: the stops still to drive, in time order. */
  private readonly due = new Map<string, DueStop[]>();
  /** Containers already reported per shift, so a re-plan racing a report cannot empty twice. */
  private readonly reported = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  /** Per district, fraction and shift: each truck's whole route, for its positions. */
  private readonly driving = new Map<string, Map<string, PlanStop[]>>();
  private lastPositionsAt = 0;
  readonly counts = { plansFollowed: 0, stopsReported: 0, positionsSent: 0, liftsSent: 0 };

  constructor(
    private readonly plans: PlansRepository,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    /** The fill a driver would see when opening the container, in percent (the simulation's truth). */
    private readonly fillSeen: (containerId: string, atMs: number) => number | null,
    private readonly onProblem: (problem: string) => void,
    private readonly radio: TruckRadio | null = null,
    /** Wall time between two rounds of positions. */
    private readonly positionEveryMs = 1000,
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
    this.driving.set(unitKey(plan), new Map(plan.routes.map((r) => [r.vehicleId, [...r.stops].sort((a, b) => a.seq - b.seq)])));
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
    await this.sendPositions(nowMs);
    for (const [key, stops] of this.due) {
      while (stops.length > 0 && (stops[0] as DueStop).atMs <= nowMs) {
        const stop = stops.shift() as DueStop;
        const once = `${key}|${stop.containerId}`;
        if (this.reported.has(once)) continue;
        // Only a re-plan racing a report needs this memory; past shifts' entries can go.
        if (this.reported.size >= REPORTED_MEMORY) this.reported.clear();
        this.reported.add(once);
        const seen = this.fillSeen(stop.containerId, stop.atMs);
        if (this.radio) {
          await this.radio.lift(stop.vehicleId, stop.containerId, stop.atMs);
          this.counts.liftsSent++;
        }
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

  /** Every truck on the road publishes where it is, at most every positionEveryMs of wall time. */
  private async sendPositions(nowMs: number): Promise<void> {
    if (!this.radio || Date.now() - this.lastPositionsAt < this.positionEveryMs) return;
    this.lastPositionsAt = Date.now();
    for (const [key, routes] of this.driving) {
      let onTheRoad = 0;
      for (const [vehicleId, stops] of routes) {
        const at = positionOnRoute(stops, nowMs);
        const lastArriveMs = Date.parse(stops[stops.length - 1]?.arriveAt ?? '');
        if (!(lastArriveMs < nowMs)) onTheRoad++;
        if (!at) continue;
        await this.radio.position(vehicleId, { atMs: nowMs, ...at });
        this.counts.positionsSent++;
      }
      if (onTheRoad === 0) this.driving.delete(key);
    }
  }
}

const unitKey = (plan: Pick<Plan, 'district' | 'fraction' | 'shiftDate'>): string => `${plan.district}|${plan.fraction}|${plan.shiftDate}`;

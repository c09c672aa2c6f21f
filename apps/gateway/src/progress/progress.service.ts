import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AlertsRepository } from '@vulgraad/alerts';
import type { Config } from '@vulgraad/config';
import {
  CLOCK, CONFIG, EVENT_BUS, LIVE_ROOMS, type Clock, type ContainerStateChanged, type PlanRoute, type RouteProgress, type StopEvent, type TruckPosition,
  type VehicleLift, type WasteFraction,
} from '@vulgraad/contracts';
import { ContainersRepository, VehiclesRepository } from '@vulgraad/database';
import type { EventBus } from '@vulgraad/events';
import { PlansRepository } from '@vulgraad/planning';
import { localDateOf } from '@vulgraad/time';
import { computeRouteProgress, fillDropProof, progressShownKey, type StopOutcome, type TrackPoint } from '@vulgraad/progress';
import { LiveService } from '../live/live.service';
import { districtsOfRoute } from '../plans/plans.service';
import { StopOutcomesRepository, type StoredOutcome } from './stop-outcomes.repository';

/** A truck's route of today as the tracker holds it. */
interface TrackedRoute {
  planId: string;
  fraction: WasteFraction;
  shiftDate: string;
  districts: string[];
  route: PlanRoute;
  outcomes: Map<string, StopOutcome>;
  lastEmitMs: number;
  emitTimer: NodeJS.Timeout | null;
  /** What the rooms were last shown of the route's progress (`progressShownKey`). */
  shownKey: string | null;
}

/**
 * The day as it happens: holds today's routes, the trucks' latest positions
 * and recent tracks, and what became of each stop. A stop is done when a
 * lift names it, when the driver marks it, or when the container's fill
 * drops while a truck of its fraction is near (GATEWAY_PROOF_*); each is
 * stored once (the first proof wins, a done replaces a skip) and pushed to
 * the route and district rooms with the route's progress.
 *
 * Every replica tracks the whole day from the event bus and emits to its own
 * sockets; the database decides which outcome is stored, so all replicas
 * show the same.
 */
@Injectable()
export class ProgressService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Progress');
  private readonly routes = new Map<string, TrackedRoute>();
  /** containerId -> the trucks whose route of today visits it. */
  private readonly routesByContainer = new Map<string, string[]>();
  private readonly positions = new Map<string, TruckPosition>();
  private readonly tracks = new Map<string, TrackPoint[]>();
  private readonly fractions = new Map<string, WasteFraction[]>();
  private readonly lastFill = new Map<string, number | null>();
  private readonly unsubscribe: Array<() => Promise<void>> = [];
  private ready: Promise<void> = Promise.resolve();
  /** The shift date the routes were read for: a new day reads them again. */
  private loadedFor = '';
  /** Today's shift date and the minute it was worked out for: a position needs no time-zone arithmetic of its own. */
  private todayOf = { minute: NaN, date: '' };

  constructor(
    private readonly live: LiveService,
    private readonly outcomes: StopOutcomesRepository,
    private readonly plans: PlansRepository,
    private readonly vehicles: VehiclesRepository,
    private readonly containers: ContainersRepository,
    private readonly alerts: AlertsRepository,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe.push(
      await this.bus.subscribe('vehicle.position', (e) => this.onPosition(e)),
      await this.bus.subscribe('vehicle.lift', (e) => this.onLift(e)),
      await this.bus.subscribe('container.state', (e) => this.onState(e)),
      await this.bus.subscribe('plan.published', (e) => {
        if (e.shiftDate === this.today()) this.ready = this.ready.then(() => this.reload());
      }),
    );
    this.live.useProgress((filter) => this.progressOf(filter));
    await this.whenReady();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const r of this.routes.values()) if (r.emitTimer) clearTimeout(r.emitTimer);
    await Promise.allSettled(this.unsubscribe.map((off) => off()));
  }

  /** Today's shift date in the city's time zone. */
  today(): string {
    const nowMs = this.clock.now().getTime();
    // Midnight in any city falls on a whole minute, so the date found once holds for the rest of that minute.
    const minute = Math.floor(nowMs / 60_000);
    if (minute !== this.todayOf.minute) this.todayOf = { minute, date: localDateOf(nowMs, this.config.core.timezone) };
    return this.todayOf.date;
  }

  /** Resolves once the routes of today are loaded (and after any reload started before); a new day starts a reload first. */
  whenReady(): Promise<void> {
    this.followTheDay();
    return this.ready;
  }

  /** At midnight in the city the day's routes are read again (a plan made the evening before names the new day). */
  private followTheDay(): void {
    const today = this.today();
    if (this.loadedFor === today) return;
    this.loadedFor = today;
    this.ready = this.ready.then(() => this.reload()).catch((error: unknown) => this.logger.warn({ msg: 'today\'s routes could not be read', err: String(error) }));
  }

  /** The progress of today's routes, of one truck or of the routes passing a district. */
  progressOf(filter: { vehicleId?: string; district?: string; districts?: readonly string[] | null } = {}): RouteProgress[] {
    this.followTheDay();
    const out: RouteProgress[] = [];
    for (const [vehicleId, tracked] of this.routes) {
      if (filter.vehicleId !== undefined && filter.vehicleId !== vehicleId) continue;
      if (filter.district !== undefined && !tracked.districts.includes(filter.district)) continue;
      if (filter.districts && !tracked.districts.some((d) => filter.districts!.includes(d))) continue;
      out.push(this.compute(vehicleId, tracked));
    }
    return out.sort((a, b) => a.vehicleId.localeCompare(b.vehicleId));
  }

  /** The stop of a truck's route today at a container, with whether the planner must empty it. */
  stopOf(vehicleId: string, containerId: string): { planId: string; sequence: number; must: boolean; districts: string[] } | null {
    const tracked = this.routes.get(vehicleId);
    const stop = tracked?.route.stops.find((s) => s.containerId === containerId && s.kind === 'container');
    return tracked && stop ? { planId: tracked.planId, sequence: stop.seq, must: stop.why?.category === 'must', districts: tracked.districts } : null;
  }

  /** The route a truck drives today, or null. */
  routeOf(vehicleId: string): { planId: string; shiftDate: string; fraction: WasteFraction; route: PlanRoute } | null {
    const tracked = this.routes.get(vehicleId);
    return tracked ? { planId: tracked.planId, shiftDate: tracked.shiftDate, fraction: tracked.fraction, route: tracked.route } : null;
  }

  /**
   * Records that a stop was done or skipped; stores it (first proof wins, a
   * done replaces a skip) and pushes the stop and the route's progress.
   * Returns the outcome now stored.
   */
  async record(vehicleId: string, containerId: string, outcome: Omit<StopOutcome, 'containerId'>): Promise<StopOutcome | null> {
    await this.whenReady();
    const tracked = this.routes.get(vehicleId);
    if (!tracked) return null;
    const { stored } = await this.outcomes.record({
      shiftDate: tracked.shiftDate, vehicleId, containerId, planId: tracked.planId, status: outcome.status, doneHow: outcome.doneHow, reason: outcome.reason, at: new Date(outcome.atMs),
    });
    const known = tracked.outcomes.get(containerId);
    const now = toOutcome(stored);
    // Another replica may have stored it first: what the database holds is shown, once.
    if (!known || known.status !== now.status || known.doneHow !== now.doneHow || known.atMs !== now.atMs) {
      tracked.outcomes.set(containerId, now);
      if (now.status === 'done') await this.plans.markStopDone(tracked.planId, containerId, new Date(now.atMs)).catch(() => false);
      const stop = tracked.route.stops.find((s) => s.containerId === containerId);
      const event: StopEvent = {
        room: LIVE_ROOMS.route(vehicleId, tracked.shiftDate), vehicleId, shiftDate: tracked.shiftDate, planId: tracked.planId, containerId, sequence: stop?.seq ?? -1,
        status: now.status, doneHow: now.doneHow, reason: now.reason, at: new Date(now.atMs).toISOString(),
      };
      this.live.emitRoute(vehicleId, tracked.shiftDate, tracked.districts, 'stop', event);
      this.emitProgress(vehicleId, tracked, true);
    }
    return now;
  }

  /** Opens the alert of a must stop that was skipped or blocked (once while it is unresolved). */
  async alertSkippedMust(vehicleId: string, containerId: string, reason: string): Promise<boolean> {
    const container = await this.containers.findById(containerId);
    if (!container) return false;
    const change = await this.alerts.open(
      {
        containerId, district: container.district, cause: 'stop_skipped', severity: 'critical',
        message: `Must stop skipped by ${vehicleId}: ${reason}`, details: { vehicleId, reason, shiftDate: this.today() },
      },
      this.clock.now(),
    );
    if (change) await this.bus.publish('alert.changed', change.event);
    return change !== null;
  }

  /**
   * A truck's position. The ingest publishes a position as soon as it reads
   * it, so a message the broker delivers again (not yet acknowledged when a
   * connection dropped) comes twice, and a truck's box that catches up after
   * a dead spot sends older positions late: neither moves the truck back or
   * counts twice. The truck's latest position (the map's, the ETAs') only
   * goes forward; the track keeps every point once, in time order.
   */
  private onPosition(position: TruckPosition): void {
    this.followTheDay();
    const atMs = Date.parse(position.at);
    const latest = this.positions.get(position.vehicleId);
    const newest = latest === undefined || Date.parse(latest.at) < atMs;
    if (newest) this.positions.set(position.vehicleId, position);
    let track = this.tracks.get(position.vehicleId);
    if (!track) this.tracks.set(position.vehicleId, (track = []));
    let at = track.length;
    while (at > 0 && track[at - 1]!.atMs > atMs) at--;
    if (at === 0 || track[at - 1]!.atMs !== atMs) track.splice(at, 0, { atMs, lat: position.lat, lng: position.lng });
    const keepFrom = track[track.length - 1]!.atMs - this.config.gateway.proofWindowS * 2000;
    let drop = 0;
    while (drop < track.length && track[drop]!.atMs < keepFrom) drop++;
    if (drop > 0) track.splice(0, drop);
    const tracked = this.routes.get(position.vehicleId);
    // The pages keep a truck's newest position and the window's list sends one position once: a repeat or a late one changes nothing there.
    this.live.emitPosition(tracked?.shiftDate ?? this.today(), tracked?.districts ?? [], position);
    if (tracked && newest) this.emitProgress(position.vehicleId, tracked, false);
  }

  private async onLift(lift: VehicleLift): Promise<void> {
    if (!lift.containerId) return;
    const atMs = Date.parse(lift.at);
    // The lifting truck's own stop first; else the stop of whichever truck was to empty it today.
    const vehicleId = this.routes.get(lift.vehicleId)?.route.stops.some((s) => s.containerId === lift.containerId) ? lift.vehicleId : this.routesByContainer.get(lift.containerId)?.[0];
    if (!vehicleId) return;
    await this.record(vehicleId, lift.containerId, { status: 'done', doneHow: 'lift', reason: null, atMs });
  }

  private async onState(state: ContainerStateChanged): Promise<void> {
    const previous = this.lastFill.get(state.containerId) ?? null;
    this.lastFill.set(state.containerId, state.fillPct);
    const planned = this.routesByContainer.get(state.containerId);
    if (!planned || planned.length === 0) return;
    // Most readings show no drop: the trucks' tracks are looked at only when one does.
    if (previous === null || state.fillPct === null || previous - state.fillPct < this.config.gateway.proofDropPct) return;
    const container = this.live.registry.get(state.containerId);
    if (!container) return;
    const trucks = [...this.tracks.entries()].map(([vehicleId, track]) => ({ vehicleId, fractions: this.fractions.get(vehicleId) ?? [], track }));
    const proof = fillDropProof(
      { container: { lat: container.lat, lng: container.lng, wasteType: state.wasteType }, previousFillPct: previous, fillPct: state.fillPct, measuredAtMs: Date.parse(state.measuredAt), trucks },
      { radiusM: this.config.gateway.proofRadiusM, windowS: this.config.gateway.proofWindowS, dropPct: this.config.gateway.proofDropPct },
    );
    if (!proof) return;
    const vehicleId = planned.includes(proof.vehicleId) ? proof.vehicleId : (planned[0] as string);
    const outcome = this.routes.get(vehicleId)?.outcomes.get(state.containerId);
    if (outcome?.status === 'done') return;
    await this.record(vehicleId, state.containerId, { status: 'done', doneHow: 'fill-drop', reason: null, atMs: Date.parse(state.measuredAt) });
  }

  private compute(vehicleId: string, tracked: TrackedRoute): RouteProgress {
    const position = this.positions.get(vehicleId) ?? null;
    return computeRouteProgress(
      { planId: tracked.planId, shiftDate: tracked.shiftDate, fraction: tracked.fraction, route: tracked.route, outcomes: tracked.outcomes, position, nowMs: this.clock.now().getTime() },
      { etaSpeedKmh: this.config.gateway.etaSpeedKmh, lateAfterMin: this.config.gateway.lateAfterMin },
    );
  }

  /**
   * Sends a route's progress: at once for a stop; for positions, at most every
   * GATEWAY_PROGRESS_EMIT_MS and only when what a page shows of it changed
   * (counts, minutes behind, a stop's status or ETA minute). Most positions
   * change none of it, and the position itself goes out as its own event, so
   * the rooms are spared a message of every stop per truck every few seconds.
   */
  private emitProgress(vehicleId: string, tracked: TrackedRoute, now: boolean): void {
    const send = (): void => {
      tracked.emitTimer = null;
      tracked.lastEmitMs = performance.now();
      const progress = this.compute(vehicleId, tracked);
      const shownKey = progressShownKey(progress);
      if (!now && shownKey === tracked.shownKey) return;
      tracked.shownKey = shownKey;
      this.live.emitRoute(vehicleId, tracked.shiftDate, tracked.districts, 'progress', progress);
    };
    if (now) {
      if (tracked.emitTimer) clearTimeout(tracked.emitTimer);
      send();
      return;
    }
    if (tracked.emitTimer) return;
    const waitMs = tracked.lastEmitMs + this.config.gateway.progressEmitMs - performance.now();
    if (waitMs <= 0) send();
    else {
      tracked.emitTimer = setTimeout(send, waitMs);
      tracked.emitTimer.unref();
    }
  }

  /** Reads today's published routes, the trucks' fractions and the outcomes stored so far. */
  private async reload(): Promise<void> {
    const today = this.today();
    this.loadedFor = today;
    const [plans, vehicles, stored] = await Promise.all([this.plans.publishedOn(today), this.vehicles.list({ activeOnly: false }), this.outcomes.ofShift(today)]);
    for (const v of vehicles) this.fractions.set(v.id, [...v.fractions]);
    for (const r of this.routes.values()) if (r.emitTimer) clearTimeout(r.emitTimer);
    this.routes.clear();
    this.routesByContainer.clear();
    // The newest plan of a truck wins when several name it (a re-plan keeps the route room).
    const sorted = [...plans].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const plan of sorted) {
      for (const route of plan.routes) {
        if (!route.stops.some((s) => s.kind === 'container')) continue;
        this.routes.set(route.vehicleId, { planId: plan.id, fraction: plan.fraction, shiftDate: today, districts: districtsOfRoute(plan, route), route, outcomes: new Map(), lastEmitMs: 0, emitTimer: null, shownKey: null });
      }
    }
    for (const [vehicleId, tracked] of this.routes) {
      for (const stop of tracked.route.stops) {
        if (!stop.containerId) continue;
        let list = this.routesByContainer.get(stop.containerId);
        if (!list) this.routesByContainer.set(stop.containerId, (list = []));
        list.push(vehicleId);
      }
    }
    for (const o of stored) this.routes.get(o.vehicleId)?.outcomes.set(o.containerId, toOutcome(o));
    // The fill each planned container had when the day was read: the first drop after it counts.
    await this.live.whenReady();
    for (const containerId of this.routesByContainer.keys()) {
      if (!this.lastFill.has(containerId)) this.lastFill.set(containerId, this.live.registry.get(containerId)?.fillPct ?? null);
    }
  }
}

const toOutcome = (o: StoredOutcome): StopOutcome => ({ containerId: o.containerId, status: o.status, doneHow: o.doneHow, reason: o.reason, atMs: o.at.getTime() });

import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AlertsRepository, type Alert } from '@vulgraad/alerts';
import type { Config } from '@vulgraad/config';
import {
  CLOCK, CONFIG, EVENT_BUS, LIVE_EVENTS, type AlertChanged, type Clock, type ContainerStateChanged, type DistrictSnapshot, type LiveAlert, type LiveEventMap, type Plan, type PlanPublished, type RouteProgress, type RouteSnapshot, type TruckPosition,
} from '@vulgraad/contracts';
import { ContainersRepository, ReadingsRepository } from '@vulgraad/database';
import type { EventBus } from '@vulgraad/events';
import { PlansRepository } from '@vulgraad/planning';
import { RecentDurations } from '@vulgraad/runtime';
import { localDateOf } from '@vulgraad/time';
import type { Server } from 'socket.io';
import { districtsOfRoute, routeRoom, summarise, viewOfDistrict } from '../plans/plans.service';
import { Coalescer } from './coalescer';
import { LiveRegistry, type LiveState } from './live-registry';
import { batchPositions, type RoutedPosition } from './position-batches';
import { districtRoom, type ParsedRoom } from './rooms';

export type { DistrictSnapshot, RouteSnapshot } from '@vulgraad/contracts';

/** An alert as the live feed sends it: times as ISO-8601 strings. */
export function toLiveAlert(alert: Alert): LiveAlert {
  return {
    ...alert,
    openedAt: alert.openedAt.toISOString(),
    acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
  };
}

/** How often the registry is read again in full (containers registered through another replica). */
const REGISTRY_REFRESH_MS = 60_000;

/**
 * The live feed: holds every container's latest state, coalesces changes
 * (latest per container, flushed every GATEWAY_LIVE_FLUSH_MS) and sends
 * them to the district and route rooms; batches truck positions (every
 * GATEWAY_POSITION_FLUSH_MS, each of them: no position is lost); passes
 * alerts, plans, planner edits, vehicle status, driver feedback, progress
 * and stops on to the rooms they concern at once.
 *
 * Every replica consumes the whole event bus itself, so it emits to its own
 * sockets only (`server.local`); the Redis adapter carries what must cross
 * replicas (disconnecting a user everywhere, counting clients).
 */
@Injectable()
export class LiveService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Live');
  private server: Server | null = null;
  readonly registry = new LiveRegistry();
  private readonly coalescer: Coalescer<LiveState>;
  private readonly positions: Coalescer<RoutedPosition>;
  private readonly unsubscribe: Array<() => Promise<void>> = [];
  /** containerId -> route rooms of today's published plans that visit it. */
  private routesByContainer = new Map<string, Set<string>>();
  /** route room -> districts of the plans it belongs to. */
  private routeDistricts = new Map<string, Set<string>>();
  private readonly unknown = new Map<string, ContainerStateChanged>();
  private lookupScheduled = false;
  private refreshTimer: NodeJS.Timeout | null = null;
  private readonly alerts: AlertsRepository;
  private ready: Promise<void> = Promise.resolve();
  /** Counters for /api/live/stats and the benchmark. */
  readonly stats = { statesIn: 0, statesStale: 0, batches: 0, statesOut: 0, positionsIn: 0, positionsRepeated: 0, positionEmits: 0 };
  /** When each pending state arrived, and the recent time states spent in this process (arrival to emitted). */
  private readonly arrivedAt = new Map<string, number>();
  private readonly heldMs: number[] = [];
  /** The recent ages of container states on arrival here (their measured time to then: the sensors', the ingest's and the bus's share). */
  private readonly stateAgeMs = new RecentDurations();
  /** The recent ages of truck positions when handed to socket.io (their measured time to then: the trucks' and the ingest's share included). */
  private readonly positionAgeMs: number[] = [];
  /** Today's route progress, from the progress tracker once it runs. */
  private progress: (filter: { vehicleId?: string; district?: string }) => RouteProgress[] = () => [];

  constructor(
    private readonly containers: ContainersRepository,
    private readonly readings: ReadingsRepository,
    private readonly plans: PlansRepository,
    alerts: AlertsRepository,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    this.alerts = alerts;
    // A state that comes after a quiet interval goes at once: the ingest already sends its states in batches, and waiting a
    // whole interval after each only added to every state's latency; the browsers still get at most one list per interval.
    this.coalescer = new Coalescer(config.gateway.liveFlushMs, (batch) => this.send(batch), { leading: true });
    this.positions = new Coalescer(config.gateway.positionFlushMs, (batch) => this.sendPositions(batch));
  }

  async onApplicationBootstrap(): Promise<void> {
    // Subscribe first, then load: a state that arrives while loading is applied after (newer wins).
    this.unsubscribe.push(
      await this.bus.subscribe('container.state', (e) => this.onState(e)),
      await this.bus.subscribe('alert.changed', (e) => this.onAlert(e)),
      await this.bus.subscribe('plan.published', (e) => this.onPlan(e)),
      await this.bus.subscribe('planner.edit', (e) => this.emit(districtRoom(e.district), 'edit', e)),
      await this.bus.subscribe('vehicle.status', (e) => this.onVehicle(e.vehicleId, e.district, e)),
      await this.bus.subscribe('driver.feedback', (e) => {
        const container = this.registry.get(e.containerId);
        if (container) this.emit(districtRoom(container.district), 'feedback', e);
      }),
    );
    this.ready = this.loadAll();
    await this.ready;
    this.refreshTimer = setInterval(() => void this.reloadRegistry().catch((error: unknown) => this.logger.warn({ msg: 'registry refresh failed', err: String(error) })), REGISTRY_REFRESH_MS);
    this.refreshTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.coalescer.stop();
    this.positions.stop();
    await Promise.allSettled(this.unsubscribe.map((off) => off()));
  }

  attach(server: Server): void {
    this.server = server;
  }

  /** Resolves once every container's latest state is loaded. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Where snapshots take today's route progress from. */
  useProgress(source: (filter: { vehicleId?: string; district?: string }) => RouteProgress[]): void {
    this.progress = source;
  }

  /** Sends a route's event at once to its route room and the rooms of the districts it passes. */
  emitRoute<K extends 'progress' | 'stop'>(vehicleId: string, shiftDate: string, districts: readonly string[], event: K, payload: LiveEventMap[K]): void {
    if (!this.server) return;
    // One emit to every room that has a socket here: encoded once, and a socket in several of them gets it once.
    const local = this.server.sockets.adapter.rooms;
    const rooms = [routeRoom(vehicleId, shiftDate), ...districts.map((d) => districtRoom(d))].filter((room) => local.has(room));
    if (rooms.length > 0) this.server.local.to(rooms).emit(LIVE_EVENTS[event], payload);
  }

  /**
   * A truck's position, for its route room and the rooms of the districts
   * its route passes: held until the window closes, then sent in one
   * `positions` list with the others. Every position is kept, a truck's
   * older ones too (they come together only when the feed catches up after
   * a stall); the same position twice (same truck and time) is kept once.
   */
  emitPosition(shiftDate: string, districts: readonly string[], position: TruckPosition): void {
    this.stats.positionsIn++;
    const before = this.positions.size;
    this.positions.push(`${position.vehicleId}\n${position.at}`, { position, routeRoom: routeRoom(position.vehicleId, shiftDate), districtRooms: districts.map((d) => districtRoom(d)) });
    if (this.positions.size === before) this.stats.positionsRepeated++;
  }

  /** Containers were registered or changed through this replica: reload them now. */
  registryChanged(ids: readonly string[]): void {
    if (ids.length === 0) return;
    void this.containers
      .findByIds(ids)
      .then((records) => {
        for (const id of ids) if (!records.some((r) => r.id === id)) this.registry.remove(id);
        for (const r of records) {
          if (r.active) this.registry.upsert(r);
          else this.registry.remove(r.id);
        }
      })
      .catch((error: unknown) => this.logger.warn({ msg: 'registry update failed', err: String(error) }));
  }

  /** The districts a route room's plans belong to (null when no published plan has that route). */
  async districtsOfRoute(room: ParsedRoom & { kind: 'route' }): Promise<string[] | null> {
    const name = routeRoom(room.vehicleId, room.shiftDate);
    const known = this.routeDistricts.get(name);
    if (known) return [...known];
    const plans = (await this.plans.publishedOn(room.shiftDate)).filter((p) => p.routes.some((r) => r.vehicleId === room.vehicleId));
    return plans.length > 0 ? [...new Set(plans.flatMap((p) => districtsOfRoute(p, p.routes.find((r) => r.vehicleId === room.vehicleId) ?? {})))] : null;
  }

  /** What a browser gets on joining a district room. */
  async districtSnapshot(district: string): Promise<DistrictSnapshot> {
    await this.ready;
    const containers = this.registry.inDistrict(district);
    const [alerts, plans] = await Promise.all([
      this.alerts.list({ status: 'unresolved', district, limit: 2000 }),
      this.plans.publishedOn(this.today(), district),
    ]);
    return {
      room: districtRoom(district), kind: 'district', district, at: this.clock.now().toISOString(), containers, alerts: alerts.map(toLiveAlert),
      plans: plans.map((p) => summarise(viewOfDistrict(p, district))), progress: this.progress({ district }),
    };
  }

  /** What a browser gets on joining a route room: the truck's route(s) that shift with every stop and its why. */
  async routeSnapshot(room: ParsedRoom & { kind: 'route' }): Promise<RouteSnapshot> {
    await this.ready;
    const plans = (await this.plans.publishedOn(room.shiftDate)).filter((p) => p.routes.some((r) => r.vehicleId === room.vehicleId));
    const routes = plans.map((plan) => ({ plan: summarise(plan), route: plan.routes.find((r) => r.vehicleId === room.vehicleId) as Plan['routes'][number] }));
    const ids = new Set(routes.flatMap((r) => r.route.stops.flatMap((s) => (s.containerId ? [s.containerId] : []))));
    const containers = [...ids].flatMap((id) => {
      const c = this.registry.get(id);
      return c ? [c] : [];
    });
    return { room: routeRoom(room.vehicleId, room.shiftDate), kind: 'route', at: this.clock.now().toISOString(), plans: routes, containers, progress: room.shiftDate === this.today() ? this.progress({ vehicleId: room.vehicleId }) : [] };
  }

  /** Ends every socket of a user on every replica (role changed, disabled). */
  disconnectUser(userId: string): void {
    this.server?.in(`user:${userId}`).disconnectSockets(true);
  }

  private today(): string {
    return localDateOf(this.clock.now().getTime(), this.config.core.timezone);
  }

  private onState(event: ContainerStateChanged): void {
    this.stats.statesIn++;
    this.stateAgeMs.add(Date.now() - Date.parse(event.measuredAt));
    if (!this.registry.has(event.containerId)) {
      this.unknown.set(event.containerId, event);
      this.scheduleLookup();
      return;
    }
    const state = this.registry.apply(event);
    if (!state) {
      this.stats.statesStale++;
      return;
    }
    if (!this.arrivedAt.has(state.id)) this.arrivedAt.set(state.id, performance.now());
    this.coalescer.push(state.id, state);
  }

  /** How long states stayed in this process before they were handed to socket.io, over the recent batches. */
  heldStats(): { samples: number; p50: number; p99: number; max: number } {
    return quantiles(this.heldMs);
  }

  /** How old truck positions were when handed to socket.io, over the recent ones. */
  positionAgeStats(): { samples: number; p50: number; p99: number; max: number } {
    return quantiles(this.positionAgeMs);
  }

  /** How old container states were when they arrived here, over the recent ones. */
  stateAgeStats(): { samples: number; p50: number; p99: number; max: number } {
    return this.stateAgeMs.quantiles();
  }

  resetHeldStats(): void {
    this.stateAgeMs.reset();
    this.heldMs.length = 0;
    this.positionAgeMs.length = 0;
  }

  /** States of containers this replica does not know yet: read them from the registry, then apply. */
  private scheduleLookup(): void {
    if (this.lookupScheduled) return;
    this.lookupScheduled = true;
    setTimeout(() => {
      const pending = [...this.unknown.values()];
      this.unknown.clear();
      this.lookupScheduled = false;
      void this.containers
        .findByIds(pending.map((e) => e.containerId))
        .then((records) => {
          for (const r of records) if (r.active) this.registry.upsert(r);
          for (const e of pending) if (this.registry.has(e.containerId)) this.onState(e);
        })
        .catch((error: unknown) => this.logger.warn({ msg: 'container lookup failed', err: String(error) }));
    }, 20).unref();
  }

  private send(batch: LiveState[]): void {
    if (!this.server) return;
    const byRoom = new Map<string, LiveState[]>();
    const add = (room: string, state: LiveState): void => {
      let list = byRoom.get(room);
      if (!list) byRoom.set(room, (list = []));
      list.push(state);
    };
    for (const state of batch) {
      const container = this.registry.get(state.id);
      if (!container) continue;
      add(districtRoom(container.district), state);
      for (const room of this.routesByContainer.get(state.id) ?? []) add(room, state);
    }
    this.stats.batches++;
    for (const [room, states] of byRoom) {
      this.stats.statesOut += states.length;
      this.emit(room, 'containers', { room, states });
    }
    const sent = performance.now();
    for (const state of batch) {
      const arrived = this.arrivedAt.get(state.id);
      this.arrivedAt.delete(state.id);
      if (arrived !== undefined) this.heldMs.push(sent - arrived);
    }
    if (this.heldMs.length > 50_000) this.heldMs.splice(0, this.heldMs.length - 50_000);
  }

  private sendPositions(window: RoutedPosition[]): void {
    if (this.server) {
      const local = this.server.sockets.adapter.rooms;
      for (const batch of batchPositions(window, (room) => local.has(room))) {
        this.stats.positionEmits++;
        const payload: LiveEventMap['positions'] = { positions: batch.positions };
        const to = this.server.local.to(batch.rooms);
        (batch.except.length > 0 ? to.except(batch.except) : to).emit(LIVE_EVENTS.positions, payload);
      }
    }
    const now = Date.now();
    for (const { position } of window) this.positionAgeMs.push(now - Date.parse(position.at));
    if (this.positionAgeMs.length > 50_000) this.positionAgeMs.splice(0, this.positionAgeMs.length - 50_000);
  }

  private onAlert(event: AlertChanged): void {
    this.emit(districtRoom(event.district), 'alert', event);
    for (const room of this.routesByContainer.get(event.containerId) ?? []) this.emit(room, 'alert', event);
  }

  private async onPlan(event: PlanPublished): Promise<void> {
    const plan = await this.plans.findById(event.planId);
    const summary = plan ? summarise(plan) : null;
    for (const district of event.districts ?? [event.district]) this.emit(districtRoom(district), 'plan', { event, plan: plan ? summarise(viewOfDistrict(plan, district)) : null });
    if (!plan) return;
    if (plan.shiftDate === this.today()) await this.reloadRoutes();
    for (const route of plan.routes) {
      this.emit(routeRoom(route.vehicleId, plan.shiftDate), 'plan', { event, plan: summary, route });
    }
  }

  private onVehicle(vehicleId: string, district: string | null, event: LiveEventMap['vehicle']): void {
    if (district) this.emit(districtRoom(district), 'vehicle', event);
    this.emit(routeRoom(vehicleId, this.today()), 'vehicle', event);
  }

  /** Sends one event of the live-feed contract to a room of this replica's sockets. */
  private emit<K extends keyof LiveEventMap>(room: string, event: K, payload: LiveEventMap[K]): void {
    this.server?.local.to(room).emit(LIVE_EVENTS[event], payload);
  }

  private async loadAll(): Promise<void> {
    await this.reloadRegistry();
    const states = await this.readings.allStates();
    for (const s of states) {
      this.registry.apply({ containerId: s.containerId, fillPct: s.fillPct, temperatureC: s.temperatureC, batteryPct: s.batteryPct, flags: s.flags as ContainerStateChanged['flags'], measuredAt: s.measuredAt.toISOString() });
    }
    await this.reloadRoutes().catch((error: unknown) => this.logger.warn({ msg: 'plans could not be read; route rooms start empty', err: String(error) }));
    this.logger.log({ msg: 'live registry loaded', containers: this.registry.size, states: states.length });
  }

  private async reloadRegistry(): Promise<void> {
    this.registry.replaceAll(await this.containers.list({ activeOnly: true }));
  }

  /** Which route rooms visit which container, from today's published plans. */
  private async reloadRoutes(): Promise<void> {
    const today = this.today();
    const plans = await this.plans.publishedOn(today);
    const byContainer = new Map<string, Set<string>>();
    const districts = new Map<string, Set<string>>();
    for (const plan of plans) {
      for (const route of plan.routes) {
        const room = routeRoom(route.vehicleId, today);
        let set = districts.get(room);
        if (!set) districts.set(room, (set = new Set()));
        for (const district of districtsOfRoute(plan, route)) set.add(district);
        for (const stop of route.stops) {
          if (!stop.containerId) continue;
          let rooms = byContainer.get(stop.containerId);
          if (!rooms) byContainer.set(stop.containerId, (rooms = new Set()));
          rooms.add(room);
        }
      }
    }
    this.routesByContainer = byContainer;
    this.routeDistricts = districts;
  }
}

function quantiles(values: readonly number[]): { samples: number; p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => (sorted.length === 0 ? 0 : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! * 10) / 10);
  return { samples: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) };
}

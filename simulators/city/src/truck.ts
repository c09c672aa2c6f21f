import type { EmptyingRecord } from '@vulgraad/city-model';
import type { TravelNetwork } from './network';
import { tripCapacity, type BreakModel, type TruckModel } from './setups/setup';

/** One step of a planned route: empty a container, or unload at the disposal site. */
export type RouteAction = { kind: 'container'; containerId: string } | { kind: 'disposal' };

/** A truck's route for the day, as a policy planned it. */
export interface RoutePlan {
  truckId: string;
  actions: RouteAction[];
}

/** What the truck does to the world: the simulation answers with the deposit engine. */
export interface TruckWorld {
  /** Litres in the container at that instant (the crew sees it when the crane lifts it). */
  volumeAt(containerId: string, atMs: number): number;
  /** Empties the container at that instant. */
  empty(containerId: string, atMs: number): EmptyingRecord;
}

/** Where and how the truck drives: fixed for a day and a planning unit. */
export interface TruckSetting {
  network: TravelNetwork;
  depotIndex: number;
  /** Null when truck capacity is not modelled (nothing to unload). */
  disposalIndex: number | null;
  truck: TruckModel;
  breaks: BreakModel;
  /** Local midnight of the shift date (break clock times count from it). */
  midnightMs: number;
  shiftStartMs: number;
  /** End of the shift as plans see it (the `planner` break window sits around its middle). */
  plannedShiftEndMs: number;
  serviceTimeS(containerId: string): number;
  /** Latest arrival the container's access window allows, or null. */
  windowEndMs(containerId: string): number | null;
  /** A loaded truck returning to the depot for a break unloads on the way when that costs at most this many extra metres. */
  unloadOnBreakDetourM?: number;
}

/** What one executed route did. */
export interface RouteRecord {
  truckId: string;
  startMs: number;
  endMs: number;
  distanceM: number;
  /** Of distanceM, the legs that leave or reach the depot (the way out to the first stop, back for a break or at the end). */
  depotLegsM: number;
  /** Waiting at the depot for a break to start: not counted as route time (as in the study). */
  idleMs: number;
  breaks: number;
  /** Visits to the depot made only to take a break there. */
  breakReturns: number;
  containersEmptied: number;
  /** Unloadings at the disposal site, and how many of them a full truck forced mid-plan. */
  unloads: number;
  forcedUnloads: number;
  /** Arrivals after a container's access window closed. */
  lateStops: number;
  /** Loose litres delivered at each unloading, and still on board at the end (0 when capacity is modelled). */
  unloadedL: number[];
  onBoardAtEndL: number;
}

type Target =
  | { kind: 'container'; containerId: string; index: number }
  | { kind: 'disposal'; then: 'planned' | 'forced' | 'break' | 'end' }
  | { kind: 'depot'; purpose: 'break' | 'end' };

const DEFAULT_UNLOAD_ON_BREAK_DETOUR_M = 2000;

/**
 * Drives one planned route in simulated time. The container is emptied at
 * the truck's arrival (volume at that moment); the truck unloads at planned
 * disposal visits, whenever the next container would not fit, and at the end
 * of the day; breaks follow the setting's rule. Call `start()`, then
 * `arrive(t)` at every time it returns until it returns null.
 */
export class TruckRun {
  readonly record: RouteRecord;
  private readonly capacity: { looseL: number; kg: number };
  private readonly breakStartsMs: number[];
  private readonly breakTaken: boolean[];
  private readonly plannerWindowStartMs: number;
  private plannerBreakTaken = false;
  private position: number;
  private loadL = 0;
  private next = 0;
  private pending: Target | null = null;
  private finished = false;

  constructor(
    readonly plan: RoutePlan,
    private readonly setting: TruckSetting,
    private readonly world: TruckWorld,
  ) {
    this.capacity = tripCapacity(setting.truck);
    this.position = setting.depotIndex;
    const breaks = setting.breaks;
    this.breakStartsMs = breaks.kind === 'study' ? breaks.startsMin.map((m) => setting.midnightMs + m * 60_000).filter((t) => t >= setting.shiftStartMs).sort((a, b) => a - b) : [];
    this.breakTaken = this.breakStartsMs.map(() => false);
    const middle = (setting.shiftStartMs + setting.plannedShiftEndMs) / 2;
    this.plannerWindowStartMs = middle - 90 * 60_000;
    this.record = {
      truckId: plan.truckId,
      startMs: setting.shiftStartMs,
      endMs: setting.shiftStartMs,
      distanceM: 0,
      depotLegsM: 0,
      idleMs: 0,
      breaks: 0,
      breakReturns: 0,
      containersEmptied: 0,
      unloads: 0,
      forcedUnloads: 0,
      lateStops: 0,
      unloadedL: [],
      onBoardAtEndL: 0,
    };
  }

  /** Whether the plan gives this truck any container to empty (an empty route is not driven). */
  get hasWork(): boolean {
    return this.plan.actions.some((a) => a.kind === 'container');
  }

  get done(): boolean {
    return this.finished;
  }

  /** The container the truck is driving to, if it is driving to one. */
  get headingTo(): string | null {
    return this.pending?.kind === 'container' ? this.pending.containerId : null;
  }

  /**
   * Replaces the rest of the route with `actions` (a re-plan during the
   * day). The target the truck is driving to is still reached and done (a
   * crew finishes the stop it is on its way to); the new order follows. A
   * truck on its way home goes out again when the new order holds work.
   * Returns the time of its next arrival when the truck was at home with
   * nothing to do (it leaves at `atMs`), else null: its pending arrival stands.
   */
  replan(actions: readonly RouteAction[], atMs: number): number | null {
    const target = this.pending;
    const keep = target && (target.kind === 'container' || (target.kind === 'disposal' && target.then === 'planned')) ? this.next + 1 : this.next;
    // On its way to unload: the new plan's first unloading is the one it is driving to.
    const heading = target?.kind === 'disposal' && target.then === 'planned' && actions[0]?.kind === 'disposal' ? actions.slice(1) : actions;
    this.plan.actions.splice(keep, this.plan.actions.length - keep, ...heading);
    if (!this.finished || !actions.some((a) => a.kind === 'container')) return null;
    this.finished = false;
    this.position = this.setting.depotIndex;
    return this.decide(Math.max(atMs, this.record.endMs));
  }

  /** Leaves the depot at the shift start; the time of the first arrival, or null for an empty route. */
  start(): number | null {
    if (!this.hasWork) {
      this.finished = true;
      return null;
    }
    return this.decide(this.setting.shiftStartMs);
  }

  /** The truck reaches its pending target at `atMs`; returns the time it next arrives somewhere, or null when the route is over. */
  arrive(atMs: number): number | null {
    const target = this.pending;
    if (!target || this.finished) throw new Error(`truck ${this.plan.truckId} has nowhere to arrive`);
    this.pending = null;
    const s = this.setting;
    if (target.kind === 'container') {
      const volumeL = this.world.volumeAt(target.containerId, atMs);
      if (this.loadL > 0 && s.disposalIndex !== null && !this.fits(volumeL)) {
        // Full: unload first, then come back for this container.
        this.position = target.index;
        this.record.forcedUnloads++;
        return this.travel({ kind: 'disposal', then: 'forced' }, s.disposalIndex, atMs);
      }
      const emptied = this.world.empty(target.containerId, atMs);
      this.loadL += emptied.volumeL;
      this.record.containersEmptied++;
      const windowEnd = s.windowEndMs(target.containerId);
      if (windowEnd !== null && atMs > windowEnd) this.record.lateStops++;
      this.position = target.index;
      this.next++;
      return this.decide(atMs + s.serviceTimeS(target.containerId) * 1000);
    }
    if (target.kind === 'disposal') {
      this.position = s.disposalIndex as number;
      this.record.unloads++;
      this.record.unloadedL.push(this.loadL);
      this.loadL = 0;
      const free = atMs + s.truck.unloadS * 1000;
      if (target.then === 'planned') this.next++;
      if (target.then === 'break') return this.travel({ kind: 'depot', purpose: 'break' }, s.depotIndex, free);
      if (target.then === 'end' && !this.nextAction()) return this.travel({ kind: 'depot', purpose: 'end' }, s.depotIndex, free);
      return this.decide(free);
    }
    this.position = s.depotIndex;
    if (target.purpose === 'end') {
      // A re-plan on the way home may have given it more work.
      if (this.nextAction()) return this.decide(atMs);
      this.record.endMs = atMs;
      this.record.onBoardAtEndL = this.loadL;
      this.finished = true;
      return null;
    }
    const k = this.breakTaken.indexOf(false);
    const breakStart = Math.max(atMs, this.breakStartsMs[k] as number);
    this.record.idleMs += breakStart - atMs;
    this.breakTaken[k] = true;
    this.record.breaks++;
    this.record.breakReturns++;
    return this.decide(breakStart + this.breakDurationMs());
  }

  private breakDurationMs(): number {
    const b = this.setting.breaks;
    return b.kind === 'none' ? 0 : b.durationMin * 60_000;
  }

  private fits(volumeL: number): boolean {
    const after = this.loadL + volumeL;
    return after <= this.capacity.looseL && after * this.setting.truck.densityKgPerL <= this.capacity.kg;
  }

  /** Chooses what to do next when the truck is free at `t`. */
  private decide(t: number): number | null {
    const s = this.setting;
    const action = this.nextAction();
    if (s.breaks.kind === 'planner' && !this.plannerBreakTaken && action && t >= this.plannerWindowStartMs) {
      this.plannerBreakTaken = true;
      this.record.breaks++;
      t += this.breakDurationMs();
    }
    if (!action) {
      if (this.loadL > 0 && s.disposalIndex !== null) return this.travel({ kind: 'disposal', then: 'end' }, s.disposalIndex, t);
      return this.travel({ kind: 'depot', purpose: 'end' }, s.depotIndex, t);
    }
    const target: Target = action.kind === 'disposal' ? { kind: 'disposal', then: 'planned' } : { kind: 'container', containerId: action.containerId, index: s.network.indexOf(action.containerId) };
    const targetIndex = target.kind === 'container' ? target.index : (s.disposalIndex as number);
    const breakAt = this.nextStudyBreakMs();
    if (breakAt !== null) {
      const serviceS = target.kind === 'container' ? s.serviceTimeS(target.containerId) : s.truck.unloadS;
      const backAt = t + (s.network.durationS(this.position, targetIndex) + serviceS + s.network.durationS(targetIndex, s.depotIndex)) * 1000;
      if (backAt > breakAt) return this.returnForBreak(t);
    }
    return this.travel(target, targetIndex, t);
  }

  private returnForBreak(t: number): number {
    const s = this.setting;
    const net = s.network;
    if (this.loadL > 0 && s.disposalIndex !== null && this.position !== s.disposalIndex) {
      const detour = net.distanceM(this.position, s.disposalIndex) + net.distanceM(s.disposalIndex, s.depotIndex) - net.distanceM(this.position, s.depotIndex);
      if (detour <= (s.unloadOnBreakDetourM ?? DEFAULT_UNLOAD_ON_BREAK_DETOUR_M)) return this.travel({ kind: 'disposal', then: 'break' }, s.disposalIndex, t);
    }
    return this.travel({ kind: 'depot', purpose: 'break' }, s.depotIndex, t);
  }

  private nextStudyBreakMs(): number | null {
    const k = this.breakTaken.indexOf(false);
    return k < 0 ? null : (this.breakStartsMs[k] as number);
  }

  /** The next planned action worth doing: a planned unloading with nothing on board is skipped. */
  private nextAction(): RouteAction | null {
    const actions = this.plan.actions;
    while (this.next < actions.length) {
      const action = actions[this.next] as RouteAction;
      if (action.kind === 'disposal' && (this.loadL <= 0 || this.setting.disposalIndex === null)) {
        this.next++;
        continue;
      }
      return action;
    }
    return null;
  }

  private travel(target: Target, to: number, t: number): number {
    const net = this.setting.network;
    const legM = net.distanceM(this.position, to);
    this.record.distanceM += legM;
    if (this.position === this.setting.depotIndex || to === this.setting.depotIndex) this.record.depotLegsM += legM;
    this.pending = target;
    return t + net.durationS(this.position, to) * 1000;
  }
}

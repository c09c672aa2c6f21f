import { LocalWeekClock } from '@vulgraad/time';
import type { CityContainer } from './city';
import { HOUR_MS } from './local-time';
import { Rng } from './random';

/** The true state of one container, as only the simulation knows it. */
export interface ContainerFillState {
  containerId: string;
  /** The instant this state describes. */
  at: Date;
  capacityL: number;
  /** Litres inside; keeps growing past capacity (the excess is on the street). */
  volumeL: number;
  /** volumeL / capacityL x 100; above 100 when overflowing. */
  fillPct: number;
  /** Litres beyond capacity right now. */
  overflowL: number;
  depositsSinceEmptied: number;
  lastEmptiedAt: Date | null;
  /** Totals since the engine started. */
  totalDeposits: number;
  totalDepositedL: number;
  emptyings: number;
  /** Emptyings that found the container over capacity, and the litres beyond capacity they found. */
  overflowEmptyings: number;
  overflowLAtEmptyings: number;
}

/** What a truck found when it emptied a container. */
export interface EmptyingRecord {
  containerId: string;
  at: Date;
  volumeL: number;
  capacityL: number;
  fillPct: number;
  /** Litres beyond capacity (0 when it did not overflow). */
  overflowL: number;
  deposits: number;
}

export interface DepositEngineOptions {
  seed: number;
  start: Date;
  /**
   * How full containers are at the start: 'empty', or 'random' (each uniform
   * between 0 and `maxInitialFill` of capacity, from a stream of its own so
   * deposits stay the same either way).
   */
  initialFill?: 'empty' | 'random';
  maxInitialFill?: number;
  /**
   * Litres already inside given containers at the start, e.g. a run resumed
   * from the last stored readings; these override `initialFill`.
   */
  initialVolumesL?: ReadonlyMap<string, number>;
  /**
   * Called for every deposit as it is applied, which happens lazily when a
   * container's state is asked for or it is emptied (for tests and traces).
   */
  onDeposit?: (containerId: string, atMs: number, volumeL: number) => void;
}

interface Slot {
  container: CityContainer;
  rng: Rng;
  /** Materialised up to and including this instant. */
  clockMs: number;
  volumeL: number;
  deposits: number;
  lastEmptiedMs: number | null;
  totalDeposits: number;
  totalDepositedL: number;
  emptyings: number;
  overflowEmptyings: number;
  overflowLAtEmptyings: number;
  /** Deposits of the hour being applied, in time order. */
  hourStartMs: number;
  pendingTimes: number[];
  pendingVolumes: number[];
  pendingIndex: number;
}

/**
 * The deposit process of the Groningen study as a reusable engine: per
 * container a non-homogeneous Poisson process by local hour and weekday,
 * deposit times uniform within the hour, volumes Triangular(min, mode, max);
 * volume keeps accumulating past capacity; an emptying resets it.
 *
 * Each container draws from its own stream, forked from the seed by its id,
 * one hour at a time, and emptyings never consume randomness: the deposits
 * are the same whatever the policy does (common random numbers), however
 * finely or coarsely time is advanced. Containers are brought up to date
 * lazily, when their state is asked for.
 */
export class DepositEngine {
  private readonly slots = new Map<string, Slot>();
  private readonly localSlots: LocalWeekClock;
  private nowMs: number;
  readonly startMs: number;

  constructor(
    containers: readonly CityContainer[],
    timezone: string,
    private readonly options: DepositEngineOptions,
  ) {
    this.startMs = options.start.getTime();
    if (!Number.isFinite(this.startMs)) throw new RangeError('start must be a valid date');
    this.nowMs = this.startMs;
    this.localSlots = LocalWeekClock.for(timezone);
    const root = new Rng(options.seed);
    const hourStart = Math.floor(this.startMs / HOUR_MS) * HOUR_MS;
    for (const container of containers) {
      if (this.slots.has(container.id)) throw new RangeError(`duplicate container id ${container.id}`);
      const slot: Slot = {
        container,
        rng: root.fork(`deposits:${container.id}`),
        clockMs: this.startMs,
        volumeL: 0,
        deposits: 0,
        lastEmptiedMs: null,
        totalDeposits: 0,
        totalDepositedL: 0,
        emptyings: 0,
        overflowEmptyings: 0,
        overflowLAtEmptyings: 0,
        hourStartMs: hourStart,
        pendingTimes: [],
        pendingVolumes: [],
        pendingIndex: 0,
      };
      this.drawHour(slot, hourStart);
      // Deposits of the first hour that fall before the start are not part of this run.
      while (slot.pendingIndex < slot.pendingTimes.length && (slot.pendingTimes[slot.pendingIndex] as number) <= this.startMs) slot.pendingIndex++;
      if (options.initialFill === 'random') {
        const init = root.fork(`initial:${container.id}`);
        const meanDeposit = (container.demand.depositVolumeL.minL + container.demand.depositVolumeL.modeL + container.demand.depositVolumeL.maxL) / 3;
        slot.volumeL = init.uniform() * (options.maxInitialFill ?? 0.8) * container.volumeL;
        slot.deposits = Math.round(slot.volumeL / meanDeposit);
      }
      const resumedL = options.initialVolumesL?.get(container.id);
      if (resumedL !== undefined && Number.isFinite(resumedL)) {
        const meanDeposit = (container.demand.depositVolumeL.minL + container.demand.depositVolumeL.modeL + container.demand.depositVolumeL.maxL) / 3;
        slot.volumeL = Math.max(0, resumedL);
        slot.deposits = Math.round(slot.volumeL / meanDeposit);
      }
      this.slots.set(container.id, slot);
    }
  }

  /** The engine's current time. */
  get now(): Date {
    return new Date(this.nowMs);
  }

  get containerIds(): string[] {
    return [...this.slots.keys()];
  }

  has(containerId: string): boolean {
    return this.slots.has(containerId);
  }

  /** Moves simulated time forward; deposits up to `time` count from now on. Time never goes back. */
  advanceTo(time: Date | number): void {
    const ms = typeof time === 'number' ? time : time.getTime();
    if (!(ms >= this.nowMs)) throw new RangeError(`cannot go back in time: now ${new Date(this.nowMs).toISOString()}, asked ${new Date(ms).toISOString()}`);
    this.nowMs = ms;
  }

  /** The true state of a container at the engine's current time. */
  state(containerId: string): ContainerFillState {
    const slot = this.slot(containerId);
    this.materialise(slot, this.nowMs);
    return this.describe(slot, this.nowMs);
  }

  /**
   * A container's state at `time`, which may lie before `now` as long as the
   * container has not been brought past it (see `clockOf`); a later time
   * moves the engine forward.
   */
  stateAt(containerId: string, time: Date | number): ContainerFillState {
    const slot = this.slot(containerId);
    const ms = typeof time === 'number' ? time : time.getTime();
    if (!(ms >= slot.clockMs)) {
      throw new RangeError(`container ${containerId} is already simulated up to ${new Date(slot.clockMs).toISOString()}; cannot read it at ${new Date(ms).toISOString()}`);
    }
    if (ms > this.nowMs) this.nowMs = ms;
    this.materialise(slot, ms);
    return this.describe(slot, ms);
  }

  /** The instant up to which a container has been simulated (its state cannot be asked for before it). */
  clockOf(containerId: string): Date {
    return new Date(this.slot(containerId).clockMs);
  }

  /** Every container's state at the current time. */
  states(): ContainerFillState[] {
    return [...this.slots.keys()].map((id) => this.state(id));
  }

  /**
   * A truck empties the container at `time` (default: now). The volume is
   * reset at that instant; deposits after it accumulate again. `time` may lie
   * before `now` as long as the container has not been brought past it; a
   * time after `now` moves the engine forward.
   */
  empty(containerId: string, time?: Date | number): EmptyingRecord {
    const slot = this.slot(containerId);
    const ms = time === undefined ? this.nowMs : typeof time === 'number' ? time : time.getTime();
    if (!Number.isFinite(ms)) throw new RangeError('emptying time must be a valid date');
    if (ms < slot.clockMs) {
      throw new RangeError(`container ${containerId} is already simulated up to ${new Date(slot.clockMs).toISOString()}; cannot empty it at ${new Date(ms).toISOString()}`);
    }
    if (ms > this.nowMs) this.nowMs = ms;
    this.materialise(slot, ms);
    const capacityL = slot.container.volumeL;
    const overflowL = Math.max(0, slot.volumeL - capacityL);
    const record: EmptyingRecord = {
      containerId,
      at: new Date(ms),
      volumeL: slot.volumeL,
      capacityL,
      fillPct: capacityL > 0 ? (slot.volumeL / capacityL) * 100 : 0,
      overflowL,
      deposits: slot.deposits,
    };
    slot.emptyings++;
    if (overflowL > 0) {
      slot.overflowEmptyings++;
      slot.overflowLAtEmptyings += overflowL;
    }
    slot.volumeL = 0;
    slot.deposits = 0;
    slot.lastEmptiedMs = ms;
    return record;
  }

  private slot(containerId: string): Slot {
    const slot = this.slots.get(containerId);
    if (!slot) throw new RangeError(`unknown container ${containerId}`);
    return slot;
  }

  /** Applies every deposit up to and including `untilMs`, drawing new hours as needed. */
  private materialise(slot: Slot, untilMs: number): void {
    if (untilMs <= slot.clockMs) return;
    const onDeposit = this.options.onDeposit;
    for (;;) {
      const times = slot.pendingTimes;
      while (slot.pendingIndex < times.length && (times[slot.pendingIndex] as number) <= untilMs) {
        const volume = slot.pendingVolumes[slot.pendingIndex] as number;
        slot.volumeL += volume;
        slot.deposits++;
        slot.totalDeposits++;
        slot.totalDepositedL += volume;
        if (onDeposit) onDeposit(slot.container.id, times[slot.pendingIndex] as number, volume);
        slot.pendingIndex++;
      }
      const hourEnd = slot.hourStartMs + HOUR_MS;
      if (untilMs < hourEnd) break;
      this.drawHour(slot, hourEnd);
    }
    slot.clockMs = untilMs;
  }

  /** Draws the deposits of one hour: a Poisson count, uniform times, triangular volumes. */
  private drawHour(slot: Slot, hourStartMs: number): void {
    const { demand } = slot.container;
    const lambda = demand.depositsPerDay * (demand.profile.shares[this.localSlots.slotOf(hourStartMs)] ?? 0);
    const count = slot.rng.poisson(lambda);
    const times = new Array<number>(count);
    const volumes = new Array<number>(count);
    for (let i = 0; i < count; i++) times[i] = hourStartMs + slot.rng.uniform() * HOUR_MS;
    times.sort((x, y) => x - y);
    const { minL, modeL, maxL } = demand.depositVolumeL;
    for (let i = 0; i < count; i++) volumes[i] = slot.rng.triangular(minL, modeL, maxL);
    slot.hourStartMs = hourStartMs;
    slot.pendingTimes = times;
    slot.pendingVolumes = volumes;
    slot.pendingIndex = 0;
  }

  private describe(slot: Slot, atMs: number): ContainerFillState {
    const capacityL = slot.container.volumeL;
    return {
      containerId: slot.container.id,
      at: new Date(atMs),
      capacityL,
      volumeL: slot.volumeL,
      fillPct: capacityL > 0 ? (slot.volumeL / capacityL) * 100 : 0,
      overflowL: Math.max(0, slot.volumeL - capacityL),
      depositsSinceEmptied: slot.deposits,
      lastEmptiedAt: slot.lastEmptiedMs === null ? null : new Date(slot.lastEmptiedMs),
      totalDeposits: slot.totalDeposits,
      totalDepositedL: slot.totalDepositedL,
      emptyings: slot.emptyings,
      overflowEmptyings: slot.overflowEmptyings,
      overflowLAtEmptyings: slot.overflowLAtEmptyings,
    };
  }
}

import type { Clock } from '@vulgraad/contracts';

/**
 * Simulated time the rest of a process can share (it implements `Clock`).
 * Two modes: manual, where the simulator moves time itself as fast as it can
 * work through events; and scaled, where simulated time runs `speed` times
 * faster than the wall clock from the moment it was anchored. Time never runs
 * backwards in either mode.
 */
export class SimulationClock implements Clock {
  private anchorSimMs: number;
  private anchorWallMs = 0;
  private speed = 0;

  constructor(
    start: Date,
    private readonly wallNow: () => number = Date.now,
  ) {
    this.anchorSimMs = start.getTime();
    if (!Number.isFinite(this.anchorSimMs)) throw new RangeError('the clock needs a valid start time');
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return this.speed === 0 ? this.anchorSimMs : this.anchorSimMs + (this.wallNow() - this.anchorWallMs) * this.speed;
  }

  /** Simulated seconds per wall second; 0 when time only moves by `advanceTo`. */
  get speedFactor(): number {
    return this.speed;
  }

  /** From now on simulated time runs `speed` x wall time (1 = real time). */
  runScaled(speed: number): void {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number, got ${speed}`);
    this.anchorSimMs = this.nowMs();
    this.anchorWallMs = this.wallNow();
    this.speed = speed;
  }

  /** Stops the flow of time; it moves again only by `advanceTo` or `runScaled`. */
  freeze(): void {
    this.anchorSimMs = this.nowMs();
    this.speed = 0;
  }

  /** Moves a frozen clock forward to `time`; never backwards. */
  advanceTo(time: Date | number): void {
    if (this.speed !== 0) throw new Error('the clock is running scaled; freeze it before moving it by hand');
    const ms = typeof time === 'number' ? time : time.getTime();
    if (ms > this.anchorSimMs) this.anchorSimMs = ms;
  }
}

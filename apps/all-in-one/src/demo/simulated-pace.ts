import type { SimulationClock } from '@vulgraad/sensor-simulator';

export interface SimulatedPaceOptions {
  /** Simulated seconds per wall second the demo aims at. */
  targetSpeed: number;
  /** Simulated milliseconds between two readings of a sensor. */
  readingIntervalMs: number;
  /** Simulated time the clock must not pass yet (a shift whose plans are still being made), or null. */
  holdAt: () => number | null;
  /** Longest wall time one hold lasts; after it the clock runs on whatever is missing. */
  maxHoldMs: number;
  /** Most wall time one step counts, however long the process was away (default 1000 ms). */
  maxStepMs?: number;
  /** Wall clock, for tests. */
  wallNow?: () => number;
  onChange?: (change: { speed: number; reason: string }) => void;
}

/**
 * Moves the demo's simulated clock, step by step, where the system can
 * follow it. The clock is frozen and advanced here by the wall time since
 * the last step times the speed, never by more than `maxStepMs` of wall
 * time: a process that stalled (a long database statement holds the event
 * loop, the machine is busy) does not come back to a clock hours ahead of
 * its readings, which would make every sensor look silent. The speed is
 * halved while the newest committed reading lags the clock by more than a
 * reading interval, and raised again towards the target once the lag is
 * under 40 % of one. Before a shift whose plans are still being made the
 * clock waits, so trucks leave with a plan (at most `maxHoldMs` per hold).
 */
export class SimulatedPace {
  private latestReadingMs = -Infinity;
  private speed: number;
  private lastWallMs: number | null = null;
  private heldSinceWallMs: number | null = null;
  private releasedHoldAtMs: number | null = null;
  private readonly minSpeed: number;
  private readonly maxStepMs: number;
  private readonly wallNow: () => number;

  constructor(
    private readonly clock: SimulationClock,
    private readonly options: SimulatedPaceOptions,
  ) {
    this.speed = options.targetSpeed;
    this.minSpeed = Math.max(1, options.targetSpeed / 16);
    this.maxStepMs = options.maxStepMs ?? 1000;
    this.wallNow = options.wallNow ?? Date.now;
  }

  /** Simulated seconds per wall second now (0 while held). */
  get currentSpeed(): number {
    return this.heldSinceWallMs === null ? this.speed : 0;
  }

  /** Feed every committed reading's time (container.state events). */
  noteReading(measuredAt: string | Date): void {
    const ms = typeof measuredAt === 'string' ? Date.parse(measuredAt) : measuredAt.getTime();
    if (Number.isFinite(ms) && ms > this.latestReadingMs) this.latestReadingMs = ms;
  }

  /** Takes the clock over (freezes it); from now on only `tick` moves it. */
  start(): void {
    this.clock.freeze();
    this.lastWallMs = this.wallNow();
  }

  /** One step: adjusts the speed or the hold, then moves the clock. Call it a few times a second. */
  tick(): void {
    if (this.lastWallMs === null) this.start();
    const wallMs = this.wallNow();
    const stepMs = Math.min(Math.max(0, wallMs - (this.lastWallMs as number)), this.maxStepMs);
    this.lastWallMs = wallMs;
    const nowMs = this.clock.nowMs();

    const holdAt = this.options.holdAt();
    const holding = holdAt !== null && holdAt !== this.releasedHoldAtMs;
    if (holding && nowMs >= holdAt) {
      if (this.heldSinceWallMs === null) {
        this.heldSinceWallMs = wallMs;
        this.options.onChange?.({ speed: 0, reason: 'waiting for the plans of the next shift' });
        return;
      }
      if (wallMs - this.heldSinceWallMs < this.options.maxHoldMs) return;
      this.releasedHoldAtMs = holdAt;
    }
    if (this.heldSinceWallMs !== null) {
      this.heldSinceWallMs = null;
      this.options.onChange?.({ speed: this.speed, reason: holdAt !== null && holdAt === this.releasedHoldAtMs ? 'plans still missing, going on' : 'plans are in' });
    } else {
      this.adjustSpeed(nowMs);
    }

    let targetMs = nowMs + stepMs * this.speed;
    if (holding && holdAt > nowMs) targetMs = Math.min(targetMs, holdAt);
    this.clock.advanceTo(targetMs);
  }

  private adjustSpeed(nowMs: number): void {
    const lagMs = Number.isFinite(this.latestReadingMs) ? nowMs - this.latestReadingMs : 0;
    if (lagMs > this.options.readingIntervalMs && this.speed > this.minSpeed) {
      this.speed = Math.max(this.minSpeed, this.speed / 2);
      this.options.onChange?.({ speed: this.speed, reason: `readings lag the clock by ${Math.round(lagMs / 60_000)} simulated minutes` });
    } else if (lagMs < this.options.readingIntervalMs * 0.4 && this.speed < this.options.targetSpeed) {
      this.speed = Math.min(this.options.targetSpeed, this.speed * 1.5);
      this.options.onChange?.({ speed: this.speed, reason: 'readings keep up' });
    }
  }
}

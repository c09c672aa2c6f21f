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
  /** Wall clock, for tests. */
  wallNow?: () => number;
  onChange?: (change: { speed: number; reason: string }) => void;
}

/**
 * Keeps the simulated clock where the system can follow it. A 2-core
 * machine under load cannot always take readings as fast as the demo's
 * speed makes them, and a clock that runs ahead of the stored readings
 * makes every sensor look silent (after three intervals); so the speed is
 * halved while the newest committed reading lags the clock by more than a
 * reading interval, and raised again towards the target once the lag is
 * under 40 % of one. It also holds the
 * clock before a shift whose plans are still being made, so trucks leave
 * with a plan (at most `maxHoldMs` per hold).
 */
export class SimulatedPace {
  private latestReadingMs = -Infinity;
  private speed: number;
  private heldSinceWallMs: number | null = null;
  private releasedHoldAtMs: number | null = null;
  private readonly minSpeed: number;
  private readonly wallNow: () => number;

  constructor(
    private readonly clock: SimulationClock,
    private readonly options: SimulatedPaceOptions,
  ) {
    this.speed = options.targetSpeed;
    this.minSpeed = Math.max(1, options.targetSpeed / 16);
    this.wallNow = options.wallNow ?? Date.now;
  }

  /** The speed the clock runs at now (0 while held). */
  get currentSpeed(): number {
    return this.clock.speedFactor;
  }

  /** Feed every committed reading's time (container.state events). */
  noteReading(measuredAt: string | Date): void {
    const ms = typeof measuredAt === 'string' ? Date.parse(measuredAt) : measuredAt.getTime();
    if (Number.isFinite(ms) && ms > this.latestReadingMs) this.latestReadingMs = ms;
  }

  /** Adjusts the clock; call it about once a second. */
  tick(): void {
    const nowMs = this.clock.nowMs();
    const holdAt = this.options.holdAt();
    if (holdAt !== null && holdAt !== this.releasedHoldAtMs && nowMs >= holdAt) {
      if (this.heldSinceWallMs === null) {
        this.heldSinceWallMs = this.wallNow();
        this.clock.freeze();
        this.options.onChange?.({ speed: 0, reason: 'waiting for the plans of the next shift' });
        return;
      }
      if (this.wallNow() - this.heldSinceWallMs < this.options.maxHoldMs) return;
      this.releasedHoldAtMs = holdAt;
    }
    if (this.heldSinceWallMs !== null) {
      this.heldSinceWallMs = null;
      this.run(this.speed, holdAt !== null && holdAt === this.releasedHoldAtMs ? 'plans still missing, going on' : 'plans are in');
      return;
    }
    if (this.clock.speedFactor === 0) return;
    const lagMs = Number.isFinite(this.latestReadingMs) ? nowMs - this.latestReadingMs : 0;
    if (lagMs > this.options.readingIntervalMs && this.speed > this.minSpeed) {
      this.run(Math.max(this.minSpeed, this.speed / 2), `readings lag the clock by ${Math.round(lagMs / 60_000)} simulated minutes`);
    } else if (lagMs < this.options.readingIntervalMs * 0.4 && this.speed < this.options.targetSpeed) {
      this.run(Math.min(this.options.targetSpeed, this.speed * 1.5), 'readings keep up');
    }
  }

  private run(speed: number, reason: string): void {
    this.speed = speed;
    this.clock.runScaled(speed);
    this.options.onChange?.({ speed, reason });
  }
}

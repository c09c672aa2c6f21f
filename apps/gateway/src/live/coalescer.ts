export interface CoalescerOptions {
  /**
   * When the last batch went at least an interval ago, hand the next item
   * over at once (on the next turn of the event loop, with whatever arrives
   * in the same turn) instead of an interval after it arrived. The batches
   * still go at most once per interval; what waits is only what arrives
   * within an interval of the last batch.
   */
  leading?: boolean;
}

/**
 * Keeps only the latest item per key and hands the batch over at most once
 * per interval, so a burst of any size becomes one batch per interval with
 * one entry per key and an item waits at most `intervalMs`. By default the
 * first item of a quiet period starts the clock (every item waits up to a
 * whole interval to gather company); with `leading`, the clock runs from
 * the last batch instead.
 */
export class Coalescer<T> {
  private pending = new Map<string, T>();
  private timer: NodeJS.Timeout | null = null;
  private lastFlushAt = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly flush: (batch: T[]) => void,
    private readonly options: CoalescerOptions = {},
  ) {}

  get size(): number {
    return this.pending.size;
  }

  push(key: string, item: T): void {
    this.pending.set(key, item);
    if (!this.timer) {
      const delayMs = this.options.leading ? Math.max(0, this.lastFlushAt + this.intervalMs - performance.now()) : this.intervalMs;
      this.timer = setTimeout(() => this.flushNow(), delayMs);
      this.timer.unref?.();
    }
  }

  flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.size === 0) return;
    this.lastFlushAt = performance.now();
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.flush(batch);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }
}

/**
 * Keeps only the latest item per key and hands the batch over at most once
 * per interval: the first item of a quiet period starts the clock, so an
 * item waits at most `intervalMs`, and a burst of any size becomes one batch
 * per interval with one entry per key.
 */
export class Coalescer<T> {
  private pending = new Map<string, T>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly flush: (batch: T[]) => void,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  push(key: string, item: T): void {
    this.pending.set(key, item);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flushNow(), this.intervalMs);
      this.timer.unref?.();
    }
  }

  flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.size === 0) return;
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

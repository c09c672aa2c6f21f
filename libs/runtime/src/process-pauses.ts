import { type IntervalHistogram, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

/** How late a process's event loop ran and how long its garbage collection paused it, since the last reset. */
export interface PausesSnapshot {
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  gcPauses: { count: number; totalMs: number; maxMs: number };
}

/**
 * Event-loop delay and garbage-collection pauses of this process: the first
 * things to look at when live traffic lags, as every message waiting in the
 * process waits through them. One per process is enough (the figures are the
 * process's, whoever asks).
 */
export class ProcessPauses {
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly gc = { count: 0, totalMs: 0, maxMs: 0 };
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      this.gc.count++;
      this.gc.totalMs += entry.duration;
      this.gc.maxMs = Math.max(this.gc.maxMs, entry.duration);
    }
  });

  constructor() {
    this.loopDelay.enable();
    this.observer.observe({ entryTypes: ['gc'] });
  }

  reset(): void {
    this.loopDelay.reset();
    Object.assign(this.gc, { count: 0, totalMs: 0, maxMs: 0 });
  }

  snapshot(): PausesSnapshot {
    const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
    return {
      eventLoopDelayMs: { p50: ms(this.loopDelay.percentile(50)), p99: ms(this.loopDelay.percentile(99)), max: ms(this.loopDelay.max) },
      gcPauses: { count: this.gc.count, totalMs: Math.round(this.gc.totalMs), maxMs: Math.round(this.gc.maxMs * 10) / 10 },
    };
  }

  stop(): void {
    this.loopDelay.disable();
    this.observer.disconnect();
  }
}

/**
 * The last `capacity` durations of something frequent (one per message), in
 * a ring, with their quantiles when asked: bounded memory and one store per
 * sample on the hot path, the sorting left to whoever reads them.
 */
export class RecentDurations {
  private readonly values: Float64Array;
  private next = 0;
  private count = 0;

  constructor(capacity = 65_536) {
    this.values = new Float64Array(capacity);
  }

  add(ms: number): void {
    this.values[this.next] = ms;
    this.next = (this.next + 1) % this.values.length;
    if (this.count < this.values.length) this.count++;
  }

  reset(): void {
    this.next = 0;
    this.count = 0;
  }

  /** p50, p99 and max of what is held, rounded to 0.1 ms. */
  quantiles(): { samples: number; p50: number; p99: number; max: number } {
    const sorted = this.values.slice(0, this.count).sort();
    const at = (p: number): number => (sorted.length === 0 ? 0 : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! * 10) / 10);
    return { samples: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) };
  }
}

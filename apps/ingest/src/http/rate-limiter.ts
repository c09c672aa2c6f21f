/** The answer to every take() that got a token: one object, not one per request. */
const TAKEN: { ok: true } = Object.freeze({ ok: true });

/**
 * Token buckets by key: `ratePerS` tokens a second, at most `burst` held.
 * Keys unused for a minute are forgotten, so a stream of made-up names
 * cannot grow the map without end.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();
  private lastSweepMs = 0;

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token; when none is left, the seconds until the next one. */
  take(key: string): { ok: true } | { ok: false; retryAfterS: number } {
    const nowMs = this.now();
    if (nowMs - this.lastSweepMs > 60_000) this.sweep(nowMs);
    let bucket = this.buckets.get(key);
    if (bucket === undefined) this.buckets.set(key, (bucket = { tokens: this.burst, atMs: nowMs }));
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((nowMs - bucket.atMs) / 1000) * this.ratePerS);
    bucket.atMs = nowMs;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return TAKEN;
    }
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerS)) };
  }

  private sweep(nowMs: number): void {
    this.lastSweepMs = nowMs;
    for (const [key, bucket] of this.buckets) if (nowMs - bucket.atMs > 60_000) this.buckets.delete(key);
  }
}

export interface LoginThrottleOptions {
  /** Failed logins allowed per key within the window. */
  maxFailures: number;
  windowMs: number;
  /** Keys remembered at most (oldest dropped first), so a flood of names cannot grow memory. */
  maxKeys?: number;
}

interface Entry {
  failures: number[];
}

/**
 * Slows password guessing: after `maxFailures` failed logins within
 * `windowMs` for a key (a user name, a client address), further attempts for
 * that key are refused until the oldest failure leaves the window. Both the
 * user name and the address count, so neither many names from one address
 * nor one name from many addresses gets far. Per process: with several
 * gateway replicas a guesser gets the limit once per replica.
 */
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly maxKeys: number;

  constructor(private readonly options: LoginThrottleOptions) {
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** Seconds until a login may be tried again for any of the keys; 0 = now. */
  retryAfterS(keys: string[], nowMs: number): number {
    let waitMs = 0;
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      const recent = entry.failures.filter((t) => t > nowMs - this.options.windowMs);
      entry.failures = recent;
      if (recent.length >= this.options.maxFailures) {
        const oldest = recent[recent.length - this.options.maxFailures] as number;
        waitMs = Math.max(waitMs, oldest + this.options.windowMs - nowMs);
      }
    }
    return Math.ceil(waitMs / 1000);
  }

  failed(keys: string[], nowMs: number): void {
    for (const key of keys) {
      let entry = this.entries.get(key);
      if (!entry) {
        if (this.entries.size >= this.maxKeys) this.entries.delete(this.entries.keys().next().value as string);
        entry = { failures: [] };
        this.entries.set(key, entry);
      }
      entry.failures.push(nowMs);
      if (entry.failures.length > this.options.maxFailures * 2) entry.failures.splice(0, entry.failures.length - this.options.maxFailures * 2);
    }
  }

  /** A successful login clears the user name's failures (not the address's). */
  succeeded(key: string): void {
    this.entries.delete(key);
  }
}

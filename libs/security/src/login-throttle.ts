export interface LoginThrottleOptions {
  /** Failed logins allowed per key within the window, unless the key names its own. */
  maxFailures: number;
  windowMs: number;
  /** Keys remembered at most (oldest dropped first), so a flood of names cannot grow memory. */
  maxKeys?: number;
}

/** A key and, when it differs from the default, how many failures it allows. */
export type ThrottleKey = string | { key: string; maxFailures: number };

interface Entry {
  failures: number[];
  /** Attempts started and not yet decided: they count as failures until they are. */
  pending: number;
}

/**
 * Slows password guessing: after `maxFailures` failed logins within
 * `windowMs` for a key (a user name at an address, an address, a user name
 * from anywhere with a larger limit), further attempts for that key are
 * refused until the oldest failure leaves the window. An attempt takes its
 * place before the password is checked (`begin`), so attempts sent in
 * parallel cannot all pass the check while none has failed yet. Per process:
 * with several gateway replicas a guesser gets the limit once per replica.
 */
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly maxKeys: number;

  constructor(private readonly options: LoginThrottleOptions) {
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** Seconds until a login may be tried again for any of the keys; 0 = now. */
  retryAfterS(keys: ThrottleKey[], nowMs: number): number {
    let waitMs = 0;
    for (const { key, maxFailures } of keys.map((k) => this.normalise(k))) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      const recent = entry.failures.filter((t) => t > nowMs - this.options.windowMs);
      entry.failures = recent;
      const counted = recent.length + entry.pending;
      if (counted >= maxFailures) {
        // Full of failures: until the oldest that counts leaves the window; full only with undecided attempts: a second.
        const untilMs = recent.length >= maxFailures ? (recent[recent.length - maxFailures] as number) + this.options.windowMs - nowMs : 1000;
        waitMs = Math.max(waitMs, untilMs, 1000);
      }
    }
    return Math.ceil(waitMs / 1000);
  }

  /** Takes a place for one attempt: 0 = go on and call failed() or succeeded() after; otherwise the seconds to wait. */
  begin(keys: ThrottleKey[], nowMs: number): number {
    const waitS = this.retryAfterS(keys, nowMs);
    if (waitS > 0) return waitS;
    for (const { key } of keys.map((k) => this.normalise(k))) this.entry(key).pending++;
    return 0;
  }

  /** A failed attempt; `begun` when its place was taken with begin(). */
  failed(keys: ThrottleKey[], nowMs: number, begun = false): void {
    for (const { key, maxFailures } of keys.map((k) => this.normalise(k))) {
      const entry = this.entry(key);
      if (begun && entry.pending > 0) entry.pending--;
      entry.failures.push(nowMs);
      if (entry.failures.length > maxFailures * 2) entry.failures.splice(0, entry.failures.length - maxFailures * 2);
    }
  }

  /** A successful attempt begun with begin(): its places are given back, and the failures of `clear` forgotten. */
  succeeded(keys: ThrottleKey[], clear: ThrottleKey[]): void {
    for (const { key } of keys.map((k) => this.normalise(k))) {
      const entry = this.entries.get(key);
      if (entry && entry.pending > 0) entry.pending--;
    }
    for (const { key } of clear.map((k) => this.normalise(k))) {
      const entry = this.entries.get(key);
      if (entry && entry.pending === 0) this.entries.delete(key);
      else if (entry) entry.failures = [];
    }
  }

  private normalise(key: ThrottleKey): { key: string; maxFailures: number } {
    return typeof key === 'string' ? { key, maxFailures: this.options.maxFailures } : key;
  }

  private entry(key: string): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      if (this.entries.size >= this.maxKeys) this.entries.delete(this.entries.keys().next().value as string);
      entry = { failures: [], pending: 0 };
      this.entries.set(key, entry);
    }
    return entry;
  }
}

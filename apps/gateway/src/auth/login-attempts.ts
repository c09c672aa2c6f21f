import { Inject, Injectable } from '@nestjs/common';
import { getStorageToken } from '@nestjs/throttler';
import { CONFIG } from '@vulgraad/contracts';
import type { Config } from '@vulgraad/config';
import type { LoginThrottlerStorage } from './login-throttler.storage';

/** The named throttler of @nestjs/throttler that counts logins. */
export const LOGIN_THROTTLER = 'login';

/** A key and, when it differs from GATEWAY_LOGIN_MAX_FAILURES, how many failures it allows. */
export type LoginKey = string | { key: string; maxFailures: number };

/**
 * Slows password guessing: after GATEWAY_LOGIN_MAX_FAILURES failed logins
 * within GATEWAY_LOGIN_WINDOW_S for a key (a user name at an address, an
 * address; a user name from anywhere has its own larger limit), further
 * attempts for that key are refused for the window. The counts live in the
 * throttler storage of @nestjs/throttler: Redis when REDIS_URL is set, so the
 * limits hold across gateway replicas, else this process. An attempt is
 * counted before its password is checked, so attempts sent in parallel
 * cannot all pass while none has failed yet; a successful one is taken back.
 */
@Injectable()
export class LoginAttempts {
  private readonly windowMs: number;

  constructor(
    @Inject(getStorageToken()) private readonly storage: LoginThrottlerStorage,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    this.windowMs = config.security.loginWindowS * 1000;
  }

  /** Counts one attempt for every key: 0 = go on (and call succeeded() if the password was right); otherwise the seconds to wait. */
  async begin(keys: LoginKey[]): Promise<number> {
    let waitS = 0;
    const counted: string[] = [];
    for (const { key, maxFailures } of keys.map((k) => this.normalise(k))) {
      const record = await this.storage.increment(key, this.windowMs, maxFailures, this.windowMs, LOGIN_THROTTLER);
      if (record.isBlocked) waitS = Math.max(waitS, record.timeToBlockExpire, 1);
      else counted.push(key);
    }
    // A refused attempt is no attempt: the keys that had room get their place back.
    if (waitS > 0) for (const key of counted) await this.storage.release(key, LOGIN_THROTTLER);
    return waitS;
  }

  /** A successful attempt begun with begin(): its places are given back, and the failures of `clear` forgotten. */
  async succeeded(keys: LoginKey[], clear: LoginKey[]): Promise<void> {
    const cleared = new Set(clear.map((k) => this.normalise(k).key));
    for (const { key } of keys.map((k) => this.normalise(k))) {
      if (cleared.has(key)) await this.storage.reset(key, LOGIN_THROTTLER);
      else await this.storage.release(key, LOGIN_THROTTLER);
    }
  }

  private normalise(key: LoginKey): { key: string; maxFailures: number } {
    return typeof key === 'string' ? { key, maxFailures: this.config.security.loginMaxFailures } : key;
  }
}

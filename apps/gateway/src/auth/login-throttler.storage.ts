import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';

/**
 * A @nestjs/throttler storage that can also take a hit back: the login
 * counts an attempt before the password is checked (parallel guesses count
 * while they are checked) and gives it back when the password was right.
 * `increment` follows the throttler's contract: hits within `ttl` ms of the
 * first; the hit that goes over `limit` blocks the key for `blockDuration` ms;
 * a blocked key is not counted further. Times in the record are seconds.
 */
export interface LoginThrottlerStorage extends ThrottlerStorage {
  /** Takes one hit of `key` back (never below zero). */
  release(key: string, throttlerName: string): Promise<void>;
  /** Forgets the hits of `key` (not a block in force). */
  reset(key: string, throttlerName: string): Promise<void>;
}

// KEYS[1] hits, KEYS[2] block; ARGV[1] ttl ms, ARGV[2] limit, ARGV[3] block ms.
// Returns hits, ms until the hits expire, 1 when blocked, ms until the block ends.
const INCREMENT = `
local blockMs = redis.call('PTTL', KEYS[2])
if blockMs > 0 then
  return {tonumber(redis.call('GET', KEYS[1]) or '0'), math.max(redis.call('PTTL', KEYS[1]), 0), 1, blockMs}
end
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttlMs = redis.call('PTTL', KEYS[1])
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, ttlMs, 1, tonumber(ARGV[3])}
end
return {hits, ttlMs, 0, 0}
`;

// KEYS[1] hits: one fewer, when there are any.
const RELEASE = `
local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
if hits > 0 then redis.call('DECR', KEYS[1]) end
return hits
`;

/** What `increment` answers (the package does not export the record's type from its index). */
export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

const toSeconds = (ms: number): number => Math.ceil(ms / 1000);

/** Counts in Redis, shared by every gateway replica on the same REDIS_URL and prefix. */
export class RedisThrottlerStorage implements LoginThrottlerStorage, OnApplicationShutdown {
  private readonly redis: Redis;

  constructor(redisUrl: string, private readonly prefix: string) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
    // A Redis outage is seen by each login that needs it (a 500 and a log line), not as an unhandled event.
    this.redis.on('error', () => undefined);
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const [hits, ttlMs, blocked, blockMs] = (await this.redis.eval(INCREMENT, 2, this.hitsKey(key, throttlerName), this.blockKey(key, throttlerName), ttl, limit, blockDuration)) as number[];
    return { totalHits: hits, timeToExpire: toSeconds(ttlMs), isBlocked: blocked === 1, timeToBlockExpire: toSeconds(blockMs) };
  }

  async release(key: string, throttlerName: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.hitsKey(key, throttlerName));
  }

  async reset(key: string, throttlerName: string): Promise<void> {
    await this.redis.del(this.hitsKey(key, throttlerName));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private hitsKey(key: string, throttlerName: string): string {
    return `${this.prefix}:${throttlerName}:hits:${key}`;
  }

  private blockKey(key: string, throttlerName: string): string {
    return `${this.prefix}:${throttlerName}:block:${key}`;
  }
}

interface MemoryRecord {
  hits: number;
  expiresAtMs: number;
  blockedUntilMs: number;
}

/** Counts in this process: one gateway without Redis (the all-in-one). Same contract as the Redis storage. */
export class MemoryThrottlerStorage implements LoginThrottlerStorage {
  private readonly records = new Map<string, MemoryRecord>();

  /** `maxKeys`: keys remembered at most (expired ones, then the oldest, go first), so a flood of names cannot grow memory. */
  constructor(private readonly maxKeys = 100_000, private readonly now: () => number = Date.now) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const nowMs = this.now();
    const id = `${throttlerName}:${key}`;
    let record = this.records.get(id);
    if (record && record.blockedUntilMs > nowMs) {
      return { totalHits: record.hits, timeToExpire: toSeconds(Math.max(0, record.expiresAtMs - nowMs)), isBlocked: true, timeToBlockExpire: toSeconds(record.blockedUntilMs - nowMs) };
    }
    if (!record || record.expiresAtMs <= nowMs) {
      record = { hits: 0, expiresAtMs: nowMs + ttl, blockedUntilMs: 0 };
      this.remember(id, record, nowMs);
    }
    record.hits++;
    if (record.hits > limit) {
      record.blockedUntilMs = nowMs + blockDuration;
      return { totalHits: record.hits, timeToExpire: toSeconds(record.expiresAtMs - nowMs), isBlocked: true, timeToBlockExpire: toSeconds(blockDuration) };
    }
    return { totalHits: record.hits, timeToExpire: toSeconds(record.expiresAtMs - nowMs), isBlocked: false, timeToBlockExpire: 0 };
  }

  async release(key: string, throttlerName: string): Promise<void> {
    const record = this.records.get(`${throttlerName}:${key}`);
    if (record && record.hits > 0) record.hits--;
  }

  async reset(key: string, throttlerName: string): Promise<void> {
    const id = `${throttlerName}:${key}`;
    const record = this.records.get(id);
    if (record && record.blockedUntilMs <= this.now()) this.records.delete(id);
    else if (record) record.hits = 0;
  }

  private remember(id: string, record: MemoryRecord, nowMs: number): void {
    this.records.delete(id);
    if (this.records.size >= this.maxKeys) {
      for (const [other, r] of this.records) if (r.expiresAtMs <= nowMs && r.blockedUntilMs <= nowMs) this.records.delete(other);
      if (this.records.size >= this.maxKeys) this.records.delete(this.records.keys().next().value as string);
    }
    this.records.set(id, record);
  }
}

import { RateLimiter } from './rate-limiter';

describe(RateLimiter.name, () => {
  it('lets a burst through, then refuses with the wait until the next token, and refills with time', () => {
    let nowMs = 1_000_000;
    const sut = new RateLimiter(2, 3, () => nowMs);
    expect([sut.take('a'), sut.take('a'), sut.take('a')].every((r) => r.ok)).toBe(true);
    expect(sut.take('a')).toEqual({ ok: false, retryAfterS: 1 });
    // Another key has its own bucket.
    expect(sut.take('b').ok).toBe(true);
    nowMs += 500;
    expect(sut.take('a').ok).toBe(true);
    expect(sut.take('a').ok).toBe(false);
  });

  it('forgets keys unused for a minute', () => {
    let nowMs = 0;
    const sut = new RateLimiter(1, 1, () => nowMs);
    sut.take('x');
    expect(sut.take('x').ok).toBe(false);
    nowMs += 61_000;
    expect(sut.take('y').ok).toBe(true);
    expect(sut.take('x').ok).toBe(true);
  });
});

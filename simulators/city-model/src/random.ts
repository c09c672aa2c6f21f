/**
 * Seeded randomness. Every stochastic part of the simulators draws from an
 * `Rng` forked from one run seed by a label (a container id, "init", ...), so
 * a stream depends only on (seed, label): adding a container, a policy or a
 * sensor never shifts another stream. That is what gives every collection
 * policy the same deposits (common random numbers).
 */

const TWO_POW_32 = 4294967296;
// Bound once: looking up the global Math on every call is dozens of times
// slower inside a sandboxed context (Jest's test environment), and these run
// millions of times per simulated week.
const { imul, exp, sqrt, log, cos, sin, floor, min, PI } = Math;

/** FNV-1a over the UTF-16 code units of a string: a stable 32-bit label hash. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** One step of splitmix32; spreads a seed over the four words of the generator state. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = imul(z ^ (z >>> 16), 0x85ebca6b);
  z = imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** xoshiro128** pseudo-random generator: fast, 2^128 - 1 period, good statistical quality. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  constructor(readonly seed: number) {
    const state = { s: seed | 0 };
    this.a = splitmix32(state);
    this.b = splitmix32(state);
    this.c = splitmix32(state);
    this.d = splitmix32(state);
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** An independent stream for a label, fixed by this generator's seed and the label only. */
  fork(label: string): Rng {
    return new Rng((imul(this.seed ^ 0x5bd1e995, 0x9e3779b1) ^ hashString(label)) >>> 0);
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = imul(rotl(imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform on the open interval (0, 1): never exactly 0 or 1, so logs and roots are safe. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }

  /** Uniform on [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.uniform();
  }

  /** Uniform integer on [0, n). */
  int(n: number): number {
    return floor(this.uniform() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.uniform() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** Standard normal (Box-Muller, polar form not needed: the spare value is kept). */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return mean + sd * spare;
    }
    const radius = sqrt(-2 * log(this.uniform()));
    const angle = 2 * PI * this.uniform();
    this.spareNormal = radius * sin(angle);
    return mean + sd * radius * cos(angle);
  }

  /** Log-normal with the given median and log-scale standard deviation. */
  logNormal(median: number, sigma: number): number {
    return median * exp(sigma * this.normal());
  }

  /**
   * Poisson(lambda). Knuth's product-of-uniforms method is exact and fast for
   * the small hourly means we use; a large mean is split into parts of at most
   * 30, whose sum is Poisson with the total mean.
   */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    let total = 0;
    let remaining = lambda;
    while (remaining > 0) {
      const part = min(remaining, 30);
      remaining -= part;
      const limit = exp(-part);
      let product = this.uniform();
      let count = 0;
      while (product > limit) {
        count++;
        product *= this.uniform();
      }
      total += count;
    }
    return total;
  }

  /** Triangular(min, mode, max) by inverting its distribution function. */
  triangular(min: number, mode: number, max: number): number {
    if (!(min <= mode && mode <= max)) throw new RangeError(`triangular needs min <= mode <= max, got ${min}, ${mode}, ${max}`);
    if (min === max) return min;
    const u = this.uniform();
    const split = (mode - min) / (max - min);
    return u < split ? min + sqrt(u * (max - min) * (mode - min)) : max - sqrt((1 - u) * (max - min) * (max - mode));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

import { Rng, hashString } from './random';

const sample = (n: number, draw: () => number): number[] => Array.from({ length: n }, draw);
const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const variance = (xs: number[]): number => {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
};

describe(Rng.name, () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const sut = new Rng(42);
    const again = new Rng(42);
    const other = new Rng(43);
    const first = sample(5, () => sut.nextUint32());
    expect(sample(5, () => again.nextUint32())).toEqual(first);
    expect(sample(5, () => other.nextUint32())).not.toEqual(first);
  });

  it('forks streams that depend only on the seed and the label', () => {
    const sut = new Rng(7);
    sut.uniform();
    const a = sut.fork('container-1');
    const b = new Rng(7).fork('container-1');
    const c = new Rng(7).fork('container-2');
    const fromA = sample(4, () => a.uniform());
    expect(sample(4, () => b.uniform())).toEqual(fromA);
    expect(sample(4, () => c.uniform())).not.toEqual(fromA);
  });

  it('draws uniforms strictly inside (0, 1) with mean one half', () => {
    const sut = new Rng(1);
    const xs = sample(100_000, () => sut.uniform());
    expect(Math.min(...xs)).toBeGreaterThan(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean(xs)).toBeCloseTo(0.5, 2);
  });

  it.each([0.3, 2.5, 12, 75])('draws Poisson(%p) with matching mean and variance', (lambda) => {
    const sut = new Rng(99);
    const xs = sample(40_000, () => sut.poisson(lambda));
    expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    expect(Math.abs(mean(xs) - lambda)).toBeLessThan(0.03 * lambda + 0.01);
    expect(Math.abs(variance(xs) - lambda)).toBeLessThan(0.06 * lambda + 0.02);
  });

  it('returns 0 deposits for a zero rate', () => {
    expect(new Rng(1).poisson(0)).toBe(0);
  });

  it('draws Triangular(10, 30, 60) within bounds with mean 33.3 and mode near 30', () => {
    const sut = new Rng(5);
    const xs = sample(100_000, () => sut.triangular(10, 30, 60));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...xs)).toBeLessThanOrEqual(60);
    expect(mean(xs)).toBeCloseTo(100 / 3, 0);
    // The density peaks at the mode: the 5-litre band around 30 holds more than any band away from it.
    const band = (lo: number): number => xs.filter((x) => x >= lo && x < lo + 5).length;
    expect(band(27.5)).toBeGreaterThan(band(15));
    expect(band(27.5)).toBeGreaterThan(band(45));
    // P(X <= 30) = (30 - 10) / (60 - 10) = 0.4 for this law.
    expect(xs.filter((x) => x <= 30).length / xs.length).toBeCloseTo(0.4, 2);
  });

  it('rejects a triangular law whose mode lies outside its bounds', () => {
    expect(() => new Rng(1).triangular(10, 70, 60)).toThrow(RangeError);
  });

  it('hashes labels stably', () => {
    expect(hashString('abc')).toBe(hashString('abc'));
    expect(hashString('abc')).not.toBe(hashString('abd'));
  });
});

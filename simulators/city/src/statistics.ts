/** Mean and spread of one figure over the seeds of a run. */
export interface Spread {
  /** Number of values (seeds). */
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1 in the denominator); 0 for a single value. */
  sd: number;
  min: number;
  max: number;
}

/** Mean, sample standard deviation, minimum and maximum of a non-empty list of finite numbers. */
export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('spreadOf needs at least one value');
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`spreadOf needs finite values, got ${v}`);
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = n > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { n, mean, sd: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
}

/** The spread of every numeric field that all the objects share (e.g. one policy's summaries, one per seed). */
export function spreadOfFields<T extends object>(items: readonly T[]): Record<string, Spread> {
  const first = items[0];
  if (!first) throw new RangeError('spreadOfFields needs at least one item');
  const out: Record<string, Spread> = {};
  for (const [key, value] of Object.entries(first)) {
    if (typeof value !== 'number') continue;
    out[key] = spreadOf(items.map((item) => (item as Record<string, unknown>)[key] as number));
  }
  return out;
}

/**
 * Reads a list of seeds: whole numbers and ranges, comma-separated
 * (`11-20`, `1,2,5`, `1-3,7`). Throws on anything else, on an empty list and
 * on a seed given twice.
 */
export function parseSeeds(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const range = /^(-?\d+)\s*-\s*(-?\d+)$/.exec(part);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (to < from) throw new RangeError(`seed range "${part}" runs backwards`);
      if (to - from >= 10_000) throw new RangeError(`seed range "${part}" is too long`);
      for (let s = from; s <= to; s++) seeds.push(s);
    } else if (/^-?\d+$/.test(part)) seeds.push(Number(part));
    else throw new RangeError(`"${part}" is not a seed or a range of seeds`);
  }
  if (seeds.length === 0) throw new RangeError('no seeds given');
  const twice = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (twice !== undefined) throw new RangeError(`seed ${twice} is given twice`);
  return seeds;
}

/** The seeds in both lists (tuning seeds must not be reported seeds). */
export function overlappingSeeds(a: readonly number[], b: readonly number[]): number[] {
  const inB = new Set(b);
  return a.filter((s) => inB.has(s));
}

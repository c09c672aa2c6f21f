import type { Rng } from './random';

/**
 * Lloyd's k-means on planar points with k-means++ seeding from a seeded Rng:
 * the same points and seed always give the same districts.
 */
export function kMeans(points: ReadonlyArray<{ x: number; y: number }>, k: number, rng: Rng, maxIterations = 60): { assignment: Int32Array; centres: Array<{ x: number; y: number }> } {
  const n = points.length;
  if (n === 0) return { assignment: new Int32Array(0), centres: [] };
  const count = Math.max(1, Math.min(k, n));
  const centres: Array<{ x: number; y: number }> = [];
  const first = points[rng.int(n)] as { x: number; y: number };
  centres.push({ ...first });
  const nearest = new Float64Array(n).fill(Infinity);
  while (centres.length < count) {
    const last = centres[centres.length - 1] as { x: number; y: number };
    let total = 0;
    for (let i = 0; i < n; i++) {
      const p = points[i] as { x: number; y: number };
      const d = (p.x - last.x) ** 2 + (p.y - last.y) ** 2;
      if (d < (nearest[i] as number)) nearest[i] = d;
      total += nearest[i] as number;
    }
    let target = rng.uniform() * total;
    let chosen = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i] as number;
      if (target <= 0) {
        chosen = i;
        break;
      }
    }
    centres.push({ ...(points[chosen] as { x: number; y: number }) });
  }
  const assignment = new Int32Array(n).fill(-1);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      const p = points[i] as { x: number; y: number };
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < centres.length; c++) {
        const centre = centres[c] as { x: number; y: number };
        const d = (p.x - centre.x) ** 2 + (p.y - centre.y) ** 2;
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      if (assignment[i] !== best) {
        assignment[i] = best;
        changed = true;
      }
    }
    const sums = centres.map(() => ({ x: 0, y: 0, n: 0 }));
    for (let i = 0; i < n; i++) {
      const sum = sums[assignment[i] as number] as { x: number; y: number; n: number };
      const p = points[i] as { x: number; y: number };
      sum.x += p.x;
      sum.y += p.y;
      sum.n++;
    }
    sums.forEach((sum, c) => {
      if (sum.n > 0) centres[c] = { x: sum.x / sum.n, y: sum.y / sum.n };
    });
    if (!changed) break;
  }
  return { assignment, centres };
}
